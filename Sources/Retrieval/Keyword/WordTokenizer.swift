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
        var words = WordList()
        appendWords(of: text, to: &words)
        for i in 0..<words.count { body(String(decoding: words[i], as: UTF8.self)) }
    }

    /// Appends the lower-cased words of `text` to `words`.
    ///
    /// ASCII text is split and lower-cased byte by byte (a letter or digit is a byte, lower-casing a bit flip);
    /// at the first byte outside ASCII the words of this text are dropped and the text is split by scalars.
    static func appendWords(of text: String, to words: inout WordList) {
        let mark = words.mark
        if !words.withStorage({ appendASCIIWords(of: text, bytes: &$0, ends: &$1) }) {
            words.restore(mark)
            appendUnicodeWords(of: text, to: &words)
        }
    }

    /// The ASCII path of ``appendWords(of:to:)`` on the list's arrays (held alone, so appends need no copy check
    /// through the list); returns `false` at the first byte outside ASCII.
    private static func appendASCIIWords(of text: String, bytes: inout [UInt8], ends: inout [Int]) -> Bool {
        var wordStart = bytes.count
        for byte in text.utf8 {
            if byte >= 0x80 { return false }
            // `| 0x20` maps exactly the ASCII letters (and only them) into `a...z`.
            let lower = byte | 0x20
            if lower &- UInt8(ascii: "a") < 26 {
                bytes.append(lower)
            } else if byte &- UInt8(ascii: "0") < 10 {
                bytes.append(byte)
            } else if bytes.count > wordStart {
                ends.append(bytes.count)
                wordStart = bytes.count
            }
        }
        if bytes.count > wordStart { ends.append(bytes.count) }
        return true
    }

    /// The general path: words are runs of letter and number scalars, lower-cased with the full case mapping.
    private static func appendUnicodeWords(of text: String, to words: inout WordList) {
        var word = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                word.append(scalar)
            } else if !word.isEmpty {
                words.append(String(word).lowercased())
                word.removeAll(keepingCapacity: true)
            }
        }
        if !word.isEmpty { words.append(String(word).lowercased()) }
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
