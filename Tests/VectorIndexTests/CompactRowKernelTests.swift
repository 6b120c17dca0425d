// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGNumerics
import _RAGTestSupport

@testable import VectorIndex

/// The compact-row scans (Float16 rows, 8-bit codes with an affine decoding) at every instruction level this
/// machine supports against the portable Swift loops (`.baseline`, what `MMRAG_ISA=baseline` runs) and a Float64
/// computation of the same formula, on every dimension 1…40 and 64, 383, 384, 385, with the query-side and row
/// pointers one element past an aligned start.
///
/// Tolerance: the rigorous bound for any summation order, `n·u·Σ|terms|` with `u = 2⁻²⁴`, doubled (fused
/// multiply-adds round once where the Swift loops round twice). Levels are passed to each kernel explicitly, so
/// suites running in parallel keep theirs. `.ci/run asan` runs this suite under AddressSanitizer, which turns a
/// read or write past the stated lengths into a failure.
@Suite struct CompactRowKernelTests {
    static let dimensions = Array(1...40) + [64, 383, 384, 385]
    static let rowCounts = [1, 3, 9]

    private func tolerance(_ terms: Int, _ magnitude: Double) -> Double {
        2 * Double(max(terms, 1)) * 0x1p-24 * magnitude + 1e-30
    }

    /// Random binary16 patterns of finite values: normals across the range, subnormals and signed zeros.
    private func halves(_ count: Int, _ rng: inout SeededGenerator) -> [UInt16] {
        (0..<count).map { i in
            switch i % 11 {
            case 3: UInt16(truncatingIfNeeded: rng.next() & 0x83FF)  // subnormal or zero
            case 7: HalfBits.narrow(rng.nextSignedUnitFloat() * 60_000)
            default: HalfBits.narrow(rng.nextGaussian())
            }
        }
    }

    @Test("the SIMD widening equals HalfBits.widen for all 65,536 bit patterns")
    func widening() {
        for base in stride(from: 0, to: 65_536, by: 8) {
            let lanes = SIMD8<UInt16>((0..<8).map { UInt16(base + $0) })
            let wide = CompactRowKernels._widen(lanes)
            for i in 0..<8 {
                #expect(wide[i].bitPattern == HalfBits.widen(lanes[i]).bitPattern, "pattern \(base + i)")
            }
        }
    }

    @Test("Float16 rows: dots and squared L2 at every level match Float64", arguments: dimensions)
    func halfRows(dimension d: Int) {
        var rng = SeededGenerator(seed: UInt64(d) &* 31 &+ 5)
        for n in Self.rowCounts {
            // One extra element in front of each array: the kernels see pointers past an aligned start.
            let query = rng.floats(d + 1)
            let rows = halves(n * d + 1, &rng)
            var exactDots = [Double](repeating: 0, count: n)
            var exactL2 = [Double](repeating: 0, count: n)
            var magnitudes = [Double](repeating: 0, count: n)
            for r in 0..<n {
                for j in 0..<d {
                    let (q, x) = (Double(query[1 + j]), Double(HalfBits.widen(rows[1 + r * d + j])))
                    exactDots[r] += q * x
                    exactL2[r] += (q - x) * (q - x)
                    magnitudes[r] += abs(q * x)
                }
            }
            for level in InstructionLevel.supported {
                var dots = [Float](repeating: .nan, count: n)
                var l2 = [Float](repeating: .nan, count: n)
                let q = query.span.extracting(1...)
                let x = rows.span.extracting(1...)
                var out = dots.mutableSpan
                CompactRowKernels.halfDots(query: q, rows: x, dimension: d, into: &out, level: level)
                var out2 = l2.mutableSpan
                CompactRowKernels.halfSquaredL2s(query: q, rows: x, dimension: d, into: &out2, level: level)
                for r in 0..<n {
                    #expect(abs(Double(dots[r]) - exactDots[r]) <= tolerance(d, magnitudes[r]), "\(level) dot")
                    #expect(abs(Double(l2[r]) - exactL2[r]) <= tolerance(2 * d, exactL2[r]) + 1e-6, "\(level) L2")
                }
            }
        }
    }

    @Test("8-bit codes: affine dots and squared L2 at every level match Float64", arguments: dimensions)
    func byteRows(dimension d: Int) {
        var rng = SeededGenerator(seed: UInt64(d) &* 17 &+ 3)
        for n in Self.rowCounts {
            let weights = rng.floats(d + 1).map { $0 / 255 }
            let offsets = rng.floats(d + 1)
            let scales = rng.floats(d + 1).map { abs($0) / 255 }
            let codes = (0..<(n * d + 1)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let bias = rng.nextSignedUnitFloat()
            var exactDots = [Double](repeating: 0, count: n)
            var exactL2 = [Double](repeating: 0, count: n)
            var magnitudes = [Double](repeating: 0, count: n)
            for r in 0..<n {
                exactDots[r] = Double(bias)
                magnitudes[r] = abs(Double(bias))
                for j in 0..<d {
                    let c = Double(codes[1 + r * d + j])
                    exactDots[r] += Double(weights[1 + j]) * c
                    magnitudes[r] += abs(Double(weights[1 + j]) * c)
                    let diff = Double(offsets[1 + j]) - Double(scales[1 + j]) * c
                    exactL2[r] += diff * diff
                }
            }
            for level in InstructionLevel.supported {
                var dots = [Float](repeating: .nan, count: n)
                var l2 = [Float](repeating: .nan, count: n)
                let c = codes.span.extracting(1...)
                var out = dots.mutableSpan
                CompactRowKernels.byteAffineDots(
                    weights: weights.span.extracting(1...),
                    bias: bias,
                    codes: c,
                    dimension: d,
                    into: &out,
                    level: level
                )
                var out2 = l2.mutableSpan
                CompactRowKernels.byteAffineSquaredL2s(
                    offsets: offsets.span.extracting(1...),
                    scales: scales.span.extracting(1...),
                    codes: c,
                    dimension: d,
                    into: &out2,
                    level: level
                )
                for r in 0..<n {
                    #expect(
                        abs(Double(dots[r]) - exactDots[r]) <= tolerance(d + 1, magnitudes[r]),
                        "\(level) dot"
                    )
                    #expect(abs(Double(l2[r]) - exactL2[r]) <= tolerance(3 * d, exactL2[r]) + 1e-6, "\(level) L2")
                }
            }
        }
    }

    @Test("dispatched and portable kernels agree on 100 rows of d = 384 (the index's chunk scan)")
    func dispatchedAgreesWithPortable() {
        var rng = SeededGenerator(seed: 99)
        let d = 384
        let n = 100
        let query = rng.floats(d)
        let rows = halves(n * d, &rng)
        var portable = [Float](repeating: 0, count: n)
        var portableSpan = portable.mutableSpan
        CompactRowKernels.halfDots(
            query: query.span,
            rows: rows.span,
            dimension: d,
            into: &portableSpan,
            level: .baseline
        )
        for level in InstructionLevel.supported {
            var wide = [Float](repeating: 0, count: n)
            var wideSpan = wide.mutableSpan
            CompactRowKernels.halfDots(query: query.span, rows: rows.span, dimension: d, into: &wideSpan, level: level)
            for r in 0..<n {
                let magnitude = (0..<d).reduce(0.0) {
                    $0 + abs(Double(query[$1]) * Double(HalfBits.widen(rows[r * d + $1])))
                }
                // Both are within the bound of the exact value, so within twice it of each other.
                #expect(abs(Double(wide[r]) - Double(portable[r])) <= 2 * tolerance(d, magnitude), "\(level) row \(r)")
            }
        }
    }
}
