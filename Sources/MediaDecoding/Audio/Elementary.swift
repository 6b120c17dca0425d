// SPDX-License-Identifier: Apache-2.0

/// The few elementary functions the audio features need, in pure Swift (the module links no libm).
///
/// Sine and cosine use quarter-turn reduction and a short series, the natural logarithm the `atanh` series.
/// All are accurate to a few ulps in `Double`, far below the feature tolerances.
enum Elementary {
    static let ln2 = 0.693_147_180_559_945_309_417_232_121_458_18
    static let ln10 = 2.302_585_092_994_045_684_017_991_454_684_36

    /// sin(2π·turns), exact at multiples of a quarter turn.
    static func sineOfTurn(_ turns: Double) -> Double {
        var t = turns - turns.rounded(.down)
        var sign = 1.0
        if t >= 0.5 {
            t -= 0.5
            sign = -1
        }
        if t > 0.25 { t = 0.5 - t }
        if t == 0 { return 0 }
        if t == 0.25 { return sign }
        let x = 2 * Double.pi * t
        return sign * (x > .pi / 4 ? cosSeries(.pi / 2 - x) : sinSeries(x))
    }

    /// cos(2π·turns), exact at multiples of a quarter turn.
    static func cosineOfTurn(_ turns: Double) -> Double {
        sineOfTurn(turns + 0.25)
    }

    /// sin(x) for any finite x.
    static func sin(_ x: Double) -> Double { sineOfTurn(x / (2 * .pi)) }

    /// cos(x) for any finite x.
    static func cos(_ x: Double) -> Double { cosineOfTurn(x / (2 * .pi)) }

    /// The natural logarithm of a positive finite x; −∞ for 0.
    static func log(_ x: Double) -> Double {
        precondition(x >= 0, "log of a negative number")
        if x == 0 { return -.infinity }
        if !x.isFinite { return x }
        var m = x.significand  // [1, 2)
        var e = Double(x.exponent)
        if m > 2.0.squareRoot() {
            m /= 2
            e += 1
        }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var term = s
        var sum = s
        var k = 3.0
        for _ in 0..<14 {
            term *= s2
            sum += term / k
            k += 2
        }
        return 2 * sum + e * ln2
    }

    /// e^x for finite x (underflows to 0, overflows to +∞).
    static func exp(_ x: Double) -> Double {
        if x > 709.8 { return .infinity }
        if x < -745.2 { return 0 }
        let k = (x / ln2).rounded()
        let r = x - k * ln2
        var term = 1.0
        var sum = 1.0
        for n in 1...18 {
            term *= r / Double(n)
            sum += term
        }
        return sum * Double(sign: .plus, exponent: Int(k), significand: 1)
    }

    /// x^y for x > 0.
    static func pow(_ x: Double, _ y: Double) -> Double { exp(y * log(x)) }

    /// log10(x) for a positive finite x.
    static func log10(_ x: Double) -> Double { log(x) / ln10 }

    private static func sinSeries(_ x: Double) -> Double {
        let x2 = x * x
        var term = x
        var sum = x
        var n = 1.0
        for _ in 0..<10 {
            term *= -x2 / ((n + 1) * (n + 2))
            sum += term
            n += 2
        }
        return sum
    }

    private static func cosSeries(_ x: Double) -> Double {
        let x2 = x * x
        var term = 1.0
        var sum = 1.0
        var n = 0.0
        for _ in 0..<10 {
            term *= -x2 / ((n + 1) * (n + 2))
            sum += term
            n += 2
        }
        return sum
    }
}
