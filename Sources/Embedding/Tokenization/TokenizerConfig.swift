// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The settings a model directory's `special_tokens_map.json` and `tokenizer_config.json` give (the latter wins).
struct TokenizerConfig: Sendable {
    var modelMaxLength: Int?
    var padToken: String?
    var unknownToken: String?
    var startToken: String?
    var endToken: String?
    var clsToken: String?
    var sepToken: String?
    var maskToken: String?
    var lowercase: Bool?
    var stripAccents: Bool?
    var splitCJKCharacters: Bool?

    /// A special token written as a string or as an added-token object (`{"content": "[PAD]", ...}`).
    private struct TokenName: Decodable {
        var content: String

        private enum Keys: String, CodingKey { case content }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                content = text
            } else {
                content = try decoder.container(keyedBy: Keys.self).decode(String.self, forKey: .content)
            }
        }
    }

    private struct File: Decodable {
        var modelMaxLength: Double?
        var padToken: TokenName?
        var unkToken: TokenName?
        var bosToken: TokenName?
        var eosToken: TokenName?
        var clsToken: TokenName?
        var sepToken: TokenName?
        var maskToken: TokenName?
        var doLowerCase: Bool?
        var stripAccents: Bool?
        var tokenizeChineseChars: Bool?

        enum CodingKeys: String, CodingKey {
            case modelMaxLength = "model_max_length"
            case padToken = "pad_token"
            case unkToken = "unk_token"
            case bosToken = "bos_token"
            case eosToken = "eos_token"
            case clsToken = "cls_token"
            case sepToken = "sep_token"
            case maskToken = "mask_token"
            case doLowerCase = "do_lower_case"
            case stripAccents = "strip_accents"
            case tokenizeChineseChars = "tokenize_chinese_chars"
        }
    }

    /// Reads the two files from a directory; either may be missing.
    init(directory: URL) throws(EmbeddingError) {
        for name in ["special_tokens_map.json", "tokenizer_config.json"] {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let file = try TokenizerFiles.decodeJSON(File.self, from: try TokenizerFiles.read(url), name: name)
            apply(file)
        }
    }

    private mutating func apply(_ file: File) {
        // Hugging Face writes a huge float (1e30) for "no limit"; keep only sensible limits.
        if let limit = file.modelMaxLength, limit >= 2, limit <= 1_000_000 { modelMaxLength = Int(limit) }
        padToken = file.padToken?.content ?? padToken
        unknownToken = file.unkToken?.content ?? unknownToken
        startToken = file.bosToken?.content ?? startToken
        endToken = file.eosToken?.content ?? endToken
        clsToken = file.clsToken?.content ?? clsToken
        sepToken = file.sepToken?.content ?? sepToken
        maskToken = file.maskToken?.content ?? maskToken
        lowercase = file.doLowerCase ?? lowercase
        stripAccents = file.stripAccents ?? stripAccents
        splitCJKCharacters = file.tokenizeChineseChars ?? splitCJKCharacters
    }

    /// Whether a file exists in a directory.
    static func has(_ name: String, in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
    }
}
