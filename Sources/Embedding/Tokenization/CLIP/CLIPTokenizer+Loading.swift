// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import struct FoundationEssentials.URL
#else
public import struct Foundation.URL
#endif

extension CLIPTokenizer {
    /// Loads the tokenizer from the contents of `vocab.json` and `merges.txt`.
    ///
    /// `vocab.json` is a JSON object from token to id. `merges.txt` has one `left right` pair per line in rank
    /// order; a first line starting with `#version` is skipped, as are empty lines at the end.
    /// - Parameters:
    ///   - vocabularyJSON: The bytes of `vocab.json`.
    ///   - merges: The bytes of `merges.txt`.
    ///   - maxLength: The longest sequence ``encode(_:)`` returns.
    ///   - cleaning: The text repair and normalisation.
    ///   - padToken: The padding token; `nil` means `<|endoftext|>` (Hugging Face's choice).
    /// - Throws: ``EmbeddingError`` with code `malformedJSON`, `malformedVocabulary`, `malformedMerges`,
    ///   `invalidUTF8` or `missingToken`.
    public init(
        vocabularyJSON: [UInt8],
        merges: [UInt8],
        maxLength: Int = 77,
        cleaning: TextCleaning = .ftfy,
        padToken: String? = nil
    ) throws(EmbeddingError) {
        let (vocabulary, pairs, offset) = try Self.parse(vocabularyJSON: vocabularyJSON, merges: merges)
        try self.init(
            vocabulary: vocabulary,
            merges: pairs,
            mergesName: "merges.txt",
            mergeLineOffset: offset,
            endOfWordSuffix: "</w>",
            maxLength: maxLength,
            cleaning: cleaning,
            padToken: padToken
        )
    }

    /// Loads the tokenizer from `vocab.json` and `merges.txt` files.
    /// - Parameters:
    ///   - vocabularyFile: The `vocab.json` file.
    ///   - mergesFile: The `merges.txt` file.
    ///   - maxLength: The longest sequence ``encode(_:)`` returns.
    ///   - cleaning: The text repair and normalisation.
    ///   - padToken: The padding token; `nil` means `<|endoftext|>`.
    /// - Throws: ``EmbeddingError`` with code `notFound` or `fileSystem`, or any code of
    ///   ``init(vocabularyJSON:merges:maxLength:cleaning:padToken:)``.
    public init(
        vocabularyFile: URL,
        mergesFile: URL,
        maxLength: Int = 77,
        cleaning: TextCleaning = .ftfy,
        padToken: String? = nil
    ) throws(EmbeddingError) {
        try self.init(
            vocabularyJSON: try TokenizerFiles.read(vocabularyFile),
            merges: try TokenizerFiles.read(mergesFile),
            maxLength: maxLength,
            cleaning: cleaning,
            padToken: padToken
        )
    }

    /// Loads the tokenizer from the contents of a Hugging Face `tokenizer.json` with a `BPE` model.
    ///
    /// The vocabulary, merges and end-of-word suffix come from `model`; `added_tokens` join the vocabulary. The
    /// normalizer and pre-tokenizer sections are not interpreted: CLIP's pipeline is fixed, chosen by `cleaning`.
    /// - Parameters:
    ///   - tokenizerJSON: The bytes of `tokenizer.json`.
    ///   - maxLength: The longest sequence ``encode(_:)`` returns.
    ///   - cleaning: The text repair and normalisation.
    ///   - padToken: The padding token; `nil` means `<|endoftext|>`.
    /// - Throws: ``EmbeddingError`` with code `malformedJSON`, `unsupportedModel` (not `BPE`),
    ///   `malformedVocabulary`, `malformedMerges` or `missingToken`.
    public init(
        tokenizerJSON: [UInt8],
        maxLength: Int = 77,
        cleaning: TextCleaning = .ftfy,
        padToken: String? = nil
    ) throws(EmbeddingError) {
        let (vocabulary, pairs, suffix) = try Self.parse(tokenizerJSON: tokenizerJSON)
        try self.init(
            vocabulary: vocabulary,
            merges: pairs,
            mergesName: "tokenizer.json model.merges",
            mergeLineOffset: 0,
            endOfWordSuffix: suffix,
            maxLength: maxLength,
            cleaning: cleaning,
            padToken: padToken
        )
    }

    /// Loads the tokenizer from a Hugging Face `tokenizer.json` file with a `BPE` model.
    /// - Parameters:
    ///   - tokenizerFile: The `tokenizer.json` file.
    ///   - maxLength: The longest sequence ``encode(_:)`` returns.
    ///   - cleaning: The text repair and normalisation.
    ///   - padToken: The padding token; `nil` means `<|endoftext|>`.
    /// - Throws: ``EmbeddingError`` with code `notFound` or `fileSystem`, or any code of
    ///   ``init(tokenizerJSON:maxLength:cleaning:padToken:)``.
    public init(
        tokenizerFile: URL,
        maxLength: Int = 77,
        cleaning: TextCleaning = .ftfy,
        padToken: String? = nil
    ) throws(EmbeddingError) {
        try self.init(
            tokenizerJSON: try TokenizerFiles.read(tokenizerFile),
            maxLength: maxLength,
            cleaning: cleaning,
            padToken: padToken
        )
    }

    // MARK: - Parsing

    /// Parses `vocab.json` and `merges.txt`: the vocabulary, the merge pairs in rank order, and the line number of
    /// the first merge.
    static func parse(
        vocabularyJSON: [UInt8],
        merges: [UInt8]
    ) throws(EmbeddingError) -> (Vocabulary, [(Substring, Substring)], Int) {
        let map = try TokenizerFiles.decodeJSON([String: Int].self, from: vocabularyJSON, name: "vocab.json")
        let vocabulary = try Vocabulary(map, name: "vocab.json")
        let text = try TokenizerFiles.utf8(merges, name: "merges.txt")
        var lines = TokenizerFiles.lines(text)
        var offset = 1
        if lines.first?.hasPrefix("#version") == true {
            lines.removeFirst()
            offset = 2
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        var pairs: [(Substring, Substring)] = []
        pairs.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            let parts = TokenizerFiles.fields(line)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw EmbeddingError(
                    .malformedMerges,
                    "merges.txt line \(index + offset) is not two space-separated symbols: \"\(line.prefix(80))\""
                )
            }
            pairs.append((parts[0], parts[1]))
        }
        return (vocabulary, pairs, offset)
    }

    /// Parses a BPE `tokenizer.json`: the vocabulary with added tokens, the merge pairs, the end-of-word suffix.
    static func parse(tokenizerJSON: [UInt8]) throws(EmbeddingError) -> (Vocabulary, [(Substring, Substring)], String) {
        let file = try TokenizerJSON.parse(tokenizerJSON, expecting: "BPE")
        let vocabulary = try Vocabulary(file.fullVocabulary, name: "tokenizer.json model.vocab")
        var pairs: [(Substring, Substring)] = []
        for (index, merge) in (file.model.merges ?? []).enumerated() {
            guard merge.pair.count == 2, !merge.pair[0].isEmpty, !merge.pair[1].isEmpty else {
                throw EmbeddingError(
                    .malformedMerges,
                    "tokenizer.json model.merges[\(index)] is not a pair of symbols: \(merge.pair)"
                )
            }
            pairs.append((merge.pair[0][...], merge.pair[1][...]))
        }
        return (vocabulary, pairs, file.model.endOfWordSuffix ?? "")
    }
}
