// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How token states become one sentence vector (sentence-transformers' `Pooling` module).
public enum SentencePooling: String, Sendable, Hashable, Codable {
    /// The mean of the states of the real (unmasked) tokens.
    case mean
    /// The state of the first token (`[CLS]`).
    case cls

    private struct File: Decodable {
        let modeClsToken: Bool?
        let modeMeanTokens: Bool?
        let modeMaxTokens: Bool?
        let modeMeanSqrtLenTokens: Bool?
        let modeWeightedmeanTokens: Bool?
        let modeLasttoken: Bool?

        enum CodingKeys: String, CodingKey {
            case modeClsToken = "pooling_mode_cls_token", modeMeanTokens = "pooling_mode_mean_tokens"
            case modeMaxTokens = "pooling_mode_max_tokens", modeMeanSqrtLenTokens = "pooling_mode_mean_sqrt_len_tokens"
            case modeWeightedmeanTokens = "pooling_mode_weightedmean_tokens", modeLasttoken = "pooling_mode_lasttoken"
        }
    }

    /// Reads `1_Pooling/config.json` in a sentence-transformers folder; `mean` when the file is absent.
    /// - Throws: ``EmbeddingError/Code/invalidConfiguration`` for malformed JSON or no mode selected,
    ///   ``EmbeddingError/Code/unsupportedModel`` for a mode other than mean or CLS, or several at once.
    public init(directory: URL) throws(EmbeddingError) {
        let url = directory.appendingPathComponent("1_Pooling/config.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            self = .mean
            return
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        } catch {
            throw EmbeddingError.json(.invalidConfiguration, "1_Pooling/config.json", error)
        }
        let unsupported = [
            file.modeMaxTokens, file.modeMeanSqrtLenTokens,
            file.modeWeightedmeanTokens, file.modeLasttoken,
        ].contains(true)
        switch (file.modeClsToken ?? false, file.modeMeanTokens ?? false, unsupported) {
        case (true, false, false): self = .cls
        case (false, true, false): self = .mean
        case (false, false, false):
            throw EmbeddingError(.invalidConfiguration, "1_Pooling/config.json selects no pooling mode")
        default:
            throw EmbeddingError(
                .unsupportedModel,
                "1_Pooling/config.json selects a pooling other than exactly one of mean or CLS"
            )
        }
    }

    /// Whether a sentence-transformers folder's `modules.json` lists a `Normalize` module; `true` when the
    /// file is absent (sentence embeddings are compared by cosine).
    /// - Throws: ``EmbeddingError/Code/invalidConfiguration`` when `modules.json` exists but cannot be read or
    ///   is not a JSON array of modules.
    public static func normalizes(directory: URL) throws(EmbeddingError) -> Bool {
        let url = directory.appendingPathComponent("modules.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return true }
        struct Module: Decodable { let type: String? }
        let modules: [Module]
        do {
            modules = try JSONDecoder().decode([Module].self, from: Data(contentsOf: url))
        } catch {
            throw EmbeddingError(
                .invalidConfiguration,
                "modules.json is not a readable list of modules",
                underlying: error
            )
        }
        return modules.contains { $0.type?.hasSuffix("Normalize") == true }
    }
}
