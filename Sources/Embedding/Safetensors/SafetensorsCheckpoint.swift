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
    /// Which file holds each tensor.
    private let locations: TensorLocations

    /// Combines already opened files; each tensor name must appear in exactly one.
    /// - Throws: ``EmbeddingError/Code/corruptFile`` when two files hold the same tensor.
    public init(files: [SafetensorsFile]) throws(EmbeddingError) {
        locations = try TensorLocations(
            tensorNames: files.map { Array($0.tensors.keys) },
            sources: files.map(\.sourceName)
        )
        self.files = files
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
        try locations.check(index, sources: files.map(\.sourceName), url: url)
    }

    /// Every tensor name, sorted.
    public var names: [String] { locations.names }

    /// Whether the checkpoint holds tensor `name`.
    public func contains(_ name: String) -> Bool { locations.contains(name) }

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
        files[try locations.file(holding: name)]
    }
}
