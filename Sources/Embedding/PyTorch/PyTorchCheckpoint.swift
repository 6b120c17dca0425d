// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The weights of one model in PyTorch's format: a single `pytorch_model.bin` (or any `.pth` file) or the shards
/// listed by a `pytorch_model.bin.index.json` (`{"weight_map": {tensor: file}}`).
///
/// Each file is read by ``PyTorchCheckpointFile``, which never executes the pickle inside: see there for what
/// is accepted and what is refused.
///
/// ```swift
/// let weights = try await PyTorchCheckpoint(directory: modelFolder)               // pytorch_model.bin
/// let imagebind = try await PyTorchCheckpoint(file: downloads.appendingPathComponent("imagebind_huge.pth"))
/// let w = try weights.floats("visual_projection.weight", shape: [512, 768])
/// ```
public struct PyTorchCheckpoint: ModelWeights {
    /// The files, in the order they were opened.
    public let files: [PyTorchCheckpointFile]
    /// Which file holds each tensor.
    private let locations: TensorLocations

    /// Combines already opened files; each tensor name must appear in exactly one.
    /// - Throws: ``EmbeddingError/Code/corruptFile`` when two files hold the same tensor.
    public init(files: [PyTorchCheckpointFile]) throws(EmbeddingError) {
        locations = try TensorLocations(
            tensorNames: files.map { Array($0.tensors.keys) },
            sources: files.map(\.sourceName)
        )
        self.files = files
    }

    /// Opens one checkpoint file, such as `imagebind_huge.pth`.
    /// - Throws: As ``PyTorchCheckpointFile/init(contentsOf:)``.
    @concurrent public init(file url: URL) async throws(EmbeddingError) {
        try self.init(files: [try await PyTorchCheckpointFile(contentsOf: url)])
    }

    /// Opens the PyTorch weights in a checkpoint folder.
    ///
    /// Looks for `pytorch_model[.variant].bin.index.json` (sharded) first, then `pytorch_model[.variant].bin`.
    /// - Parameters:
    ///   - directory: The checkpoint folder.
    ///   - variant: A file variant such as `fp16` (`pytorch_model.fp16.bin`), or `nil`.
    /// - Throws: ``EmbeddingError/Code/notFound`` when no weight file exists, ``EmbeddingError/Code/fileSystem``
    ///   when one cannot be read, ``EmbeddingError/Code/corruptFile`` for a malformed index or file (or an index
    ///   naming a tensor its shard lacks), ``EmbeddingError/Code/unsupportedCheckpoint`` as
    ///   ``PyTorchCheckpointFile/init(contentsOf:)``.
    @concurrent public init(directory: URL, variant: String? = nil) async throws(EmbeddingError) {
        let stem = Self.weightFileName(variant: variant)
        let indexURL = directory.appendingPathComponent(stem + ".index.json")
        if FileManager.default.fileExists(atPath: indexURL.path) {
            try await self.init(index: indexURL)
        } else {
            try await self.init(file: directory.appendingPathComponent(stem))
        }
    }

    /// `pytorch_model.bin`, or `pytorch_model.<variant>.bin`; a sharded checkpoint's index adds `.index.json`.
    static func weightFileName(variant: String?) -> String {
        variant.map { "pytorch_model.\($0).bin" } ?? "pytorch_model.bin"
    }

    /// Opens a sharded checkpoint from its `pytorch_model.bin.index.json`; shards are resolved beside it.
    /// - Throws: ``EmbeddingError`` as for ``init(directory:variant:)``.
    @concurrent public init(index url: URL) async throws(EmbeddingError) {
        let index = try SafetensorsIndex(contentsOf: url)
        let folder = url.deletingLastPathComponent()
        var files: [PyTorchCheckpointFile] = []
        for name in index.shardNames {
            files.append(try await PyTorchCheckpointFile(contentsOf: folder.appendingPathComponent(name)))
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
    public func info(_ name: String) throws(EmbeddingError) -> PyTorchTensorInfo {
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

    private func file(holding name: String) throws(EmbeddingError) -> PyTorchCheckpointFile {
        files[try locations.file(holding: name)]
    }
}
