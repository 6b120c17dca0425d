// SPDX-License-Identifier: Apache-2.0

import _RAGInternals

extension FlatIndex: TrainableVectorIndex {
    /// Whether vectors can be added: always, except for a ``VectorStorage/scalarQuantized8`` index that has not
    /// been trained.
    public var isTrained: Bool { state.withLock { $0.rows.isTrained } }

    /// The fewest vectors ``train(_:threads:)`` accepts: 1 (a component seen with a single value decodes to it).
    public var minimumTrainingCount: Int { 1 }

    /// Learns the quantisation bounds of a ``VectorStorage/scalarQuantized8`` index from `samples`.
    ///
    /// The bounds are the minimum and range of each component (cosine indexes train on the normalised samples),
    /// as FAISS's `QT_8bit` (`RS_minmax`) computes them. Components of later vectors outside the trained range are
    /// clamped to it, so train on a sample that covers the data, or on the data itself.
    ///
    /// For ``VectorStorage/float32`` and ``VectorStorage/float16`` indexes, which need no training, this only
    /// validates `samples`.
    ///
    /// - Parameters:
    ///   - samples: Vectors like the ones the index will hold.
    ///   - threads: Unused (training is one pass over `samples`); present for ``TrainableVectorIndex``.
    /// - Returns: The sample size and the components that were constant in it.
    /// - Throws: ``VectorIndexError/Code/dimensionMismatch``, ``VectorIndexError/Code/invalidVector`` (NaN,
    ///   infinity, or a zero vector in a cosine index), ``VectorIndexError/Code/invalidArgument`` for an empty
    ///   sample or a ``VectorStorage/scalarQuantized8`` index that already holds vectors.
    /// - Complexity: O(n·d) for n samples.
    @discardableResult
    public func train(_ samples: VectorMatrix, threads: Int? = nil) throws(VectorIndexError) -> FlatIndexTrainingReport
    {
        guard samples.dimension == dimension else {
            throw VectorIndexError(
                .dimensionMismatch,
                "training vectors have dimension \(samples.dimension), the index has \(dimension)"
            )
        }
        guard !samples.isEmpty else {
            throw VectorIndexError(.invalidArgument, "training needs at least 1 vector, got none")
        }
        if let row = samples.firstNonFiniteRow() {
            throw VectorIndexError(.invalidVector, "training vector \(row) has a NaN or infinite component")
        }
        let data = metric == .cosine ? try VectorValidation.unitLength(samples) { "training vector \($0)" } : samples
        guard storage == .scalarQuantized8 else {
            return FlatIndexTrainingReport(vectorCount: samples.count, constantComponentCount: 0, warnings: [])
        }
        let quantizer = ScalarQuantizer(training: data)
        try state.withLock { (storage: inout FlatStorage) throws(VectorIndexError) in
            guard storage.rows.count == 0 else {
                throw VectorIndexError(
                    .invalidArgument,
                    "the index already holds \(storage.rows.count) vectors; train a new index (or remove them first)"
                )
            }
            storage = FlatStorage(
                dimension: dimension,
                storage: .scalarQuantized8,
                quantizer: quantizer,
                keepsNorms: metric == .squaredL2
            )
        }
        let constant = quantizer.constantComponentCount
        var warnings: [String] = []
        if constant > 0 {
            warnings.append(
                "\(constant) of \(dimension) components had one value in all \(samples.count) training vectors; "
                    + "every stored vector will hold that value there"
            )
        }
        return FlatIndexTrainingReport(
            vectorCount: samples.count,
            constantComponentCount: constant,
            warnings: warnings
        )
    }
}
