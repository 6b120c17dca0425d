// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import struct FoundationEssentials.URL
#else
public import struct Foundation.URL
#endif

extension CLIPTokenizer {
    /// Loads the tokenizer from a model directory, as Hugging Face's `from_pretrained` does.
    ///
    /// The vocabulary comes from `vocab.json` + `merges.txt` when both exist, else from `tokenizer.json`. The start,
    /// end, unknown and padding tokens and the maximum length come from `special_tokens_map.json` and
    /// `tokenizer_config.json` when present (`bos_token`, `eos_token`, `unk_token`, `pad_token`,
    /// `model_max_length`); the defaults are `<|startoftext|>`, `<|endoftext|>` and 77.
    /// - Parameters:
    ///   - directory: The folder holding the tokenizer files.
    ///   - cleaning: The text repair and normalisation.
    /// - Throws: ``EmbeddingError`` with code `notFound` when neither kind of vocabulary file exists, or any
    ///   code of the file-based initialisers.
    public init(directory: URL, cleaning: TextCleaning = .ftfy) throws(EmbeddingError) {
        let config = try TokenizerConfig(directory: directory)
        let vocabulary: Vocabulary
        let pairs: [(Substring, Substring)]
        let suffix: String
        let mergesName: String
        let offset: Int
        if TokenizerConfig.has("vocab.json", in: directory), TokenizerConfig.has("merges.txt", in: directory) {
            (vocabulary, pairs, offset) = try Self.parse(
                vocabularyJSON: try TokenizerFiles.read(directory.appendingPathComponent("vocab.json")),
                merges: try TokenizerFiles.read(directory.appendingPathComponent("merges.txt"))
            )
            suffix = "</w>"
            mergesName = "merges.txt"
        } else if TokenizerConfig.has("tokenizer.json", in: directory) {
            (vocabulary, pairs, suffix) = try Self.parse(
                tokenizerJSON: try TokenizerFiles.read(directory.appendingPathComponent("tokenizer.json"))
            )
            offset = 0
            mergesName = "tokenizer.json model.merges"
        } else {
            throw EmbeddingError(
                .notFound,
                "no vocab.json + merges.txt or tokenizer.json in \(directory.path)"
            )
        }
        try self.init(
            vocabulary: vocabulary,
            merges: pairs,
            mergesName: mergesName,
            mergeLineOffset: offset,
            endOfWordSuffix: suffix,
            maxLength: config.modelMaxLength ?? 77,
            cleaning: cleaning,
            padToken: config.padToken,
            startToken: config.startToken ?? "<|startoftext|>",
            endToken: config.endToken ?? "<|endoftext|>",
            unknownToken: config.unknownToken
        )
    }
}
