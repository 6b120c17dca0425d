// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which file of a checkpoint holds each tensor: the bookkeeping ``SafetensorsCheckpoint`` and
/// ``PyTorchCheckpoint`` share over their files (one, or the shards an index lists).
struct TensorLocations: Sendable {
    /// The index into the checkpoint's files of the file holding each tensor.
    private let location: [String: Int]

    /// Maps every tensor to its file; each name must appear in exactly one file.
    /// - Parameters:
    ///   - tensorNames: The tensor names of each file, in the checkpoint's file order.
    ///   - sources: Each file's name, for messages.
    /// - Throws: ``EmbeddingError/Code/corruptFile`` when two files hold the same tensor.
    init(tensorNames: [[String]], sources: [String]) throws(EmbeddingError) {
        var location: [String: Int] = [:]
        for (index, names) in tensorNames.enumerated() {
            for name in names {
                if let other = location[name] {
                    throw EmbeddingError(
                        .corruptFile,
                        "tensor \(name) is in both \(sources[other]) and \(sources[index])"
                    )
                }
                location[name] = index
            }
        }
        self.location = location
    }

    /// Every tensor name, sorted.
    var names: [String] { location.keys.sorted() }

    /// Whether some file holds tensor `name`.
    func contains(_ name: String) -> Bool { location[name] != nil }

    /// The index of the file holding tensor `name`.
    /// - Throws: ``EmbeddingError/Code/missingTensor``.
    func file(holding name: String) throws(EmbeddingError) -> Int {
        guard let at = location[name] else {
            throw EmbeddingError(.missingTensor, "tensor \(name) is not in the checkpoint")
        }
        return at
    }

    /// Checks a shard index (at `url`) against where the tensors really are.
    /// - Throws: ``EmbeddingError/Code/corruptFile`` when it places a tensor in a shard that lacks it.
    func check(_ index: SafetensorsIndex, sources: [String], url: URL) throws(EmbeddingError) {
        for (tensor, shard) in index.weightMap.sorted(by: { $0.key < $1.key }) {
            guard let at = location[tensor], sources[at] == shard else {
                throw EmbeddingError(
                    .corruptFile,
                    "\(url.lastPathComponent) places tensor \(tensor) in \(shard), which lacks it"
                )
            }
        }
    }
}
