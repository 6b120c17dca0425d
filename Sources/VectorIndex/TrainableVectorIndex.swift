// SPDX-License-Identifier: Apache-2.0

/// An index that learns its layout from sample vectors before it can store any (``IVFPQIndex``: the coarse
/// lists and the product quantizer; ``FlatIndex`` with ``VectorStorage/scalarQuantized8`` storage: the bounds of
/// each component; a ``FlatIndex`` with Float32 or Float16 storage is trained from the start).
///
/// The life of such an index: create it empty from a configuration, ``train(_:threads:)`` it on a sample that
/// looks like the data, then add the data. A collection that starts exact and grows can do all three off to
/// the side from its stored vectors and then swap the trained index in:
///
/// ```swift
/// func trainedIndex<Index: TrainableVectorIndex>(
///     _: Index.Type,
///     configuration: Index.Configuration,
///     from source: some VectorSearchIndex,
///     vectors: VectorMatrix,
///     ids: [UInt64]
/// ) throws(VectorIndexError) -> Index {
///     let index = try Index(dimension: source.dimension, metric: source.metric, configuration: configuration)
///     try index.train(vectors, threads: nil)
///     try index.add(vectors, ids: ids)
///     return index
/// }
/// ```
///
/// Before training, ``VectorSearchIndex/add(_:ids:)``, ``VectorSearchIndex/upsert(_:ids:)`` and searches throw
/// ``VectorIndexError/Code/untrained``.
public protocol TrainableVectorIndex: VectorSearchIndex {
    /// The settings fixed when the index is created.
    associatedtype Configuration: Sendable
    /// What ``train(_:threads:)`` reports.
    associatedtype TrainingReport: Sendable

    /// Creates an empty, untrained index.
    ///
    /// - Throws: ``VectorIndexError/Code/invalidArgument`` when `configuration` does not fit `dimension`.
    init(dimension: Int, metric: Metric, configuration: Configuration) throws(VectorIndexError)

    /// The settings the index was created with.
    var configuration: Configuration { get }

    /// Whether ``train(_:threads:)`` has run; vectors can be added only after it has.
    var isTrained: Bool { get }

    /// The fewest sample vectors ``train(_:threads:)`` accepts.
    var minimumTrainingCount: Int { get }

    /// Trains the index on `samples`, using up to `threads` threads (`nil`: every processor).
    ///
    /// Training is deterministic for a given configuration and sample.
    ///
    /// - Throws: ``VectorIndexError`` for a wrong dimension, a non-finite vector, fewer than
    ///   ``minimumTrainingCount`` samples, or an index that already holds vectors.
    @discardableResult
    func train(_ samples: VectorMatrix, threads: Int?) throws(VectorIndexError) -> TrainingReport
}
