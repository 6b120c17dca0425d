// SPDX-License-Identifier: Apache-2.0

/// A batch of embeddings: `count` rows of `dimension` floats, stored row-major in one buffer.
///
/// Row `i` is `values[i * dimension ..< (i + 1) * dimension]`, the embedding of the `i`-th input.
public struct EmbeddingMatrix: Sendable, Equatable {
    /// The elements, row after row.
    public let values: ContiguousArray<Float>
    /// The length of every row.
    public let dimension: Int

    /// Creates a matrix from rows stored back to back.
    /// - Parameters:
    ///   - values: The elements, row after row.
    ///   - dimension: The row length.
    /// - Precondition: `dimension >= 1` and `values.count` is a multiple of `dimension`.
    public init(values: ContiguousArray<Float>, dimension: Int) {
        precondition(dimension >= 1, "dimension must be at least 1")
        precondition(values.count % dimension == 0, "value count is not a multiple of the dimension")
        self.values = values
        self.dimension = dimension
    }

    /// The number of rows.
    public var count: Int { values.count / dimension }

    /// The embedding in row `row`.
    /// - Precondition: `0 <= row < count`.
    public subscript(row: Int) -> ArraySlice<Float> {
        precondition(row >= 0 && row < count, "row out of range")
        return ArraySlice(values[row * dimension..<(row + 1) * dimension])
    }

    /// The rows as separate arrays (convenient in tests; prefer ``values`` in bulk code).
    public var rows: [[Float]] { (0..<count).map { Array(self[$0]) } }
}

extension EmbeddingMatrix {
    /// The matrix with every row scaled to unit Euclidean length (all-zero rows stay zero).
    public func normalized() -> EmbeddingMatrix {
        var out = values
        let d = dimension
        for r in 0..<count {
            var sum = 0.0
            for j in 0..<d { sum += Double(out[r * d + j]) * Double(out[r * d + j]) }
            guard sum > 0 else { continue }
            let scale = 1 / sum.squareRoot()
            for j in 0..<d { out[r * d + j] = Float(Double(out[r * d + j]) * scale) }
        }
        return EmbeddingMatrix(values: out, dimension: d)
    }
}
