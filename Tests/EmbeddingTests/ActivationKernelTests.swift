// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGNumerics
import _RAGTestSupport

@testable import Embedding

/// The dispatched GELU, quick GELU, softmax and layer-norm kernels (`_RAGKernelsC/ActivationTemplate.h`) at every
/// instruction level this machine supports, against the portable Swift lanes (`.baseline`, what
/// `MMRAG_ISA=baseline` runs) and Float64 references, on every length 1…40 (past twice the AVX-512 width) and a
/// few odd and model-sized ones, with the data one element past an aligned start and a sentinel after it.
///
/// Tolerances: the kernels use the Swift polynomials with fused multiply-adds, which round once where the Swift
/// lanes round twice, so results differ by a few ulp. Over about 200,000 random values each the worst relative
/// differences were 8.0e-7 for GELU (its erfc's exp), 3.1e-7 for quick GELU, 5.0e-7 for probabilities and 1.2e-7 of
/// `|x̂·γ| + |β|` (the terms the last fused step adds) for layer norm; the bounds here are 2e-6, 1e-6, 2e-6 and
/// 1e-6. Masked softmax entries are exactly 0 at every level. `.ci/run asan` runs this suite under
/// AddressSanitizer, which turns a read or write past the stated lengths into a failure.
@Suite struct ActivationKernelTests {
    static let lengths = Array(1...40) + [63, 64, 65, 77, 384, 1537]

    /// Random values mixing the activations' regimes: around zero, the |z| = 1 and 4 switch points of the erf
    /// approximation, the exp clamps at −87 / 88, large magnitudes, signed zeros.
    private func activationInputs(_ count: Int, _ rng: inout SeededGenerator) -> [Float] {
        (0..<count).map { i in
            switch i % 9 {
            case 0: rng.nextGaussian()
            case 1: rng.nextGaussian() * 4
            case 2: 1.414_213_5 * (1 + rng.nextSignedUnitFloat() * 0.01)  // x/√2 near 1
            case 3: -5.657 + rng.nextSignedUnitFloat() * 0.1  // x/√2 near −4
            case 4: rng.nextSignedUnitFloat() * 120  // past the exp clamps in quick GELU
            case 5: rng.nextSignedUnitFloat() * 1e6
            case 6: i % 2 == 0 ? 0 : -0.0
            case 7: rng.nextSignedUnitFloat() * 1e-6
            default: -3 - rng.nextSignedUnitFloat() * 3  // small negative outputs
            }
        }
    }

    @Test("GELU and quick GELU at every level match the Swift lanes and the Float64 references", arguments: lengths)
    func activations(count n: Int) {
        var rng = SeededGenerator(seed: UInt64(n) &* 7 &+ 1)
        let input = activationInputs(n, &rng)
        for activation in [Activation.gelu, .quickGELU] {
            var portable = [0] + input
            unsafe portable.withUnsafeMutableBufferPointer {
                unsafe activation.apply($0.baseAddress! + 1, count: n, level: .baseline)
            }
            for level in InstructionLevel.supported {
                // One value in front (the kernel starts one float past an aligned start) and a sentinel behind.
                var values = [0] + input + [.nan]
                unsafe values.withUnsafeMutableBufferPointer {
                    unsafe activation.apply($0.baseAddress! + 1, count: n, level: level)
                }
                #expect(values[0] == 0 && values[n + 1].isNaN, "\(level) \(activation): wrote outside")
                for i in 0..<n {
                    let (got, swift) = (values[1 + i], portable[1 + i])
                    let reference =
                        activation == .gelu
                        ? Activation._geluReference(input[i]) : Activation._quickGELUReference(input[i])
                    let relative: Float = activation == .gelu ? 2e-6 : 1e-6
                    #expect(
                        abs(got - swift) <= relative * max(abs(swift), .leastNormalMagnitude),
                        "\(level) \(activation)(\(input[i])) = \(got), Swift \(swift)"
                    )
                    #expect(
                        abs(got - reference) <= 5e-7 * max(1, abs(reference)),
                        "\(level) \(activation)(\(input[i])) = \(got), reference \(reference)"
                    )
                }
            }
        }
    }

    @Test("GELU at every level stays within 3e-7 of the Float64 reference over [-12, 12]")
    func geluSweep() {
        let xs = Array(stride(from: Float(-12), through: 12, by: 0.000_71))
        for level in InstructionLevel.supported {
            var gelu = xs
            Activation.gelu.apply(&gelu, level: level)
            var quick = xs
            Activation.quickGELU.apply(&quick, level: level)
            var worstGELU: Float = 0
            var worstQuick: Float = 0
            for (i, x) in xs.enumerated() {
                let g = Activation._geluReference(x)
                worstGELU = max(worstGELU, abs(gelu[i] - g) / max(1, abs(g)))
                let q = Activation._quickGELUReference(x)
                worstQuick = max(worstQuick, abs(quick[i] - q) / max(1, abs(q)))
            }
            #expect(worstGELU < 3e-7, "\(level) gelu \(worstGELU)")
            #expect(worstQuick < 3e-7, "\(level) quick gelu \(worstQuick)")
        }
    }

    /// Softmax of `rows` rows of `width` (stride `stride`) at `level`, the padding between rows set to a sentinel.
    private func softmax(_ rows: [[Float]], stride: Int, level: InstructionLevel) -> [Float] {
        let width = rows.first?.count ?? 0
        var buffer = [Float](repeating: .nan, count: 1 + rows.count * stride)
        for (r, row) in rows.enumerated() {
            for j in 0..<width { buffer[1 + r * stride + j] = row[j] }
        }
        unsafe buffer.withUnsafeMutableBufferPointer {
            unsafe Softmax.apply($0.baseAddress! + 1, rows: rows.count, width: width, stride: stride, level: level)
        }
        return buffer
    }

    @Test("softmax rows at every level match the Swift lanes, masked entries exactly 0", arguments: lengths)
    func softmaxRows(width w: Int) {
        var rng = SeededGenerator(seed: UInt64(w) &* 13 &+ 3)
        // Row 0 ordinary scores, row 1 large magnitudes with −∞ entries, row 2 all −∞, row 3 one finite entry.
        var rows: [[Float]] = [
            (0..<w).map { _ in rng.nextGaussian() * 3 },
            (0..<w).map { j in j % 3 == 1 ? -.infinity : rng.nextSignedUnitFloat() * 1e4 },
            [Float](repeating: -.infinity, count: w),
            (0..<w).map { j in j == w / 2 ? 500 : -.infinity },
        ]
        if w > 1 { rows[1][0] = 3e38 }
        for stride in [w, w + 3] {
            let portable = softmax(rows, stride: stride, level: .baseline)
            for level in InstructionLevel.supported {
                let got = softmax(rows, stride: stride, level: level)
                #expect(got[0].isNaN, "\(level): wrote before the rows")
                for r in rows.indices {
                    var sum: Double = 0
                    for j in 0..<stride {
                        let (a, b) = (got[1 + r * stride + j], portable[1 + r * stride + j])
                        guard j < w else {
                            #expect(a.isNaN, "\(level) width \(w) stride \(stride): wrote the padding")
                            continue
                        }
                        sum += Double(a)
                        if rows[r][j] == -.infinity {
                            #expect(a == 0, "\(level) row \(r) entry \(j): masked entry \(a)")
                        } else {
                            #expect(abs(a - b) <= 2e-6 * b + 1e-38, "\(level) row \(r) entry \(j): \(a) vs \(b)")
                        }
                    }
                    if r != 2 { #expect(abs(sum - 1) < 2e-6, "\(level) row \(r) sums to \(sum)") }
                }
            }
        }
    }

    @Test("softmax gives a row the same bits however far it is padded with masked keys")
    func softmaxPaddingInvariance() {
        var rng = SeededGenerator(seed: 41)
        for level in InstructionLevel.supported {
            for w in [1, 5, 16, 17, 31, 32, 33] {
                let row = (0..<w).map { _ in rng.nextGaussian() * 2 }
                let alone = softmax([row], stride: w, level: level)
                for padding in [1, 7, 15, 16, 40] {
                    let padded = softmax(
                        [row + [Float](repeating: -.infinity, count: padding)],
                        stride: w + padding,
                        level: level
                    )
                    for j in 0..<w {
                        #expect(padded[1 + j].bitPattern == alone[1 + j].bitPattern, "\(level) w \(w) pad \(padding)")
                    }
                }
            }
        }
    }

    @Test("layer norm at every level matches the Swift loop, in place and into another buffer", arguments: lengths)
    func layerNorm(size d: Int) {
        var rng = SeededGenerator(seed: UInt64(d) &* 17 &+ 11)
        let rows = 5
        let norm = LayerNorm(
            weight: ContiguousArray((0..<d).map { _ in rng.nextGaussian() }),
            bias: ContiguousArray((0..<d).map { _ in rng.nextGaussian() * 0.1 }),
            epsilon: d % 2 == 0 ? 1e-12 : 1e-5
        )
        // Rows: ordinary, a large offset with a small spread (the Float64 sums matter), huge values, constant.
        var input: [Float] = []
        input += (0..<d).map { _ in rng.nextGaussian() }
        input += (0..<d).map { _ in 1000 + rng.nextGaussian() * 1e-3 }
        input += (0..<d).map { _ in rng.nextSignedUnitFloat() * 1e30 }
        input += [Float](repeating: 7, count: d)
        input += (0..<d).map { _ in rng.nextSignedUnitFloat() * 1e-20 }
        var portable = input
        norm.apply(&portable, level: .baseline)
        for level in InstructionLevel.supported {
            var inPlace = input
            norm.apply(&inPlace, level: level)
            // The pointer form, one float past an aligned start, into a separate buffer with sentinels around it.
            let source = [0] + input
            var destination = [Float](repeating: .nan, count: rows * d + 2)
            unsafe source.withUnsafeBufferPointer { from in
                unsafe destination.withUnsafeMutableBufferPointer { to in
                    unsafe norm.apply(rows: rows, from: from.baseAddress! + 1, to: to.baseAddress! + 1, level: level)
                }
            }
            #expect(destination[0].isNaN && destination[rows * d + 1].isNaN, "\(level): wrote outside")
            for r in 0..<rows {
                for j in 0..<d {
                    let i = r * d + j
                    let expected = portable[i]
                    let scale = abs(expected - norm.bias[j]) + abs(norm.bias[j])
                    #expect(abs(inPlace[i] - expected) <= 1e-6 * scale + 1e-30, "\(level) [\(r), \(j)] in place")
                    #expect(destination[1 + i] == inPlace[i], "\(level) [\(r), \(j)]: pointer form differs")
                }
            }
        }
    }

    @Test("layer norm at every level against a Float64 computation")
    func layerNormReference() {
        var rng = SeededGenerator(seed: 5)
        for d in [3, 17, 384, 768] {
            let gamma = (0..<d).map { _ in rng.nextGaussian() }
            let beta = (0..<d).map { _ in rng.nextGaussian() * 0.1 }
            let norm = LayerNorm(weight: ContiguousArray(gamma), bias: ContiguousArray(beta), epsilon: 1e-12)
            let x = (0..<d).map { _ in 50 + rng.nextGaussian() * 0.01 }
            let mean = x.reduce(0.0) { $0 + Double($1) } / Double(d)
            let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(d)
            for level in InstructionLevel.supported {
                var y = x
                norm.apply(&y, level: level)
                for j in 0..<d {
                    let exact =
                        (Double(x[j]) - mean) / (variance + 1e-12).squareRoot() * Double(gamma[j]) + Double(beta[j])
                    // x − mean rounds to Float32 against a Float32 mean: a relative error of 2⁻²⁴·|x| / |x − mean|.
                    let tolerance = 4e-7 * 50 / 0.01 * abs(Double(gamma[j])) + 1e-6
                    #expect(abs(Double(y[j]) - exact) <= tolerance, "\(level) d \(d) [\(j)]")
                }
            }
        }
    }

    @Test("empty inputs and zero rows touch nothing at any level")
    func emptyInputs() {
        for level in InstructionLevel.supported {
            var empty: [Float] = []
            Activation.gelu.apply(&empty, level: level)
            #expect(empty.isEmpty)
            #expect(Softmax.of([], level: level).isEmpty)
            var one: [Float] = [3]
            unsafe one.withUnsafeMutableBufferPointer {
                unsafe Softmax.apply($0.baseAddress!, rows: 0, width: 1, stride: 1, level: level)
            }
            #expect(one == [3])
        }
    }
}
