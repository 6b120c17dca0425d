// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// A batch of vectors of one dimension, stored row-major in one contiguous buffer.
///
/// This is how vectors cross API boundaries in the library (never `[[Float]]`): row `i` occupies
/// `values[i * dimension ..< (i + 1) * dimension]`. It is a value type with copy-on-write storage.
///
/// ```swift
/// var batch = VectorMatrix(dimension: 3)
/// try batch.append([0.1, 0.2, 0.3])
/// try batch.append([0.0, 1.0, 0.0])
/// print(batch.count, batch[1])  // 2 [0.0, 1.0, 0.0]
/// ```
public struct VectorMatrix: Sendable, Equatable {
    /// The elements, row after row.
    public private(set) var values: ContiguousArray<Float>
    /// The length of every row (at least 1).
    public let dimension: Int

    /// The number of rows.
    public var count: Int { values.count / dimension }

    /// Whether the matrix has no rows.
    public var isEmpty: Bool { values.isEmpty }

    /// Creates an empty matrix of rows of `dimension` floats.
    ///
    /// - Precondition: `dimension >= 1`.
    public init(dimension: Int) {
        precondition(dimension >= 1, "dimension must be at least 1")
        self.dimension = dimension
        values = []
    }

    /// Creates a matrix from rows stored back to back.
    ///
    /// - Throws: ``VectorIndexError/Code/invalidArgument`` when `dimension < 1` or `values.count` is not a
    ///   multiple of `dimension`.
    public init(values: some Sequence<Float>, dimension: Int) throws(VectorIndexError) {
        guard dimension >= 1 else { throw VectorIndexError(.invalidArgument, "dimension must be at least 1") }
        let values = ContiguousArray(values)
        guard values.count % dimension == 0 else {
            throw VectorIndexError(
                .invalidArgument,
                "\(values.count) values do not split into rows of \(dimension)"
            )
        }
        self.values = values
        self.dimension = dimension
    }

    /// Creates a matrix from separate rows, which must all have the same length.
    ///
    /// - Throws: ``VectorIndexError/Code/invalidArgument`` for no rows or empty rows, and
    ///   ``VectorIndexError/Code/dimensionMismatch`` when the rows differ in length.
    public init(rows: [[Float]]) throws(VectorIndexError) {
        guard let first = rows.first, !first.isEmpty else {
            throw VectorIndexError(.invalidArgument, "a matrix from rows needs at least one non-empty row")
        }
        self.init(dimension: first.count)
        values.reserveCapacity(rows.count * first.count)
        for row in rows { try append(row) }
    }

    init(uncheckedValues values: ContiguousArray<Float>, dimension: Int) {
        self.values = values
        self.dimension = dimension
    }

    /// Row `index`, as a slice that shares this matrix's storage.
    ///
    /// - Precondition: `0 <= index < count`.
    public subscript(index: Int) -> ArraySlice<Float> {
        precondition(index >= 0 && index < count, "row \(index) out of range 0..<\(count)")
        return values[index * dimension..<(index + 1) * dimension]
    }

    /// Appends a row.
    ///
    /// - Throws: ``VectorIndexError/Code/dimensionMismatch`` when the row's length is not ``dimension``.
    public mutating func append(_ row: some Collection<Float>) throws(VectorIndexError) {
        guard row.count == dimension else {
            throw VectorIndexError(.dimensionMismatch, "row has \(row.count) values, expected \(dimension)")
        }
        values.append(contentsOf: row)
    }

    /// Reserves storage for `rowCount` rows in total.
    public mutating func reserveCapacity(_ rowCount: Int) {
        values.reserveCapacity(rowCount * dimension)
    }

    /// The squared Euclidean norm of every row.
    public func squaredNorms() -> ContiguousArray<Float> {
        var norms = ContiguousArray<Float>(repeating: 0, count: count)
        let d = dimension
        let span = values.span
        for i in 0..<norms.count {
            norms[i] = Kernels.squaredNorm(span.extracting(i * d..<(i + 1) * d))
        }
        return norms
    }

    /// A copy with every row scaled to unit length (zero rows stay zero).
    public func normalized() -> VectorMatrix {
        normalized(squaredNorms: squaredNorms())
    }

    /// A copy with every row divided by the square root of its entry in `squaredNorms` (zero entries stay zero).
    func normalized(squaredNorms norms: ContiguousArray<Float>) -> VectorMatrix {
        var copy = self
        for i in 0..<count where norms[i] > 0 {
            let scale = 1 / norms[i].squareRoot()
            for j in i * dimension..<(i + 1) * dimension { copy.values[j] *= scale }
        }
        return copy
    }

    /// The first row index whose values include a NaN or an infinity, if any.
    func firstNonFiniteRow() -> Int? {
        for (i, v) in values.enumerated() where !v.isFinite { return i / dimension }
        return nil
    }
}
