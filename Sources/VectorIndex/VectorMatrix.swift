// SPDX-License-Identifier: Apache-2.0

package import _RAGNumerics

/// A batch of vectors of one dimension, stored row-major in one contiguous buffer.
///
/// This is how vectors cross API boundaries in the library (never `[[Float]]`): row `i` occupies
/// `values[i * dimension ..< (i + 1) * dimension]`. It is a value type with copy-on-write storage.
///
/// ```swift
/// var batch = try VectorMatrix(dimension: 3)
/// try batch.append([0.1, 0.2, 0.3])
/// try batch.append([0.0, 1.0, 0.0])
/// print(batch.count, batch[1])  // 2 [0.0, 1.0, 0.0]
/// ```
public struct VectorMatrix: Sendable, Equatable {
    /// The storage shared with `EmbeddingMatrix` (see ``init(storage:)``).
    package private(set) var storage: RowMajorMatrix

    /// The elements, row after row.
    public var values: ContiguousArray<Float> { storage.values }
    /// The length of every row (at least 1).
    public var dimension: Int { storage.dimension }

    /// The number of rows.
    public var count: Int { storage.count }

    /// Whether the matrix has no rows.
    public var isEmpty: Bool { storage.values.isEmpty }

    /// Creates an empty matrix of rows of `dimension` floats.
    ///
    /// - Throws: ``VectorIndexError/Code/invalidArgument`` when `dimension < 1`.
    public init(dimension: Int) throws(VectorIndexError) {
        try self.init(values: ContiguousArray(), dimension: dimension)
    }

    /// Creates a matrix from rows stored back to back.
    ///
    /// - Throws: ``VectorIndexError/Code/invalidArgument`` when `dimension < 1` or `values.count` is not a
    ///   multiple of `dimension`.
    public init(values: some Sequence<Float>, dimension: Int) throws(VectorIndexError) {
        let values = ContiguousArray(values)
        if let problem = RowMajorMatrix.shapeProblem(valueCount: values.count, dimension: dimension) {
            throw VectorIndexError(.invalidArgument, problem)
        }
        storage = RowMajorMatrix(unchecked: values, dimension: dimension)
    }

    /// Creates a matrix from separate rows, which must all have the same length.
    ///
    /// - Throws: ``VectorIndexError/Code/invalidArgument`` for no rows or empty rows, and
    ///   ``VectorIndexError/Code/dimensionMismatch`` when the rows differ in length.
    public init(rows: [[Float]]) throws(VectorIndexError) {
        guard let first = rows.first, !first.isEmpty else {
            throw VectorIndexError(.invalidArgument, "a matrix from rows needs at least one non-empty row")
        }
        storage = RowMajorMatrix(unchecked: [], dimension: first.count)
        storage.values.reserveCapacity(rows.count * first.count)
        for row in rows { try append(row) }
    }

    /// Wraps shared storage without copying it: the bridge from `EmbeddingMatrix` (whose `storage` this takes).
    package init(storage: RowMajorMatrix) {
        self.storage = storage
    }

    init(uncheckedValues values: ContiguousArray<Float>, dimension: Int) {
        storage = RowMajorMatrix(unchecked: values, dimension: dimension)
    }

    /// Row `index`, as a slice that shares this matrix's storage.
    ///
    /// - Precondition: `0 <= index < count`.
    public subscript(index: Int) -> ArraySlice<Float> {
        precondition(index >= 0 && index < count, "row \(index) out of range 0..<\(count)")
        return storage.values[index * dimension..<(index + 1) * dimension]
    }

    /// Appends a row.
    ///
    /// - Throws: ``VectorIndexError/Code/dimensionMismatch`` when the row's length is not ``dimension``.
    public mutating func append(_ row: some Collection<Float>) throws(VectorIndexError) {
        guard row.count == dimension else {
            throw VectorIndexError(.dimensionMismatch, "row has \(row.count) values, expected \(dimension)")
        }
        storage.values.append(contentsOf: row)
    }

    /// Reserves storage for `rowCount` rows in total.
    public mutating func reserveCapacity(_ rowCount: Int) {
        storage.values.reserveCapacity(rowCount * dimension)
    }

    /// The squared Euclidean norm of every row.
    public func squaredNorms() -> ContiguousArray<Float> {
        storage.squaredNorms()
    }

    /// A copy with every row scaled to unit length (zero rows stay zero).
    ///
    /// Rows already of unit length (up to Float32 rounding) are left bit for bit as they are, so normalising
    /// twice gives the same matrix as normalising once.
    public func normalized() -> VectorMatrix {
        VectorMatrix(storage: storage.normalized())
    }

    /// A copy with every row divided by the square root of its entry in `squaredNorms` (zero entries stay zero).
    func normalized(squaredNorms norms: ContiguousArray<Float>) -> VectorMatrix {
        var copy = storage
        copy.normalize(squaredNorms: norms)
        return VectorMatrix(storage: copy)
    }

    /// The first row index whose values include a NaN or an infinity, if any.
    func firstNonFiniteRow() -> Int? {
        for (i, v) in storage.values.enumerated() where !v.isFinite { return i / dimension }
        return nil
    }
}
