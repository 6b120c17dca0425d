// SPDX-License-Identifier: Apache-2.0

/// BERT's WordPiece tokenizer, matching Hugging Face `BertTokenizer` and `BertTokenizerFast`.
///
/// The special tokens `[CLS]`, `[SEP]`, `[PAD]`, `[UNK]` and `[MASK]` written in the text (case-sensitive) become
/// their ids. The rest is cleaned (control characters removed, white space unified), CJK ideographs are isolated,
/// the text is lower-cased and put in NFC, accents are stripped (NFD, nonspacing marks dropped), and words split
/// on white space and punctuation. Each word becomes the longest vocabulary prefix, then the longest `##`
/// continuations; a word that cannot be covered, or has more than ``Options/maxCharactersPerWord`` characters,
/// becomes `[UNK]`.
///
/// ```swift
/// let tokenizer = try WordPieceTokenizer(vocabularyFile: dir.appending(path: "vocab.txt"))
/// tokenizer.encode("Café naïve")   // [101, 7668, 15743, 102]  ([CLS] cafe naive [SEP])
/// ```
public struct WordPieceTokenizer: Tokenizer {
    /// Text normalisation and word-splitting settings (Hugging Face `BertTokenizer` arguments).
    public struct Options: Hashable, Sendable {
        /// Lower-case the text (`do_lower_case`).
        public var lowercase: Bool
        /// Strip accents; `nil` strips them exactly when ``lowercase`` is on (`strip_accents`).
        public var stripAccents: Bool?
        /// Put spaces around CJK ideographs so each is its own word (`tokenize_chinese_chars`).
        public var splitCJKCharacters: Bool
        /// Remove control characters and turn every white-space character into a space (`clean_text`).
        public var cleanText: Bool
        /// Words with more characters (Unicode scalars) than this become `[UNK]` (`max_input_chars_per_word`).
        public var maxCharactersPerWord: Int
        /// The prefix marking a word-internal piece (`##`).
        public var continuingSubwordPrefix: String

        /// Creates options; the defaults are those of uncased BERT and MiniLM.
        public init(
            lowercase: Bool = true,
            stripAccents: Bool? = nil,
            splitCJKCharacters: Bool = true,
            cleanText: Bool = true,
            maxCharactersPerWord: Int = 100,
            continuingSubwordPrefix: String = "##"
        ) {
            self.lowercase = lowercase
            self.stripAccents = stripAccents
            self.splitCJKCharacters = splitCJKCharacters
            self.cleanText = cleanText
            self.maxCharactersPerWord = maxCharactersPerWord
            self.continuingSubwordPrefix = continuingSubwordPrefix
        }
    }

    /// The longest sequence ``encode(_:)`` returns; 512 for BERT.
    public let maxLength: Int
    /// `[CLS]`, `[SEP]`, `[PAD]` and `[UNK]`.
    public let specialTokens: SpecialTokenIDs
    /// The normalisation and splitting settings.
    public let options: Options

    private let vocabulary: Vocabulary
    private let initialPieces: VocabularyTrie
    private let continuingPieces: VocabularyTrie
    private let splitter: BasicTextSplitter
    /// Special token strings recognised in the text, longest first, with their ids.
    private let specialStrings: [([Unicode.Scalar], Int)]

    /// The strings of the special tokens (Hugging Face's `cls_token`, `sep_token`, ...).
    struct SpecialNames: Sendable {
        var cls = "[CLS]"
        var sep = "[SEP]"
        var pad = "[PAD]"
        var unknown = "[UNK]"
        var mask = "[MASK]"
    }

    /// Builds a tokenizer from a validated vocabulary.
    init(
        vocabulary: Vocabulary,
        options: Options,
        maxLength: Int,
        names: SpecialNames,
        name: String
    ) throws(EmbeddingError) {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        let cls = try vocabulary.require(names.cls, name: name)
        let sep = try vocabulary.require(names.sep, name: name)
        let pad = try vocabulary.require(names.pad, name: name)
        let unk = try vocabulary.require(names.unknown, name: name)
        specialTokens = SpecialTokenIDs(start: cls, end: sep, padding: pad, unknown: unk)
        var specials: [([Unicode.Scalar], Int)] = []
        for token in [names.cls, names.sep, names.pad, names.unknown, names.mask] {
            if let id = vocabulary.ids[token], !specials.contains(where: { $0.1 == id }) {
                specials.append((Array(token.unicodeScalars), id))
            }
        }
        specialStrings = specials.sorted { $0.0.count > $1.0.count }
        let prefix = Array(options.continuingSubwordPrefix.utf8)
        var initial = VocabularyTrie()
        var continuing = VocabularyTrie()
        for (token, id) in vocabulary.ids {
            let bytes = Array(token.utf8)
            if !prefix.isEmpty, bytes.starts(with: prefix) { continuing.insert(bytes.dropFirst(prefix.count), id: id) }
            initial.insert(bytes, id: id)
        }
        initialPieces = initial
        continuingPieces = continuing
        splitter = BasicTextSplitter(
            lowercase: options.lowercase,
            stripAccents: options.stripAccents,
            splitCJK: options.splitCJKCharacters,
            cleanText: options.cleanText
        )
        self.vocabulary = vocabulary
        self.options = options
        self.maxLength = maxLength
    }

    /// The token ids of one text: `[CLS]`, at most `maxLength - 2` content ids, `[SEP]`.
    /// - Precondition: `maxLength >= 2`.
    public func encode(_ text: String, maxLength: Int) -> [Int] {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        let limit = maxLength - 1
        var ids = [specialTokens.start]
        let scalars = Array(text.unicodeScalars)
        var segmentStart = 0
        var i = 0
        var bytes: [UInt8] = []
        func appendSegment(_ end: Int) {
            guard segmentStart < end, ids.count < limit else { return }
            splitter.forEachWord(in: scalars[segmentStart..<end]) { word in
                if ids.count < limit { appendWordPieces(word, to: &ids, buffer: &bytes) }
            }
        }
        while i < scalars.count, ids.count < limit {
            if scalars[i] == "[", let (length, id) = special(in: scalars, at: i) {
                appendSegment(i)
                if ids.count < limit { ids.append(id) }
                i += length
                segmentStart = i
            } else {
                i += 1
            }
        }
        appendSegment(scalars.count)
        if ids.count > limit { ids.removeLast(ids.count - limit) }
        ids.append(specialTokens.end)
        return ids
    }

    /// The token string of an id, or `nil` for an unused id.
    public func token(for id: Int) -> String? {
        id >= 0 && id < vocabulary.tokens.count ? vocabulary.tokens[id] : nil
    }

    /// The id of a token string, or `nil` when it is not in the vocabulary.
    public func id(for token: String) -> Int? {
        vocabulary.ids[token]
    }

    // MARK: - WordPiece

    /// Greedy longest-match-first split of one word.
    private func appendWordPieces(_ word: ArraySlice<Unicode.Scalar>, to ids: inout [Int], buffer: inout [UInt8]) {
        if word.count > options.maxCharactersPerWord {
            ids.append(specialTokens.unknown)
            return
        }
        buffer.removeAll(keepingCapacity: true)
        for s in word { UTF8.encode(s) { buffer.append($0) } }
        let mark = ids.count
        var start = 0
        while start < buffer.count {
            let trie = start == 0 ? initialPieces : continuingPieces
            guard let (id, end) = trie.longestPrefix(of: buffer, from: start) else {
                ids.removeLast(ids.count - mark)
                ids.append(specialTokens.unknown)
                return
            }
            ids.append(id)
            start = end
        }
    }

    private func special(in text: [Unicode.Scalar], at i: Int) -> (Int, Int)? {
        for (pattern, id) in specialStrings where text.count - i >= pattern.count {
            if text[i..<i + pattern.count].elementsEqual(pattern) { return (pattern.count, id) }
        }
        return nil
    }
}
