// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import struct FoundationEssentials.URL
#else
public import struct Foundation.URL
#endif

extension WordPieceTokenizer {
    /// Loads the tokenizer from the contents of a `vocab.txt` (one token per line; the id is the line number
    /// counted from 0).
    /// - Parameters:
    ///   - vocabularyText: The bytes of `vocab.txt`.
    ///   - maxLength: The longest sequence ``encode(_:)`` returns.
    ///   - options: Normalisation and splitting settings.
    /// - Throws: ``EmbeddingError`` with code `invalidUTF8`, `malformedVocabulary` (empty file, empty line, repeated
    ///   token, naming the line) or `missingToken` (no `[CLS]`, `[SEP]`, `[PAD]` or `[UNK]`).
    public init(vocabularyText: [UInt8], maxLength: Int = 512, options: Options = Options()) throws(EmbeddingError) {
        let text = try TokenizerFiles.utf8(vocabularyText, name: "vocab.txt")
        let vocabulary = try Vocabulary(lines: text, name: "vocab.txt")
        try self.init(
            vocabulary: vocabulary,
            options: options,
            maxLength: maxLength,
            names: SpecialNames(),
            name: "vocab.txt"
        )
    }

    /// Loads the tokenizer from a `vocab.txt` file.
    /// - Parameters:
    ///   - vocabularyFile: The `vocab.txt` file.
    ///   - maxLength: The longest sequence ``encode(_:)`` returns.
    ///   - options: Normalisation and splitting settings.
    /// - Throws: ``EmbeddingError`` with code `notFound` or `fileSystem`, or any code of
    ///   ``init(vocabularyText:maxLength:options:)``.
    public init(vocabularyFile: URL, maxLength: Int = 512, options: Options = Options()) throws(EmbeddingError) {
        try self.init(vocabularyText: try TokenizerFiles.read(vocabularyFile), maxLength: maxLength, options: options)
    }

    /// Loads the tokenizer from the contents of a Hugging Face `tokenizer.json` with a `WordPiece` model.
    ///
    /// The vocabulary, `unk_token`, `continuing_subword_prefix` and `max_input_chars_per_word` come from `model`;
    /// `lowercase`, `strip_accents`, `handle_chinese_chars` and `clean_text` from a `BertNormalizer`, when present.
    /// - Parameters:
    ///   - tokenizerJSON: The bytes of `tokenizer.json`.
    ///   - maxLength: The longest sequence ``encode(_:)`` returns.
    /// - Throws: ``EmbeddingError`` with code `malformedJSON`, `unsupportedModel` (not `WordPiece`),
    ///   `malformedVocabulary` or `missingToken`.
    public init(tokenizerJSON: [UInt8], maxLength: Int = 512) throws(EmbeddingError) {
        let (vocabulary, options, unknown) = try Self.parse(tokenizerJSON: tokenizerJSON)
        try self.init(
            vocabulary: vocabulary,
            options: options,
            maxLength: maxLength,
            names: SpecialNames(unknown: unknown ?? "[UNK]"),
            name: "tokenizer.json"
        )
    }

    /// Loads the tokenizer from a Hugging Face `tokenizer.json` file with a `WordPiece` model.
    /// - Parameters:
    ///   - tokenizerFile: The `tokenizer.json` file.
    ///   - maxLength: The longest sequence ``encode(_:)`` returns.
    /// - Throws: ``EmbeddingError`` with code `notFound` or `fileSystem`, or any code of
    ///   ``init(tokenizerJSON:maxLength:)``.
    public init(tokenizerFile: URL, maxLength: Int = 512) throws(EmbeddingError) {
        try self.init(tokenizerJSON: try TokenizerFiles.read(tokenizerFile), maxLength: maxLength)
    }

    /// Parses a WordPiece `tokenizer.json`: the vocabulary with added tokens, the options from the model and a
    /// `BertNormalizer`, and the model's `unk_token`.
    static func parse(tokenizerJSON: [UInt8]) throws(EmbeddingError) -> (Vocabulary, Options, String?) {
        let file = try TokenizerJSON.parse(tokenizerJSON, expecting: "WordPiece")
        let vocabulary = try Vocabulary(file.fullVocabulary, name: "tokenizer.json model.vocab")
        var options = Options()
        if let normalizer = file.normalizer, normalizer.type == "BertNormalizer" {
            options.lowercase = normalizer.lowercase ?? true
            options.stripAccents = normalizer.stripAccents
            options.splitCJKCharacters = normalizer.handleChineseChars ?? true
            options.cleanText = normalizer.cleanText ?? true
        }
        if let limit = file.model.maxInputCharsPerWord { options.maxCharactersPerWord = limit }
        if let prefix = file.model.continuingSubwordPrefix { options.continuingSubwordPrefix = prefix }
        return (vocabulary, options, file.model.unkToken)
    }
}
