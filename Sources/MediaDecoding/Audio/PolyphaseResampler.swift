// SPDX-License-Identifier: Apache-2.0

/// Rational-ratio resampling with a Kaiser-windowed FIR, the algorithm of `scipy.signal.resample_poly` with its
/// defaults (`window=("kaiser", 5.0)`, `padtype="constant"`).
///
/// The rates are reduced to `up / down`; the filter has `2 × 10 × max(up, down) + 1` taps, cutoff
/// `1 / max(up, down)` of Nyquist, unit DC gain times `up`, and is applied as `upfirdn` with zero padding,
/// delay-compensated so the output has `ceil(n × up / down)` samples aligned with the input. Its stop band is
/// steeper than ``AudioResampler``'s (torchaudio) filter; the two results differ by up to about 1.6 % of full scale
/// on speech, so pick the one your model was trained with.
public struct PolyphaseResampler: Sendable {
    /// The input sample rate.
    public let inputRate: Int
    /// The output sample rate.
    public let outputRate: Int
    let up: Int
    let down: Int
    /// The FIR, with scipy's `n_pre_pad` leading zeros folded into `delay`.
    let filter: [Double]
    /// `n_pre_remove × down − n_pre_pad`: the filter index of output 0 is `delay − i × up` for input `i`.
    let delay: Int

    /// Designs the filter.
    /// - Parameters:
    ///   - inputRate: The input sample rate.
    ///   - outputRate: The output sample rate.
    ///   - beta: The Kaiser window's β (scipy's default 5).
    /// - Precondition: Positive rates, and `max(up, down) ≤ 100 000` after reduction (the filter has
    ///   `20 × max + 1` taps).
    public init(from inputRate: Int, to outputRate: Int, beta: Double = 5) {
        precondition(inputRate > 0 && outputRate > 0, "sample rates must be positive")
        var a = inputRate
        var b = outputRate
        while b != 0 { (a, b) = (b, a % b) }
        let up = outputRate / a
        let down = inputRate / a
        let largest = max(up, down)
        precondition(largest <= 100_000, "rate ratio \(up):\(down) needs too long a filter")
        let halfLength = 10 * largest
        let taps = 2 * halfLength + 1
        let cutoff = 1 / Double(largest)
        let center = Double(taps - 1) / 2
        let i0Beta = Self.besselI0(beta)
        var h = [Double](repeating: 0, count: taps)
        var sum = 0.0
        for n in 0..<taps {
            let m = Double(n) - center
            let x = cutoff * m
            let sinc = x == 0 ? 1 : Elementary.sineOfTurn(x / 2) / (.pi * x)
            let r = 2 * Double(n) / Double(taps - 1) - 1
            let window = Self.besselI0(beta * max(0, 1 - r * r).squareRoot()) / i0Beta
            h[n] = cutoff * sinc * window
            sum += h[n]
        }
        for n in 0..<taps { h[n] = h[n] / sum * Double(up) }
        let prePad = down - halfLength % down
        let preRemove = (halfLength + prePad) / down
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.up = up
        self.down = down
        filter = h
        delay = preRemove * down - prePad
    }

    /// The number of output samples for `inputCount` input samples, `ceil(inputCount × up / down)`.
    /// - Parameter inputCount: The number of input samples.
    /// - Returns: The output length.
    public func outputCount(for inputCount: Int) -> Int {
        (inputCount * up + down - 1) / down
    }

    /// The modified Bessel function of the first kind, order 0, by its power series.
    static func besselI0(_ x: Double) -> Double {
        let quarter = x * x / 4
        var term = 1.0
        var sum = 1.0
        var k = 1.0
        while term > sum * 1e-17 {
            term *= quarter / (k * k)
            sum += term
            k += 1
        }
        return sum
    }
}
