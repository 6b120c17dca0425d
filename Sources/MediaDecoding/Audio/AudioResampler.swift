// SPDX-License-Identifier: Apache-2.0

/// Band-limited sample-rate conversion with a Hann-windowed sinc, the algorithm (and defaults) of
/// `torchaudio.functional.resample(..., resampling_method="sinc_interp_hann")`.
///
/// The rates are reduced by their GCD to `p` input : `q` output samples. Output phase `j` of every group uses
/// its own kernel over input offsets `−width ..< p + width`: with `f = min(p, q) × rolloff` and
/// `t = clamp((k/p − j/q) × f, ±lowpassFilterWidth)`, the weight is
/// `sinc(πt) × cos(πt / (2 × lowpassFilterWidth))² × f / p`. The signal is zero-padded at both ends and the
/// output has `ceil(q × n / p)` samples.
///
/// ```swift
/// let resampler = AudioResampler(from: 22_050, to: 16_000)
/// let sixteenK = resampler.resample(samples)
/// ```
public struct AudioResampler: Sendable {
    /// The input sample rate.
    public let inputRate: Int
    /// The output sample rate.
    public let outputRate: Int
    private let inputStep: Int
    private let outputStep: Int
    private let width: Int
    /// Per output phase: the first tap offset with a non-zero weight.
    private let firstTap: [Int]
    /// The taps stored per phase (the table's row length).
    private let stride: Int
    /// `outputStep × stride` weights; taps outside a phase's support are zero.
    private let kernel: ContiguousArray<Float>

    /// Precomputes the polyphase kernels.
    ///
    /// Only the taps inside each phase's sinc support are stored (about `2 × lowpassFilterWidth × p / min(p, q)`),
    /// so awkward ratios such as 44 101 → 16 000 Hz stay small; skipping torchaudio's zero taps does not change
    /// the result.
    /// - Parameters:
    ///   - inputRate: The input sample rate.
    ///   - outputRate: The output sample rate.
    ///   - lowpassFilterWidth: Zero crossings of the sinc on each side (torchaudio's default 6).
    ///   - rolloff: The cutoff as a fraction of the lower Nyquist frequency (torchaudio's default 0.99).
    /// - Precondition: Positive rates, `lowpassFilterWidth > 0`, `0 < rolloff ≤ 1`.
    public init(from inputRate: Int, to outputRate: Int, lowpassFilterWidth: Int = 6, rolloff: Double = 0.99) {
        precondition(inputRate > 0 && outputRate > 0, "sample rates must be positive")
        precondition(lowpassFilterWidth > 0 && rolloff > 0 && rolloff <= 1, "invalid filter parameters")
        var a = inputRate
        var b = outputRate
        while b != 0 { (a, b) = (b, a % b) }
        let p = inputRate / a
        let q = outputRate / a
        let base = Double(min(p, q)) * rolloff
        let width = Int((Double(lowpassFilterWidth) * Double(p) / base).rounded(.up))
        let taps = 2 * width + p
        let reach = Double(lowpassFilterWidth) * Double(p) / base
        let stride = Int((2 * reach).rounded(.up)) + 3
        var firstTap = [Int](repeating: 0, count: q)
        var kernel = ContiguousArray<Float>(repeating: 0, count: q * stride)
        // Built in Float with torchaudio's order of operations, so the kernel matches its float32 kernel.
        let limit = Float(lowpassFilterWidth)
        let baseFloat = Float(base)
        let scale = Float(base / Double(p))
        for j in 0..<q {
            let center = Double(width) + Double(j) * Double(p) / Double(q)
            let low = max(0, Int((center - reach).rounded(.down)) - 1)
            let high = min(taps, low + stride)
            firstTap[j] = low
            let phase = Float(-j) / Float(q)
            for k in low..<high {
                var t = (phase + Float(k - width) / Float(p)) * baseFloat
                t = min(max(t, -limit), limit)
                let c = Float(Elementary.cos(Double(t * Float.pi / limit / 2)))
                let window = c * c
                let x = t * Float.pi
                let sinc = x == 0 ? 1 : Float(Elementary.sin(Double(x))) / x
                kernel[j * stride + k - low] = sinc * (window * scale)
            }
        }
        self.inputRate = inputRate
        self.outputRate = outputRate
        inputStep = p
        outputStep = q
        self.width = width
        self.firstTap = firstTap
        self.stride = stride
        self.kernel = kernel
    }

    /// The number of output samples for `inputCount` input samples, `ceil(q × inputCount / p)`.
    /// - Parameter inputCount: The number of input samples.
    /// - Returns: The output length.
    public func outputCount(for inputCount: Int) -> Int {
        (outputStep * inputCount + inputStep - 1) / inputStep
    }

    /// Resamples one channel.
    /// - Parameter samples: The input signal at ``inputRate``.
    /// - Returns: ``outputCount(for:)`` samples at ``outputRate``.
    public func resample(_ samples: [Float]) -> [Float] {
        if inputStep == outputStep { return samples }
        let count = outputCount(for: samples.count)
        // Zero padding: `width` in front, and behind up to the last tap the last output reads.
        let lastStart = (max(count, 1) - 1) / outputStep * inputStep + (firstTap.max() ?? 0)
        var padded = ContiguousArray<Float>(repeating: 0, count: max(samples.count + width, lastStart + stride))
        padded.replaceSubrange(width..<(width + samples.count), with: samples)
        var output = [Float](repeating: 0, count: count)
        let signal = padded.span
        let filters = kernel.span
        for o in 0..<count {
            let group = o / outputStep
            let phase = o - group * outputStep
            let start = group * inputStep + firstTap[phase]
            output[o] = SignalKernels.dot(
                signal.extracting(start..<(start + stride)),
                filters.extracting((phase * stride)..<((phase + 1) * stride))
            )
        }
        return output
    }
}
