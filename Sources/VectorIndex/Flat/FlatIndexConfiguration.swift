// SPDX-License-Identifier: Apache-2.0

/// How a ``FlatIndex`` stores its vectors; fixed when the index is created.
///
/// ```swift
/// let index = try FlatIndex(dimension: 384, metric: .innerProduct, configuration: FlatIndexConfiguration(storage: .scalarQuantized8))
/// try index.train(sample)                  // per-component minimum and range
/// try index.add(vectors, ids: ids)         // 384 bytes a vector instead of 1,536
/// ```
public struct FlatIndexConfiguration: Sendable, Hashable {
    /// The in-memory and on-disk form of the stored vectors (``VectorStorage/float32`` by default).
    public var storage: VectorStorage

    /// Creates a configuration.
    public init(storage: VectorStorage = .float32) {
        self.storage = storage
    }
}

/// What ``FlatIndex/train(_:threads:)`` did.
public struct FlatIndexTrainingReport: Sendable, Hashable {
    /// The number of vectors passed to `train`.
    public var vectorCount: Int
    /// Components whose training values were all equal: every vector stores them as that one value.
    ///
    /// Always 0 for storage that needs no training.
    public var constantComponentCount: Int
    /// Conditions that lower accuracy, in words (for example a constant component).
    public var warnings: [String]
}
