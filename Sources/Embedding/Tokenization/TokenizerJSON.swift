// SPDX-License-Identifier: Apache-2.0

/// The parts of a Hugging Face `tokenizer.json` the tokenizers read.
struct TokenizerJSON: Decodable, Sendable {
    struct AddedToken: Decodable, Sendable {
        var id: Int
        var content: String
        var special: Bool?
    }

    struct Normalizer: Decodable, Sendable {
        var type: String?
        var lowercase: Bool?
        var stripAccents: Bool?
        var handleChineseChars: Bool?
        var cleanText: Bool?

        enum CodingKeys: String, CodingKey {
            case type, lowercase
            case stripAccents = "strip_accents"
            case handleChineseChars = "handle_chinese_chars"
            case cleanText = "clean_text"
        }
    }

    /// A merge, written either `"a b"` (older files) or `["a", "b"]` (newer files).
    struct Merge: Decodable, Sendable {
        var pair: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let line = try? container.decode(String.self) {
                pair = TokenizerFiles.fields(line[...]).map(String.init)
            } else {
                pair = try container.decode([String].self)
            }
        }
    }

    struct Model: Decodable, Sendable {
        var type: String?
        var vocab: [String: Int]
        var merges: [Merge]?
        var unkToken: String?
        var continuingSubwordPrefix: String?
        var endOfWordSuffix: String?
        var maxInputCharsPerWord: Int?

        enum CodingKeys: String, CodingKey {
            case type, vocab, merges
            case unkToken = "unk_token"
            case continuingSubwordPrefix = "continuing_subword_prefix"
            case endOfWordSuffix = "end_of_word_suffix"
            case maxInputCharsPerWord = "max_input_chars_per_word"
        }

        /// `type`, or `BPE` / `WordPiece` inferred from the keys when a file omits it.
        var resolvedType: String {
            type ?? (merges != nil ? "BPE" : "WordPiece")
        }
    }

    var addedTokens: [AddedToken]?
    var normalizer: Normalizer?
    var model: Model

    enum CodingKeys: String, CodingKey {
        case normalizer, model
        case addedTokens = "added_tokens"
    }

    /// Parses a `tokenizer.json` and checks its model type.
    static func parse(_ bytes: [UInt8], expecting modelType: String) throws(EmbeddingError) -> TokenizerJSON {
        let file = try TokenizerFiles.decodeJSON(TokenizerJSON.self, from: bytes, name: "tokenizer.json")
        guard file.model.resolvedType == modelType else {
            throw EmbeddingError(
                .unsupportedModel,
                "tokenizer.json model type is \(file.model.resolvedType), this tokenizer reads \(modelType)"
            )
        }
        return file
    }

    /// The vocabulary with the added tokens merged in (they may be missing from `model.vocab`).
    var fullVocabulary: [String: Int] {
        var vocab = model.vocab
        for token in addedTokens ?? [] where vocab[token.content] == nil { vocab[token.content] = token.id }
        return vocab
    }
}
