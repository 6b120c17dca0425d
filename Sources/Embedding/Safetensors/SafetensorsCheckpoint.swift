// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The weights of one model: a single `.safetensors` file or the shards listed by a
/// `model.safetensors.index.json` (`{"weight_map": {tensor: file}}`).
///
/// ```swift
/// let weights = try await SafetensorsCheckpoint(directory: modelFolder)            // model.safetensors
/// let half = try await SafetensorsCheckpoint(directory: modelFolder, variant: "fp16")
/// let w = try weights.floats("visual_projection.weight", shape: [512, 768])
/// ```
public struct SafetensorsCheckpoint: ModelWeights {
    /// The files, in the order they were opened.
    public let files: [SafetensorsFile]
    /// Which file holds each tensor (an index into ``files``).
    private let location: [String: Int]

    /// Combines already opened files; each tensor name must appear in exactly one.
    /// - Throws: ``EmbeddingError/Code/corruptFile`` when two files hold the same tensor.
    public init(files: [SafetensorsFile]) throws(EmbeddingError) {
        var location: [String: Int] = [:]
        for (index, file) in files.enumerated() {
            for name in file.tensors.keys {
                if let other = location[name] {
                    throw EmbeddingError(
                        .corruptFile,
                        "tensor \(name) is in both \(files[other].sourceName) and \(file.sourceName)"
                    )
                }
                location[name] = index
            }
        }
        self.files = files
        self.location = location
    }

    /// Opens the weights in a checkpoint folder.
    ///
    /// Looks for `model[.variant].safetensors.index.json` (sharded) first, then `model[.variant].safetensors`.
    /// - Parameters:
    ///   - directory: The checkpoint folder.
    ///   - variant: A file variant such as `fp16` or `bf16` (`model.fp16.safetensors`), or `nil`.
    /// - Throws: ``EmbeddingError/Code/notFound`` when no weight file exists, ``EmbeddingError/Code/fileSystem``
    ///   when one cannot be read; ``EmbeddingError/Code/corruptFile`` for a malformed index or file, or an index naming a tensor its
    ///   shard lacks.
    @concurrent public init(directory: URL, variant: String? = nil) async throws(EmbeddingError) {
        let stem = Self.weightFileName(variant: variant)
        let indexURL = directory.appendingPathComponent(stem + ".index.json")
        if FileManager.default.fileExists(atPath: indexURL.path) {
            try await self.init(index: indexURL)
        } else {
            let file = try await SafetensorsFile(contentsOf: directory.appendingPathComponent(stem))
            try self.init(files: [file])
        }
    }

    /// `model.safetensors`, or `model.<variant>.safetensors`; a sharded checkpoint's index adds `.index.json`.
    static func weightFileName(variant: String?) -> String {
        variant.map { "model.\($0).safetensors" } ?? "model.safetensors"
    }

    /// Opens a sharded checkpoint from its `*.safetensors.index.json`; shards are resolved beside it.
    /// - Throws: ``EmbeddingError`` as for ``init(directory:variant:)``.
    @concurrent public init(index url: URL) async throws(EmbeddingError) {
        let index = try SafetensorsIndex(contentsOf: url)
        let folder = url.deletingLastPathComponent()
        var files: [SafetensorsFile] = []
        for name in index.shardNames {
            files.append(try await SafetensorsFile(contentsOf: folder.appendingPathComponent(name)))
        }
        try self.init(files: files)
        for (tensor, shard) in index.weightMap.sorted(by: { $0.key < $1.key }) {
            guard let at = location[tensor], files[at].sourceName == shard else {
                throw EmbeddingError(
                    .corruptFile,
                    "\(url.lastPathComponent) places tensor \(tensor) in \(shard), which lacks it"
                )
            }
        }
    }

    /// Every tensor name, sorted.
    public var names: [String] { location.keys.sorted() }

    /// Whether the checkpoint holds tensor `name`.
    public func contains(_ name: String) -> Bool { location[name] != nil }

    /// The description of tensor `name`.
    /// - Throws: ``EmbeddingError/Code/missingTensor``.
    public func info(_ name: String) throws(EmbeddingError) -> SafetensorsTensorInfo {
        try file(holding: name).info(name)
    }

    /// The shape of tensor `name`.
    /// - Throws: ``EmbeddingError/Code/missingTensor``.
    public func shape(of name: String) throws(EmbeddingError) -> [Int] {
        try info(name).shape
    }

    /// Tensor `name` as `Float`s, checked against `shape` when given.
    /// - Throws: ``EmbeddingError/Code/missingTensor``, ``EmbeddingError/Code/shapeMismatch`` or
    ///   ``EmbeddingError/Code/unsupportedDType``.
    public func floats(_ name: String, shape: [Int]? = nil) throws(EmbeddingError) -> ContiguousArray<Float> {
        try file(holding: name).floats(name, shape: shape)
    }

    /// Tensor `name` as 64-bit integers.
    /// - Throws: ``EmbeddingError/Code/missingTensor`` or ``EmbeddingError/Code/unsupportedDType``.
    public func int64s(_ name: String) throws(EmbeddingError) -> [Int64] {
        try file(holding: name).int64s(name)
    }

    private func file(holding name: String) throws(EmbeddingError) -> SafetensorsFile {
        guard let at = location[name] else {
            throw EmbeddingError(.missingTensor, "tensor \(name) is not in the checkpoint")
        }
        return files[at]
    }
}
