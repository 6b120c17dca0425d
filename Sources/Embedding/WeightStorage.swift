// SPDX-License-Identifier: Apache-2.0

/// How a native model keeps the weights of its linear layers in memory; computation is Float32 either way.
///
/// ``float16`` halves the memory of those weights (nearly all of a transformer's): each is rounded once, at
/// load, to the nearest half-precision value, and widened back exactly as the matrix product reaches it, so the
/// outputs are those of the Float32 model with its weights rounded to half precision (like loading an F16
/// checkpoint). Embeddings, positions, norms, biases and convolution stems stay Float32.
///
/// ```swift
/// var configuration = ImageBindConfiguration.huge
/// configuration.weightStorage = .float16
/// let model = try await ImageBindModel(checkpoint: file, configuration: configuration)
/// ```
public enum WeightStorage: String, Sendable, Hashable, Codable, CaseIterable {
    /// Four bytes a weight: the checkpoint's values (widened if they were F16 or BF16).
    case float32
    /// Two bytes a weight: IEEE 754 half precision, rounded to nearest (ties to even).
    case float16
}
