// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
package import FoundationEssentials
#else
package import Foundation
#endif

/// Which weight files a checkpoint folder's model is loaded from, in either format, and opening them.
///
/// Safetensors come first: `model[.variant].safetensors.index.json` (sharded), then `model[.variant].safetensors`.
/// A folder with neither falls back to PyTorch's format: `pytorch_model[.variant].bin.index.json`, then
/// `pytorch_model[.variant].bin` (many older hub repositories have only those).
package enum WeightFiles {
    /// The two formats a folder's weights may be in.
    package enum Format: Sendable {
        case safetensors
        case pytorch
    }

    /// The format and the weight files (names relative to `directory`) a model in `directory` loads.
    ///
    /// An index file is always looked for in `directory` itself; a single weight file is looked for in `listing`
    /// when given (a hub repository's file list, before its weights are downloaded), else in `directory`. With
    /// no weights at all the answer is `model[.variant].safetensors`, so the error that follows names it.
    /// - Throws: ``EmbeddingError/Code/corruptFile`` for a malformed index.
    package static func resolve(
        in directory: URL,
        variant: String?,
        listing: [String]? = nil
    ) throws(EmbeddingError) -> (format: Format, names: [String]) {
        func exists(_ name: String) -> Bool {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
        }
        func listed(_ name: String) -> Bool { listing.map { $0.contains(name) } ?? exists(name) }
        let safetensors = SafetensorsCheckpoint.weightFileName(variant: variant)
        let pytorch = PyTorchCheckpoint.weightFileName(variant: variant)
        if exists(safetensors + ".index.json") {
            let index = directory.appendingPathComponent(safetensors + ".index.json")
            return (.safetensors, try SafetensorsIndex(contentsOf: index).shardNames)
        }
        if listed(safetensors) { return (.safetensors, [safetensors]) }
        if exists(pytorch + ".index.json") {
            let index = directory.appendingPathComponent(pytorch + ".index.json")
            return (.pytorch, try SafetensorsIndex(contentsOf: index).shardNames)
        }
        if listed(pytorch) { return (.pytorch, [pytorch]) }
        return (.safetensors, [safetensors])
    }

    /// Opens the weights of the model in `directory`, in whichever format ``resolve(in:variant:listing:)`` finds.
    /// - Throws: What ``SafetensorsCheckpoint/init(directory:variant:)`` or
    ///   ``PyTorchCheckpoint/init(directory:variant:)`` throws.
    package static func open(directory: URL, variant: String?) async throws(EmbeddingError) -> any ModelWeights {
        switch try resolve(in: directory, variant: variant).format {
        case .safetensors: try await SafetensorsCheckpoint(directory: directory, variant: variant)
        case .pytorch: try await PyTorchCheckpoint(directory: directory, variant: variant)
        }
    }
}
