// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import struct FoundationEssentials.URL
#else
public import struct Foundation.URL
#endif

extension WordPieceTokenizer {
    /// Loads the tokenizer from a model directory, as Hugging Face's `from_pretrained` does.
    ///
    /// The vocabulary comes from `tokenizer.json` when it exists (with its normaliser settings), else from
    /// `vocab.txt`. `special_tokens_map.json` and `tokenizer_config.json`, when present, name the special tokens
    /// (`cls_token`, `sep_token`, `pad_token`, `unk_token`, `mask_token`) and give `model_max_length`
    /// (default 512) and, for `vocab.txt`, `do_lower_case`, `strip_accents` and `tokenize_chinese_chars`.
    /// - Parameter directory: The folder holding the tokenizer files.
    /// - Throws: ``EmbeddingError`` with code `notFound` when neither `tokenizer.json` nor `vocab.txt` exists,
    ///   or any code of the file-based initialisers.
    public init(directory: URL) throws(EmbeddingError) {
        let config = try TokenizerConfig(directory: directory)
        var names = SpecialNames()
        names.cls = config.clsToken ?? names.cls
        names.sep = config.sepToken ?? names.sep
        names.pad = config.padToken ?? names.pad
        names.unknown = config.unknownToken ?? names.unknown
        names.mask = config.maskToken ?? names.mask
        let maxLength = config.modelMaxLength ?? 512
        if TokenizerConfig.has("tokenizer.json", in: directory) {
            let bytes = try TokenizerFiles.read(directory.appendingPathComponent("tokenizer.json"))
            let (vocabulary, options, unknown) = try Self.parse(tokenizerJSON: bytes)
            names.unknown = unknown ?? names.unknown
            try self.init(
                vocabulary: vocabulary,
                options: options,
                maxLength: maxLength,
                names: names,
                name: "tokenizer.json"
            )
        } else if TokenizerConfig.has("vocab.txt", in: directory) {
            let bytes = try TokenizerFiles.read(directory.appendingPathComponent("vocab.txt"))
            let text = try TokenizerFiles.utf8(bytes, name: "vocab.txt")
            var options = Options()
            options.lowercase = config.lowercase ?? options.lowercase
            options.stripAccents = config.stripAccents
            options.splitCJKCharacters = config.splitCJKCharacters ?? options.splitCJKCharacters
            try self.init(
                vocabulary: try Vocabulary(lines: text, name: "vocab.txt"),
                options: options,
                maxLength: maxLength,
                names: names,
                name: "vocab.txt"
            )
        } else {
            throw EmbeddingError(.notFound, "no tokenizer.json or vocab.txt in \(directory.path)")
        }
    }
}
