// SPDX-License-Identifier: Apache-2.0

import Foundation

/// The `*.safetensors.index.json` (or `pytorch_model.bin.index.json`) of a sharded checkpoint: which shard holds
/// each tensor.
struct SafetensorsIndex {
    /// Tensor name → shard file name.
    let weightMap: [String: String]

    /// Every shard the index names, sorted, each a plain file name beside the index.
    let shardNames: [String]

    /// Reads and checks an index file.
    /// - Throws: ``EmbeddingError/Code/corruptFile`` when it is not an index or names a shard outside its folder.
    init(contentsOf url: URL) throws(EmbeddingError) {
        struct File: Decodable {
            let weightMap: [String: String]
            enum CodingKeys: String, CodingKey { case weightMap = "weight_map" }
        }
        do {
            weightMap = try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).weightMap
        } catch {
            throw EmbeddingError(
                .corruptFile,
                "\(url.lastPathComponent) is not a weight index",
                underlying: error
            )
        }
        shardNames = Array(Set(weightMap.values)).sorted()
        for name in shardNames where name.contains("/") || name.hasPrefix(".") {
            throw EmbeddingError(.corruptFile, "\(url.lastPathComponent) names shard \(name) outside its folder")
        }
    }
}
