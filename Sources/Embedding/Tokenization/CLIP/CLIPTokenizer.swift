// SPDX-License-Identifier: Apache-2.0

/// CLIP's byte-level BPE tokenizer, matching Hugging Face `CLIPTokenizer` and OpenAI's `clip.tokenize`.
///
/// Text is repaired and normalised (see ``TextCleaning``), runs of white space become one space, the text is
/// lower-cased, and split into `<|startoftext|>` / `<|endoftext|>`, contractions (`'s 't 're 've 'm 'll 'd`), runs
/// of letters, single digits, and runs of other non-space characters. Each piece's UTF-8 bytes are mapped to
/// GPT-2's byte characters, `</w>` marks the last symbol, and BPE merges apply in rank order. Encoded words are
/// cached (up to 65,536 distinct words, shared by copies of the tokenizer).
///
/// ```swift
/// let tokenizer = try CLIPTokenizer(vocabularyFile: dir.appending(path: "vocab.json"),
///                                   mergesFile: dir.appending(path: "merges.txt"))
/// tokenizer.encode("a photo of a cat.")   // [49406, 320, 1125, 539, 320, 2368, 269, 49407]
/// ```
public struct CLIPTokenizer: Tokenizer {
    /// How text is repaired and normalised before BPE.
    public enum TextCleaning: Hashable, Sendable {
        /// ftfy-style repair (HTML entities, mojibake, C1 controls, ligatures, full-width forms, curly quotes,
        /// control characters), NFC, and Python's `str.lower()` (final sigma included): Hugging Face's reference
        /// `CLIPTokenizer` with ftfy installed, which OpenAI's tokenizer also matches apart from HTML edge cases.
        case ftfy
        /// NFC and per-character lower-casing only: Hugging Face's Rust `tokenizers` (`CLIPTokenizerFast`).
        case basic
    }

    /// The longest sequence ``encode(_:)`` returns; 77 for CLIP.
    public let maxLength: Int
    /// `<|startoftext|>`, `<|endoftext|>`, and the padding and unknown ids (both `<|endoftext|>` by default).
    public let specialTokens: SpecialTokenIDs
    /// The text repair and normalisation in use.
    public let cleaning: TextCleaning

    let encoder: BytePairEncoder
    /// The special token strings recognised inside text, with their ids.
    private let specialStrings: [([Unicode.Scalar], Int)]

    /// Builds a tokenizer from a parsed vocabulary and merge list.
    init(
        vocabulary: Vocabulary,
        merges: [(Substring, Substring)],
        mergesName: String,
        mergeLineOffset: Int,
        endOfWordSuffix: String,
        maxLength: Int,
        cleaning: TextCleaning,
        padToken: String?,
        startToken start: String = "<|startoftext|>",
        endToken end: String = "<|endoftext|>",
        unknownToken: String? = nil
    ) throws(EmbeddingError) {
        precondition(maxLength >= 2, "maxLength must leave room for the start and end tokens")
        let startID = try vocabulary.require(start, name: "the vocabulary")
        let endID = try vocabulary.require(end, name: "the vocabulary")
        let unknownID = try unknownToken.map { token throws(EmbeddingError) in
            try vocabulary.require(token, name: "the vocabulary")
        }
        let padID = try padToken.map { token throws(EmbeddingError) in
            try vocabulary.require(token, name: "the vocabulary")
        }
        encoder = try BytePairEncoder(
            vocabulary: vocabulary,
            merges: merges,
            endOfWordSuffix: endOfWordSuffix,
            unknownID: unknownID ?? endID,
            mergesName: mergesName,
            lineOffset: mergeLineOffset
        )
        specialTokens = SpecialTokenIDs(
            start: startID,
            end: endID,
            padding: padID ?? endID,
            unknown: unknownID ?? endID
        )
        specialStrings = [(Array(start.unicodeScalars), startID), (Array(end.unicodeScalars), endID)]
        self.maxLength = maxLength
        self.cleaning = cleaning
    }

    /// The token ids of one text: `<|startoftext|>`, at most `maxLength - 2` content ids, `<|endoftext|>`.
    /// - Precondition: `maxLength >= 2`.
    public func encode(_ text: String, maxLength: Int) -> [Int] {
        precondition(maxLength >= 2, "maxLength must leave room for the start and end tokens")
        var ids = [specialTokens.start]
        appendContent(of: text, to: &ids, limit: maxLength - 1)
        ids.append(specialTokens.end)
        return ids
    }

    /// The token string of an id (byte-level characters, `</w>` ending a word), or `nil` for an unused id.
    public func token(for id: Int) -> String? {
        id >= 0 && id < encoder.vocabulary.tokens.count ? encoder.vocabulary.tokens[id] : nil
    }

    /// The id of a token string, or `nil` when it is not in the vocabulary.
    public func id(for token: String) -> Int? {
        encoder.vocabulary.ids[token]
    }

    // MARK: - Pipeline

    /// Splits the text at special tokens written exactly, then cleans and encodes each chunk, until `ids` holds
    /// `limit` ids.
    private func appendContent(of text: String, to ids: inout [Int], limit: Int) {
        let scalars = Array(text.unicodeScalars)
        var chunkStart = 0
        var i = 0
        while i < scalars.count, ids.count < limit {
            if scalars[i] == "<", let (length, id) = special(in: scalars, at: i) {
                if chunkStart < i { appendChunk(scalars[chunkStart..<i], to: &ids, limit: limit) }
                if ids.count < limit { ids.append(id) }
                i += length
                chunkStart = i
            } else {
                i += 1
            }
        }
        if chunkStart < scalars.count, ids.count < limit {
            appendChunk(scalars[chunkStart...], to: &ids, limit: limit)
        }
        if ids.count > limit { ids.removeLast(ids.count - limit) }
    }

    /// Cleans one chunk without special tokens and appends the ids of its pieces.
    ///
    /// A special token can still appear
    /// after cleaning (`<|ENDOFTEXT|>` lower-cased); it is recognised where a piece starts, as the reference
    /// pattern does.
    private func appendChunk(_ chunk: ArraySlice<Unicode.Scalar>, to ids: inout [Int], limit: Int) {
        let cleaned = normalize(Array(chunk))
        var word: [UInt8] = []
        var i = 0
        let n = cleaned.count
        while i < n, ids.count < limit {
            let c = cleaned[i]
            if UnicodeText.isPythonWhitespace(c) {
                i += 1
                continue
            }
            if c == "<", let (length, id) = special(in: cleaned, at: i) {
                ids.append(id)
                i += length
                continue
            }
            let end = CLIPPreTokenizer.pieceEnd(cleaned, from: i)
            word.removeAll(keepingCapacity: true)
            for s in cleaned[i..<end] { UTF8.encode(s) { word.append($0) } }
            encoder.encode(word: word, into: &ids)
            i = end
        }
    }

    /// The repaired, white-space-collapsed, lower-cased text.
    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        Self.normalize(text, cleaning: cleaning)
    }

    /// The text the pre-tokenizer splits: repaired per `cleaning`, whitespace runs collapsed to one space and
    /// trimmed, lower-cased.
    package static func normalize(_ text: [Unicode.Scalar], cleaning: TextCleaning) -> [Unicode.Scalar] {
        var scalars = text
        switch cleaning {
        case .ftfy: scalars = TextFixer.fix(scalars)
        case .basic: scalars = UnicodeText.nfc(scalars)
        }
        var collapsed: [Unicode.Scalar] = []
        collapsed.reserveCapacity(scalars.count)
        var pendingSpace = false
        for s in scalars {
            if UnicodeText.isPythonWhitespace(s) {
                pendingSpace = !collapsed.isEmpty
            } else {
                if pendingSpace { collapsed.append(" ") }
                pendingSpace = false
                collapsed.append(s)
            }
        }
        switch cleaning {
        case .ftfy: return UnicodeText.pythonLowercased(collapsed)
        case .basic: return CLIPPreTokenizer.lowercasedPerScalar(collapsed)
        }
    }

    private func special(in text: [Unicode.Scalar], at i: Int) -> (Int, Int)? {
        for (pattern, id) in specialStrings where text.count - i >= pattern.count {
            if text[i..<i + pattern.count].elementsEqual(pattern) { return (pattern.count, id) }
        }
        return nil
    }
}
