// SPDX-License-Identifier: Apache-2.0

/// The ids of a tokenizer's special tokens.
///
/// BERT's `[CLS]` and `[SEP]` are its ``start`` and ``end`` tokens; CLIP's are `<|startoftext|>` and
/// `<|endoftext|>`.
public struct SpecialTokenIDs: Hashable, Sendable {
    /// The id put before the content (`[CLS]`, `<|startoftext|>`).
    public var start: Int
    /// The id put after the content (`[SEP]`, `<|endoftext|>`).
    public var end: Int
    /// The id that fills padded positions (`[PAD]` = 0 for BERT; `<|endoftext|>` for Hugging Face CLIP).
    public var padding: Int
    /// The id for text the vocabulary cannot represent (`[UNK]`, `<|endoftext|>`).
    public var unknown: Int

    /// Creates a set of special token ids.
    public init(start: Int, end: Int, padding: Int, unknown: Int) {
        self.start = start
        self.end = end
        self.padding = padding
        self.unknown = unknown
    }
}
