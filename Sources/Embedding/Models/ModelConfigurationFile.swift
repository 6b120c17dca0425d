// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads `config.json` from a checkpoint folder.
enum ModelConfigurationFile {
    private struct ModelType: Decodable {
        let modelType: String?
        enum CodingKeys: String, CodingKey { case modelType = "model_type" }
    }

    /// The raw bytes of `directory/name`.
    static func data(in directory: URL, name: String = "config.json") throws(EmbeddingError) -> Data {
        try LocalFile.read(directory.appendingPathComponent(name))
    }

    /// The `model_type` field of `config.json`.
    static func modelType(in directory: URL) throws(EmbeddingError) -> String {
        let bytes = try data(in: directory)
        do {
            guard let type = try JSONDecoder().decode(ModelType.self, from: bytes).modelType else {
                throw EmbeddingError(
                    .invalidConfiguration,
                    "config.json in \(directory.lastPathComponent) has no model_type"
                )
            }
            return type
        } catch let error as EmbeddingError {
            throw error
        } catch {
            throw EmbeddingError(.invalidConfiguration, "config.json is not valid JSON", underlying: error)
        }
    }

    /// Decodes `config.json` as `T` after checking its `model_type` is one of `expecting`.
    static func decode<T: Decodable>(_ type: T.Type, in directory: URL, expecting: [String]) throws(EmbeddingError) -> T
    {
        let modelType = try modelType(in: directory)
        guard expecting.contains(modelType) else {
            throw EmbeddingError(
                .unsupportedModel,
                "config.json says model_type \(modelType); expected \(expecting.joined(separator: " or "))"
            )
        }
        do {
            return try JSONDecoder().decode(T.self, from: data(in: directory))
        } catch {
            throw EmbeddingError.json(.invalidConfiguration, "config.json", error)
        }
    }
}
