// SPDX-License-Identifier: Apache-2.0

/// How ``Tokenizer/encode(_:padding:maxLength:)`` pads the rows of a batch.
public enum TokenPadding: Hashable, Sendable {
    /// Pad every row to the longest row of the batch.
    case longest
    /// Pad every row to the maximum length (77 for CLIP, as OpenAI's `clip.tokenize` does).
    case maxLength
}
