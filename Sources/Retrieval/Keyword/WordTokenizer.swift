// SPDX-License-Identifier: Apache-2.0

/// Splits text into lower-cased words the way Weaviate's `word` tokenization does, and knows which words are stop
/// words.
///
/// A word is a maximal run of Unicode scalars that are letters (general categories `L*`) or numbers (`N*`);
/// everything else — spaces, punctuation, symbols, combining marks — separates words. Each word is then
/// lower-cased.
///
/// ```swift
/// let tokenizer = WordTokenizer()
/// tokenizer.tokens(in: "Café-au-lait: 2 ÉCLAIRS!")   // ["café", "au", "lait", "2", "éclairs"]
/// tokenizer.queryTerms(in: "the state of the art")    // ["state", "art"]
/// ```
///
/// Stop words only affect queries: ``tokens(in:)`` keeps them (so they count towards a document's length, as in
/// Weaviate) and ``queryTerms(in:)`` drops them. The default list is Weaviate's `en` preset, which is also Lucene's
/// classic English stop set (33 words); pass `[]` for Weaviate's `none` preset, or build your own set with
/// ``init(stopWords:)`` — for example the preset plus Weaviate's `additions` minus its `removals`.
///
/// Lower-casing uses Swift's full Unicode case mapping, which differs from Go's per-scalar mapping only for a few
/// scalars whose lower case is longer (such as `İ`, which becomes `i` followed by a combining dot).
public struct WordTokenizer: Sendable, Hashable {
    /// Weaviate's `en` stop word preset.
    public static let englishStopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with",
    ]

    /// The words ``queryTerms(in:)`` drops, lower-cased.
    public let stopWords: Set<String>

    /// Creates a tokenizer.
    ///
    /// - Parameter stopWords: Words to drop from queries; Weaviate's English preset by default. They are
    ///   lower-cased, so `"The"` and `"the"` name the same stop word.
    public init(stopWords: Set<String> = WordTokenizer.englishStopWords) {
        self.stopWords = Set(stopWords.map { $0.lowercased() })
    }

    /// The lower-cased words of `text`, in order, stop words included.
    ///
    /// - Parameter text: Any text.
    /// - Returns: The words; empty when `text` has no letters or digits.
    /// - Complexity: O(n) in the length of `text`.
    public func tokens(in text: String) -> [String] {
        var words: [String] = []
        Self.forEachWord(in: text) { words.append($0) }
        return words
    }

    /// The words of a query that take part in keyword scoring: ``tokens(in:)`` without the stop words.
    ///
    /// Repeated words are kept; a keyword index counts a word that occurs twice in the query twice.
    ///
    /// - Parameter text: The query text.
    /// - Returns: The words that are not stop words, in order.
    public func queryTerms(in text: String) -> [String] {
        var words: [String] = []
        Self.forEachWord(in: text) { word in
            if !stopWords.contains(word) { words.append(word) }
        }
        return words
    }

    /// Calls `body` with each lower-cased word of `text`.
    static func forEachWord(in text: String, _ body: (String) -> Void) {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            forEachASCIIWord(in: text, body)
            return
        }
        var word = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                word.append(scalar)
            } else if !word.isEmpty {
                body(String(word).lowercased())
                word.removeAll(keepingCapacity: true)
            }
        }
        if !word.isEmpty { body(String(word).lowercased()) }
    }

    /// The fast path for ASCII text: letters and digits are bytes, and lower-casing is a bit flip.
    private static func forEachASCIIWord(in text: String, _ body: (String) -> Void) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(32)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                buffer.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                buffer.append(byte | 0x20)
            default:
                if !buffer.isEmpty {
                    body(String(decoding: buffer, as: UTF8.self))
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        if !buffer.isEmpty { body(String(decoding: buffer, as: UTF8.self)) }
    }

    /// Whether a scalar is a letter or a number (Unicode general categories `L*` and `N*`).
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber:
            true
        default:
            false
        }
    }
}
