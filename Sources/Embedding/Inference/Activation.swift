// SPDX-License-Identifier: Apache-2.0

package import _RAGNumerics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An element-wise nonlinearity named by a config's `hidden_act`.
package enum Activation: Sendable, Equatable {
    /// Exact GELU, `0.5 x (1 + erf(x / √2))`.
    case gelu
    /// `x · σ(1.702 x)`, the activation of OpenAI's CLIP.
    case quickGELU

    /// The activation spelled `name` in a transformers config, or `nil` when not implemented.
    package init?(configName name: String) {
        switch name {
        case "gelu": self = .gelu
        case "quick_gelu": self = .quickGELU
        default: return nil
        }
    }

    /// Applies the activation to every element: above the baseline `level` with the dispatched C kernel (the same
    /// polynomials as ``VectorMath``, whose Swift lanes run at the baseline and are its oracle).
    package func apply(_ x: inout [Float], level: InstructionLevel = .current) {
        applyToArray(&x, level: level)
    }

    /// Exact GELU of one value (the vectorised kernel, one lane used).
    package static func gelu(_ x: Float) -> Float {
        VectorMath.gelu(SIMD8(repeating: x))[0]
    }

    /// `x · σ(1.702 x)` of one value (the vectorised kernel, one lane used).
    package static func quickGELU(_ x: Float) -> Float {
        VectorMath.quickGELU(SIMD8(repeating: x))[0]
    }

    /// Reference twin of ``gelu(_:)``: Float64 arithmetic with ``ErrorFunction/erf(_:)``, rounded once.
    package static func _geluReference(_ x: Float) -> Float {
        let d = Double(x)
        return Float(0.5 * d * (1 + ErrorFunction.erf(d * 0.707_106_781_186_547_5)))
    }

    /// Reference twin of ``quickGELU(_:)`` using libm's `exp`.
    package static func _quickGELUReference(_ x: Float) -> Float {
        Float(Double(x) / (1 + exp(-1.702 * Double(x))))
    }
}

/// The error function, written out so results do not depend on the platform's libm.
package enum ErrorFunction {
    /// erf(x) with a relative error below 1e-8 (absolute below 2e-9) over the whole real line.
    ///
    /// |x| < 1: the Maclaurin series `2/√π Σ (-1)ⁿ x²ⁿ⁺¹ / (n! (2n+1))`, 13 terms (truncation < 1e-11).
    /// 1 ≤ |x| < 6: `1 - erfc(x)` with `erfc(x) = exp(-x²) · P(1/x²) / x`, P a degree-14 least-squares
    /// polynomial fitted to `x · eˣ² · erfc(x)` on [1, 4] (relative error 1.1e-8 there); beyond 4 erfc is
    /// below 1.6e-8, so the fit's extrapolation error cannot reach a binary32 result.
    /// |x| ≥ 6: ±1.
    package static func erf(_ x: Double) -> Double {
        let a = abs(x)
        if a < 1 {
            let t = a * a
            var sum = 0.0
            // Horner over n = 12 ... 0 of (-1)ⁿ tⁿ / (n! (2n+1)).
            for n in stride(from: 12, through: 0, by: -1) {
                sum = sum * t + maclaurin[n]
            }
            return x * sum * 1.128_379_167_095_512_6
        }
        if a >= 6 { return x > 0 ? 1 : -1 }
        let w = 1 / (a * a)
        var p = 0.0
        for c in tail.reversed() { p = p * w + c }
        let erfc = exp(-a * a) * p / a
        return x > 0 ? 1 - erfc : erfc - 1
    }

    /// The Maclaurin coefficients (-1)ⁿ / (n! (2n+1)) for n = 0 through 12.
    private static let maclaurin: [Double] = (0...12).map { n in
        var factorial = 1.0
        for i in stride(from: 1, through: n, by: 1) { factorial *= Double(i) }
        return (n % 2 == 0 ? 1.0 : -1.0) / (factorial * Double(2 * n + 1))
    }

    /// Coefficients (constant first) of P(w) ≈ x · eˣ² · erfc(x), w = 1/x², fitted on 1 ≤ x ≤ 4.
    private static let tail: [Double] = [
        0.5641877823933732, -0.28197246169767265, 0.41942367181236007, -0.9895608769413637, 2.8306993050805915,
        -8.102680326789653, 20.502626569166498, -42.73401628106929, 70.422470611741, -89.1169554173125,
        84.14901585265034, -57.09588916914518, 26.220287801963714, -7.282333345372945, 0.9222798642745601,
    ]
}
