// SPDX-License-Identifier: Apache-2.0

/// Turns text into the token ids a text encoder reads.
///
/// A conforming type implements one requirement, ``encode(_:maxLength:)``, plus two properties; single-text and
/// padded-batch conveniences come from an extension. Tokenizing never fails: characters the vocabulary cannot
/// represent become the unknown token (or byte-level pieces). Loading a tokenizer from files is where errors
/// happen, and each concrete type does that in its own initialisers.
///
/// ```swift
/// let tokenizer = try CLIPTokenizer(vocabularyFile: vocabURL, mergesFile: mergesURL)
/// let ids = tokenizer.encode("a photo of a cat.")        // [49406, 320, 1125, 539, 320, 2368, 269, 49407]
/// let batch = tokenizer.encode(["a cat", "a dog on a mat"])
/// print(batch.length, batch.ids(row: 0), batch.attentionMask(row: 0))
/// ```
public protocol Tokenizer: Sendable {
    /// The longest sequence, special tokens included, that ``encode(_:)`` produces (77 for CLIP, 512 for BERT).
    var maxLength: Int { get }

    /// The ids of the start, end, padding and unknown tokens.
    var specialTokens: SpecialTokenIDs { get }

    /// The token ids of one text, with the start and end tokens, truncated to at most `maxLength` ids.
    ///
    /// Truncation drops content ids from the end and always keeps the start and end tokens.
    /// - Parameters:
    ///   - text: Any text.
    ///   - maxLength: The most ids to return, special tokens included.
    /// - Returns: The ids, starting with the start token and ending with the end token.
    /// - Precondition: `maxLength` is at least the number of special tokens added (2 for CLIP and BERT).
    func encode(_ text: String, maxLength: Int) -> [Int]
}

extension Tokenizer {
    /// The token ids of one text, truncated to ``maxLength``.
    /// - Parameter text: Any text.
    /// - Returns: The ids, starting with the start token and ending with the end token.
    public func encode(_ text: String) -> [Int] {
        encode(text, maxLength: maxLength)
    }

    /// Tokenizes several texts into one padded, row-major batch with an attention mask.
    ///
    /// - Parameters:
    ///   - texts: The texts, one per row.
    ///   - padding: Whether rows are padded to the longest row or to the maximum length.
    ///   - maxLength: The most ids per row; `nil` means the tokenizer's ``maxLength``.
    /// - Returns: The batch; padded positions hold ``SpecialTokenIDs/padding`` and have mask 0.
    /// - Precondition: `maxLength`, if given, is at least 2.
    public func encode(_ texts: [String], padding: TokenPadding = .longest, maxLength: Int? = nil) -> TokenBatch {
        let limit = maxLength ?? self.maxLength
        let rows = texts.map { encode($0, maxLength: limit) }
        let length: Int
        switch padding {
        case .longest: length = rows.reduce(0) { max($0, $1.count) }
        case .maxLength: length = limit
        }
        return TokenBatch(rows: rows, length: length, paddingID: specialTokens.padding)
    }
}
