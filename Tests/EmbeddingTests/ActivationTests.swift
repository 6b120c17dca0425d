// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGNumerics

@Suite struct ActivationTests {
    @Test("erf matches libm's to 2e-9 absolute over [-8, 8]")
    func erfAccuracy() {
        var worst = 0.0
        var x = -8.0
        while x <= 8 {
            worst = max(worst, abs(ErrorFunction.erf(x) - Foundation.erf(x)))
            x += 0.000_37
        }
        #expect(worst < 2e-9, "worst \(worst)")
        #expect(ErrorFunction.erf(0) == 0)
        #expect(ErrorFunction.erf(-0.5) == -ErrorFunction.erf(0.5))
        #expect(ErrorFunction.erf(50) == 1 && ErrorFunction.erf(-50) == -1)
    }

    @Test("GELU is exact-erf GELU within one float ulp-ish; quick GELU is x·σ(1.702x)")
    func activations() {
        for x: Float in stride(from: -10, through: 10, by: 0.013) {
            let d = Double(x)
            let gelu = 0.5 * d * (1 + Foundation.erf(d / 2.0.squareRoot()))
            #expect(abs(Double(Activation.gelu(x)) - gelu) <= 2e-7 * max(1, abs(gelu)))
            let quick = d / (1 + Foundation.exp(-1.702 * d))
            #expect(abs(Double(Activation.quickGELU(x)) - quick) <= 1e-6 * max(1, abs(quick)))
        }
        #expect(Activation(configName: "gelu") == .gelu)
        #expect(Activation(configName: "quick_gelu") == .quickGELU)
        #expect(Activation(configName: "relu") == nil)
        var values: [Float] = [-1, 0, 1]
        Activation.gelu.apply(&values)
        #expect(values[1] == 0 && values[2] > 0.84 && values[0] < -0.15)
    }
}

@Suite struct VectorMathTests {
    @Test("SIMD exp is within 3e-7 relative of libm over [-87, 88]")
    func exp() {
        var worst = 0.0
        var y: Float = -87
        while y <= 87.9 {
            let lanes = SIMD8<Float>((0..<8).map { y + Float($0) * 0.0013 })
            let e = VectorMath.exp(lanes)
            for j in 0..<8 {
                let reference = Foundation.exp(Double(lanes[j]))
                worst = max(worst, abs(Double(e[j]) - reference) / reference)
            }
            y += 0.0173
        }
        #expect(worst < 3e-7, "worst relative error \(worst)")
        let extremes = VectorMath.exp(SIMD8(-1000, -88, 88.5, 1000, 0, -.infinity, 1, -1))
        #expect(extremes[0] == 0 && extremes[5] == 0 && extremes[3].isFinite && extremes[4] == 1)
        #expect(VectorMath.exp(SIMD8(repeating: .nan))[0].isNaN)
    }

    @Test("vectorised GELU and quick GELU match their Float64 reference twins")
    func activationsMatchReferences() {
        var worstGELU: Float = 0
        var worstQuick: Float = 0
        for x: Float in stride(from: -12, through: 12, by: 0.000_71) {
            let g = Activation._geluReference(x)
            worstGELU = max(worstGELU, abs(Activation.gelu(x) - g) / max(1, abs(g)))
            let q = Activation._quickGELUReference(x)
            worstQuick = max(worstQuick, abs(Activation.quickGELU(x) - q) / max(1, abs(q)))
        }
        #expect(worstGELU < 3e-7, "gelu \(worstGELU)")
        #expect(worstQuick < 3e-7, "quick gelu \(worstQuick)")
        // Small negative outputs keep their relative accuracy (no 1 + erf cancellation).
        for x: Float in [-3, -4, -5] {
            let g = Activation._geluReference(x)
            #expect(abs(Activation.gelu(x) - g) <= 1e-5 * abs(g), "gelu(\(x))")
        }
        var odd: [Float] = [-1, 0.5, 2, 3, 4, 5, 6, 7, 8, -9, 10]  // 11 values: one SIMD block and a tail
        let expected = odd.map(Activation.gelu)
        Activation.gelu.apply(&odd, level: .baseline)  // the Swift lanes; ActivationKernelTests checks the others
        #expect(odd == expected)
    }
}
