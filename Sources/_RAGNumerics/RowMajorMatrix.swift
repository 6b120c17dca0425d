// SPDX-License-Identifier: Apache-2.0

/// The one row-major matrix storage behind the public matrix types (`Embedding.EmbeddingMatrix` and
/// `VectorIndex.VectorMatrix`), with the one row normaliser.
///
/// `count` rows of `dimension` floats sit back to back in one copy-on-write `ContiguousArray`: row `i` is
/// `values[i * dimension ..< (i + 1) * dimension]`. Both public types hold a `RowMajorMatrix` as their storage
/// and can be created from one, so handing an embedder's output to an index passes the buffer along (a
/// reference-count increment), never the floats.
package struct RowMajorMatrix: Sendable, Equatable {
    /// The elements, row after row.
    package var values: ContiguousArray<Float>
    /// The length of every row (at least 1).
    package let dimension: Int

    /// What is wrong with a shape, in words, or `nil` when `valueCount` floats split into rows of `dimension`.
    package static func shapeProblem(valueCount: Int, dimension: Int) -> String? {
        if dimension < 1 { return "dimension must be at least 1, got \(dimension)" }
        if valueCount % dimension != 0 { return "\(valueCount) values do not split into rows of \(dimension)" }
        return nil
    }

    /// Wraps `values` as rows of `dimension`; the caller has checked the shape with
    /// ``shapeProblem(valueCount:dimension:)`` or built it to fit.
    package init(unchecked values: ContiguousArray<Float>, dimension: Int) {
        assert(Self.shapeProblem(valueCount: values.count, dimension: dimension) == nil, "bad matrix shape")
        self.values = values
        self.dimension = dimension
    }

    /// The number of rows.
    package var count: Int { values.count / dimension }

    /// The squared Euclidean norm of every row (the SIMD kernel's summation order).
    package func squaredNorms() -> ContiguousArray<Float> {
        let d = dimension
        let span = values.span
        var norms = ContiguousArray<Float>(repeating: 0, count: count)
        for i in 0..<norms.count { norms[i] = Kernels.squaredNorm(span.extracting(i * d..<(i + 1) * d)) }
        return norms
    }

    /// Whether a row whose squared norm the kernel computed as `squaredNorm` is unit length, up to the rounding
    /// of normalising it in Float32 and summing its squares again.
    ///
    /// The band is `|squaredNorm − 1| ≤ 2·√dimension·ε` (ε = `Float.ulpOfOne`; 6.6e-6 at 768, a relative length
    /// error of 3.3e-6 or less). A row the normaliser has produced always lands in it (tests check this for
    /// every dimension up to 4,096), so normalising twice gives the first result to the bit.
    package static func isUnitLength(squaredNorm: Float, dimension: Int) -> Bool {
        abs(squaredNorm - 1) <= 2 * Float(dimension).squareRoot() * .ulpOfOne
    }

    /// Scales every row whose entry in `squaredNorms` is positive and finite, and not already unit length (see
    /// ``isUnitLength(squaredNorm:dimension:)``), by the reciprocal of its length; other rows stay as they are.
    ///
    /// Rows already of unit length are left untouched, so normalising a normalised matrix neither changes a bit
    /// nor copies the buffer.
    ///
    /// - Precondition: `squaredNorms.count == count`.
    package mutating func normalize(squaredNorms: ContiguousArray<Float>) {
        precondition(squaredNorms.count == count, "one squared norm per row")
        let d = dimension
        func needsScaling(_ n: Float) -> Bool {
            n > 0 && n.isFinite && !Self.isUnitLength(squaredNorm: n, dimension: d)
        }
        // Checked before the loop that writes: an optimised build makes the buffer unique (copies it) before
        // entering that loop, whether or not a row is then written.
        guard squaredNorms.contains(where: needsScaling) else { return }
        for i in 0..<squaredNorms.count where needsScaling(squaredNorms[i]) {
            let scale = 1 / squaredNorms[i].squareRoot()
            for j in i &* d..<(i &+ 1) &* d { values[j] *= scale }
        }
    }

    /// A copy with every row scaled to unit length (zero rows stay zero, unit rows stay bit for bit).
    package func normalized() -> RowMajorMatrix {
        var copy = self
        copy.normalize(squaredNorms: squaredNorms())
        return copy
    }
}
