// SPDX-License-Identifier: Apache-2.0

/// The forward 8×8 DCT of ITU T.81 §A.3.3 in `Float`, as two passes of an 8×8 matrix product, with
/// quantisation folded into the last step.
package enum JPEGForwardDCT {
    /// `basis[u * 8 + x] = C(u)/2 · cos((2x + 1)uπ / 16)`, with `C(0) = 1/√2`, `C(u) = 1` otherwise.
    static let basis: [Float] = {
        var basis = [Float](repeating: 0, count: 64)
        for u in 0..<8 {
            let scale = u == 0 ? 0.5 / 2.0.squareRoot() : 0.5
            for x in 0..<8 {
                basis[u * 8 + x] = Float(scale * cosineOfSixteenths((2 * x + 1) * u))
            }
        }
        return basis
    }()

    /// cos(kπ/16) for k = 0...8 (the module avoids Foundation, so no `cos`).
    private static let cosines: [Double] = [
        1, 0.980_785_280_403_230_4, 0.923_879_532_511_286_7, 0.831_469_612_302_545_2, 0.707_106_781_186_547_5,
        0.555_570_233_019_602_2, 0.382_683_432_365_089_8, 0.195_090_322_016_128_3, 0,
    ]

    /// cos(nπ/16) for any n ≥ 0, by the symmetries of the cosine.
    private static func cosineOfSixteenths(_ n: Int) -> Double {
        var k = n % 32
        if k > 16 { k = 32 - k }
        return k > 8 ? -cosines[16 - k] : cosines[k]
    }

    /// `basis` transposed into vectors: `columns[x]` holds `basis[u * 8 + x]` for u = 0...7.
    private static let basisColumns: [SIMD8<Float>] = (0..<8).map { x in
        SIMD8<Float>((0..<8).map { u in basis[u * 8 + x] })
    }

    /// Transforms 64 level-shifted samples (row-major, −128...127) and divides by the quantisation table.
    ///
    /// Eight outputs are computed at once in `SIMD8<Float>` lanes, each lane summing its products in the same
    /// order as a scalar loop would, so the result does not depend on the vector width.
    /// - Parameters:
    ///   - samples: The block, row-major.
    ///   - quant: The quantisation table, natural order.
    ///   - output: The quantised coefficients, natural order, rounded to nearest (ties away from zero).
    package static func transform(_ samples: [Float], quant: [Float], into output: inout [Int32]) {
        let columns = basisColumns
        // Rows: rows[y][u] = Σx basis[u][x] · s[y][x], lanes over u.
        var rows = [SIMD8<Float>](repeating: .zero, count: 8)
        for y in 0..<8 {
            var sum = SIMD8<Float>.zero
            for x in 0..<8 { sum += columns[x] * samples[y * 8 + x] }
            rows[y] = sum
        }
        // Columns: F[v][u] = Σy basis[v][y] · rows[y][u], lanes over u.
        for v in 0..<8 {
            var sum = SIMD8<Float>.zero
            for y in 0..<8 { sum += rows[y] * basis[v * 8 + y] }
            for u in 0..<8 {
                let value = Double(sum[u] / quant[v * 8 + u])
                // Exactly `rounded()` (half away from zero); `value ± 0.5` is exact in Double.
                output[v * 8 + u] = Int32(value >= 0 ? value + 0.5 : value - 0.5)
            }
        }
    }
}
