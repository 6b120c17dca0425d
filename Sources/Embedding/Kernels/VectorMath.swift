// SPDX-License-Identifier: Apache-2.0

/// Vectorised element-wise functions (eight lanes at a time) for activations and softmax.
///
/// libm's scalar `expf`/`erf` cost 10–30 ns per call, which made GELU 40 % of a MiniLM forward pass. These
/// versions use only SIMD multiply/add, so they vectorise at the x86-64 baseline; their scalar references are
/// `ErrorFunction.erf` (Float64) and libm, against which the tests check them.
package enum VectorMath {
    /// `eʸ` with a relative error of about 2 ulp for `y` in [-87, 88]; 0 below -87 and e⁸⁸ above 88 (never inf).
    ///
    /// `y = n·ln 2 + r` with `n` rounded to nearest (the 1.5·2²³ trick, whose low mantissa bits then hold `n`),
    /// `|r| <= ln2 / 2`, `eʳ` by its degree-7 Taylor polynomial (truncation < 3e-9), and `2ⁿ` built from bits.
    @inline(__always)
    package static func exp(_ y: SIMD8<Float>) -> SIMD8<Float> {
        // Compare-and-select rather than `clamped`, whose generic min/max were not inlined.
        let low = y.replacing(with: -87, where: y .< -87)  // NaN stays NaN
        let clamped = low.replacing(with: 88, where: low .> 88)
        let shifted = clamped * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = clamped - n * 0.693_145_751_953_125 - n * 1.428_606_765_330_187e-6
        var p = SIMD8<Float>(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let exponent = unsafe unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafe unsafeBitCast((exponent &+ 127) &<< 23, to: SIMD8<Float>.self)
        return (p * scale).replacing(with: 0, where: y .< -87)
    }

    /// Maclaurin coefficients of erf(x)·√π/2 / x in x²: (-1)ⁿ / (n! (2n+1)), n = 0 … 11.
    private static let maclaurin: [Float] = (0...11).map { n in
        var factorial = 1.0
        for i in stride(from: 1, through: n, by: 1) { factorial *= Double(i) }
        return Float((n % 2 == 0 ? 1.0 : -1.0) / (factorial * Double(2 * n + 1)))
    }

    /// Chebyshev coefficients of R(x) = eˣ² erfc(x) on 1 ≤ x ≤ 4 in s = (2x − 5) / 3 (least-squares fit, degree 12;
    /// relative error 1.4e-7 when evaluated in Float by Clenshaw's recurrence).
    private static let tail: [Float] = [
        0.2444257528166455, -0.13589862853759976, 0.035635114082718536, -0.008884098231185578,
        0.002118423929715061, -0.00048539835775315935, 0.00010727368288654203, -2.2936193094025885e-05,
        4.7567964692269825e-06, -9.584887148280513e-07, 1.8820006032115943e-07, -3.541735964331096e-08,
        6.63224602049713e-09,
    ]

    /// `1 + erf(z)`, computed without cancellation for negative `z` (where it equals erfc(|z|)).
    @inline(__always)
    static func onePlusErf(_ z: SIMD8<Float>) -> SIMD8<Float> {
        let negative = z .< 0
        let a = z.replacing(with: -z, where: negative)
        // |z| < 1: odd Maclaurin series.
        let t = a * a
        var series = SIMD8<Float>(repeating: maclaurin[11])
        for n in stride(from: 10, through: 0, by: -1) { series = series * t + maclaurin[n] }
        let small = a * series * 1.128_379_167_095_512_6
        // |z| >= 1: erfc(a) = e^(−a²) R(a), R clamped to its fitted range (erfc(4) < 2e-8 already).
        let inRange = a.replacing(with: 1, where: a .< 1).replacing(with: 4, where: a .> 4)
        let s = (inRange * 2 - 5) * (1.0 / 3)
        var b1 = SIMD8<Float>()
        var b2 = SIMD8<Float>()
        for k in stride(from: 12, through: 1, by: -1) {
            let b0 = 2 * s * b1 - b2 + tail[k]
            b2 = b1
            b1 = b0
        }
        let erfc = exp(-t) * (s * b1 - b2 + tail[0])
        let large = (2 - erfc).replacing(with: erfc, where: negative)
        let nearZero = (1 + small).replacing(with: 1 - small, where: negative)
        return large.replacing(with: nearZero, where: a .< 1)
    }

    /// Exact-erf GELU, `0.5 x (1 + erf(x / √2))`, of eight values.
    @inline(__always)
    package static func gelu(_ x: SIMD8<Float>) -> SIMD8<Float> {
        0.5 * x * onePlusErf(x * 0.707_106_781_186_547_5)
    }

    /// `x · σ(1.702 x)` of eight values.
    @inline(__always)
    package static func quickGELU(_ x: SIMD8<Float>) -> SIMD8<Float> {
        x / (1 + exp(-1.702 * x))
    }

    /// Replaces each of the `count` values at `base` with `f` of it, eight at a time (the tail zero-padded): the
    /// portable path of ``Activation/apply(_:count:level:)``.
    @inline(__always)
    static func transform(_ base: UnsafeMutablePointer<Float>, count: Int, _ f: (SIMD8<Float>) -> SIMD8<Float>) {
        let raw = UnsafeMutableRawPointer(base)
        var i = 0
        while i &+ 8 <= count {
            let v = unsafe raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            unsafe raw.storeBytes(of: f(v), toByteOffset: i &* 4, as: SIMD8<Float>.self)
            i &+= 8
        }
        if i < count {
            var v = SIMD8<Float>()
            for j in 0..<(count &- i) { v[j] = unsafe base[i &+ j] }
            let y = f(v)
            for j in 0..<(count &- i) { unsafe base[i &+ j] = y[j] }
        }
    }
}
