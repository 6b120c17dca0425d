// SPDX-License-Identifier: Apache-2.0

package import _RAGNumerics

/// Numerically stable softmax over rows.
package enum Softmax {
    /// Replaces each of `rows` rows of `width` values (rows `stride` apart) with its softmax, in place.
    ///
    /// The row maximum is subtracted before exponentiating, so large scores cannot overflow. `-infinity` entries
    /// (masked positions) get probability 0; a row that is entirely `-infinity` becomes all zeros. Above the
    /// baseline `level` the dispatched C kernel runs (the same exp polynomial, its lanes as wide as the vectors);
    /// the Swift loop below is the portable path and its oracle.
    /// - Precondition: `rows, width >= 0`, `stride >= width`; `x` holds `(rows − 1)·stride + width` values.
    static func apply(
        _ x: UnsafeMutablePointer<Float>,
        rows: Int,
        width: Int,
        stride: Int,
        level: InstructionLevel = .current
    ) {
        precondition(rows >= 0 && width >= 0 && stride >= width, "softmax: negative size or stride below width")
        let extent = rows == 0 ? 0 : (rows &- 1) &* stride &+ width
        let buffer = unsafe UnsafeMutableBufferPointer(start: x, count: extent)
        if unsafe Kernels._softmaxRowsWide(buffer, rows: rows, width: width, stride: stride, level: level) { return }
        for r in 0..<rows {
            let row = unsafe x + r &* stride
            var maximum = -Float.infinity
            for j in 0..<width { maximum = max(maximum, unsafe row[j]) }
            guard maximum > -Float.infinity else {
                for j in 0..<width { unsafe row[j] = 0 }
                continue
            }
            // Exponentials eight at a time; masked (-inf) entries become exactly 0.
            var sums = SIMD8<Float>()
            let raw = UnsafeMutableRawPointer(row)
            var j = 0
            while j &+ 8 <= width {
                let v = unsafe raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
                let e = VectorMath.exp(v - maximum).replacing(with: 0, where: v .== -Float.infinity)
                unsafe raw.storeBytes(of: e, toByteOffset: j &* 4, as: SIMD8<Float>.self)
                sums += e
                j &+= 8
            }
            // The tail goes through the same lanes, the missing entries as masked ones: entry `j` always lands
            // in lane `j % 8`, so extra masked (padded) keys add exact zeros and change no sum — a sequence
            // gets the same probabilities however far its batch is padded.
            if j < width {
                var v = SIMD8<Float>(repeating: -.infinity)
                for l in 0..<(width &- j) { v[l] = unsafe row[j &+ l] }
                let e = VectorMath.exp(v - maximum).replacing(with: 0, where: v .== -Float.infinity)
                for l in 0..<(width &- j) { unsafe row[j &+ l] = e[l] }
                sums += e
            }
            let scale = 1 / sums.sum()
            for j in 0..<width { unsafe row[j] *= scale }
        }
    }

    /// The softmax of one vector (reference for tests), computed at `level`.
    package static func of(_ x: [Float], level: InstructionLevel = .current) -> [Float] {
        guard !x.isEmpty else { return [] }
        var y = x
        unsafe y.withUnsafeMutableBufferPointer {
            unsafe apply($0.baseAddress!, rows: 1, width: x.count, stride: x.count, level: level)
        }
        return y
    }
}
