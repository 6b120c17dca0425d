// SPDX-License-Identifier: Apache-2.0

package import _RAGNumerics

/// A batch of embeddings: `count` rows of `dimension` floats, stored row-major in one buffer.
///
/// Row `i` is `values[i * dimension ..< (i + 1) * dimension]`, the embedding of the `i`-th input. The storage is
/// the same as `VectorIndex`'s `VectorMatrix`: a collection hands an embedder's output to an index without
/// copying the floats or normalising them a second time.
public struct EmbeddingMatrix: Sendable, Equatable {
    /// The storage shared with `VectorMatrix` (see ``init(storage:)``).
    package private(set) var storage: RowMajorMatrix

    /// The elements, row after row.
    public var values: ContiguousArray<Float> { storage.values }
    /// The length of every row (at least 1).
    public var dimension: Int { storage.dimension }

    /// Creates a matrix from rows stored back to back.
    /// - Parameters:
    ///   - values: The elements, row after row.
    ///   - dimension: The row length.
    /// - Throws: ``EmbeddingError/Code/invalidInput`` when `dimension < 1` or `values.count` is not a multiple
    ///   of `dimension`.
    public init(values: ContiguousArray<Float>, dimension: Int) throws(EmbeddingError) {
        if let problem = RowMajorMatrix.shapeProblem(valueCount: values.count, dimension: dimension) {
            throw EmbeddingError(.invalidInput, "embedding matrix: \(problem)")
        }
        storage = RowMajorMatrix(unchecked: values, dimension: dimension)
    }

    /// Wraps shared storage without copying it: the bridge to and from `VectorMatrix`.
    package init(storage: RowMajorMatrix) {
        self.storage = storage
    }

    /// Wraps rows the caller built to fit `dimension` (a model's own output).
    init(unchecked values: ContiguousArray<Float>, dimension: Int) {
        storage = RowMajorMatrix(unchecked: values, dimension: dimension)
    }

    /// The number of rows.
    public var count: Int { storage.count }

    /// The embedding in row `row`.
    /// - Precondition: `0 <= row < count`.
    public subscript(row: Int) -> ArraySlice<Float> {
        precondition(row >= 0 && row < count, "row out of range")
        return storage.values[row * dimension..<(row + 1) * dimension]
    }

    /// The rows as separate arrays (convenient in tests; prefer ``values`` in bulk code).
    public var rows: [[Float]] { (0..<count).map { Array(self[$0]) } }
}

extension EmbeddingMatrix {
    /// The matrix with every row scaled to unit Euclidean length (all-zero rows stay zero).
    ///
    /// This is the library's one normaliser (Float32, the SIMD kernel's sum of squares), the same one a cosine
    /// index applies. Rows already of unit length (up to Float32 rounding) are left bit for bit as they are, so
    /// normalising twice gives the same matrix as normalising once, and an index does not re-round them.
    public func normalized() -> EmbeddingMatrix {
        EmbeddingMatrix(storage: storage.normalized())
    }
}
