// SPDX-License-Identifier: Apache-2.0

/// Named tensors a model is built from, whatever file format holds them.
///
/// ``SafetensorsCheckpoint`` and ``PyTorchCheckpoint`` conform, so ``CLIPModel``, ``BERTModel`` and the models
/// built on them load from either: `model.safetensors` or `pytorch_model.bin` (and `.pth` files), single or
/// sharded. Tensors are converted to `Float` on request, straight from the mapped file into the returned array.
///
/// ```swift
/// let weights: any ModelWeights = try await PyTorchCheckpoint(directory: folder)   // pytorch_model.bin
/// let model = try CLIPModel(configuration: configuration, weights: weights)
/// let projection = try weights.floats("visual_projection.weight", shape: [512, 768])
/// ```
public protocol ModelWeights: Sendable {
    /// Every tensor name, sorted.
    var names: [String] { get }

    /// Whether tensor `name` is present.
    func contains(_ name: String) -> Bool

    /// The shape of tensor `name`, outermost dimension first (empty for a scalar).
    /// - Throws: ``EmbeddingError/Code/missingTensor``.
    func shape(of name: String) throws(EmbeddingError) -> [Int]

    /// Tensor `name` as `Float`s in row-major order (F32, and F16 or BF16 widened exactly), checked against
    /// `shape` when it is not `nil`.
    /// - Throws: ``EmbeddingError/Code/missingTensor``, ``EmbeddingError/Code/shapeMismatch`` or
    ///   ``EmbeddingError/Code/unsupportedDType``, each naming the tensor.
    func floats(_ name: String, shape: [Int]?) throws(EmbeddingError) -> ContiguousArray<Float>

    /// Tensor `name` as 64-bit integers in row-major order.
    /// - Throws: ``EmbeddingError/Code/missingTensor`` or ``EmbeddingError/Code/unsupportedDType``.
    func int64s(_ name: String) throws(EmbeddingError) -> [Int64]
}
