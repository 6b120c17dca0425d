// SPDX-License-Identifier: Apache-2.0

/// Kaldi-compatible log mel filter-bank features (`torchaudio.compliance.kaldi.fbank`), without dithering,
/// energy or VTLN.
///
/// Frames of ``frameLength`` samples every ``frameShift`` (only whole frames: Kaldi's `snip_edges`), each with
/// its mean removed, pre-emphasised (`y[i] = x[i] − c·x[i−1]`, `y[0] = x[0] − c·x[0]`), windowed, zero-padded to
/// the next power of two, turned into a power spectrum, filtered by ``MelFilterBank/kaldi(melCount:fftSize:sampleRate:lowFrequency:highFrequency:)``
/// and logged with a floor of `Float.ulpOfOne`.
public struct KaldiFbank: Sendable {
    /// The analysis window shape.
    public enum Window: Sendable, Hashable {
        /// The symmetric Hann window `0.5 − 0.5 cos(2πn / (N − 1))` (Kaldi `hanning`).
        case hanning
        /// Hann raised to the power 0.85 (Kaldi's default `povey`).
        case povey
        /// `0.54 − 0.46 cos(2πn / (N − 1))`.
        case hamming
        /// All ones.
        case rectangular
    }

    /// The sample rate in Hz.
    public let sampleRate: Int
    /// Samples per frame (25 ms at 16 kHz = 400).
    public let frameLength: Int
    /// Samples between frame starts (10 ms = 160).
    public let frameShift: Int
    /// The number of mel filters.
    public let melCount: Int
    /// The pre-emphasis coefficient.
    public let preemphasis: Double
    /// The filters.
    public let filters: MelFilterBank
    private let window: [Double]
    private let fft: FourierTransform

    /// Creates an extractor with Kaldi's defaults except where given.
    /// - Parameters:
    ///   - sampleRate: The sample rate in Hz.
    ///   - frameLengthMilliseconds: The frame length (25 ms).
    ///   - frameShiftMilliseconds: The frame shift (10 ms).
    ///   - melCount: The number of mel filters (Kaldi's default 23).
    ///   - window: The window shape (Kaldi's default ``Window/povey``).
    ///   - preemphasis: The pre-emphasis coefficient (0.97).
    ///   - lowFrequency: The lowest filter edge in Hz (20).
    ///   - highFrequency: The highest filter edge in Hz; zero or negative is an offset from Nyquist (0).
    /// - Precondition: The frame is at least 2 samples long and the shift positive.
    public init(
        sampleRate: Int = 16_000,
        frameLengthMilliseconds: Double = 25,
        frameShiftMilliseconds: Double = 10,
        melCount: Int = 23,
        window: Window = .povey,
        preemphasis: Double = 0.97,
        lowFrequency: Double = 20,
        highFrequency: Double = 0
    ) {
        let length = Int(Double(sampleRate) * frameLengthMilliseconds * 0.001)
        let shift = Int(Double(sampleRate) * frameShiftMilliseconds * 0.001)
        precondition(length >= 2 && shift > 0 && melCount > 0, "invalid frame parameters")
        var padded = 1
        while padded < length { padded <<= 1 }
        self.sampleRate = sampleRate
        frameLength = length
        frameShift = shift
        self.melCount = melCount
        self.preemphasis = preemphasis
        filters = .kaldi(
            melCount: melCount,
            fftSize: padded,
            sampleRate: sampleRate,
            lowFrequency: lowFrequency,
            highFrequency: highFrequency
        )
        let denominator = Double(length - 1)
        self.window = (0..<length).map { n in
            let hann = 0.5 - 0.5 * Elementary.cosineOfTurn(Double(n) / denominator)
            switch window {
            case .hanning: return hann
            case .povey: return hann > 0 ? Elementary.pow(hann, 0.85) : 0
            case .hamming: return 0.54 - 0.46 * Elementary.cosineOfTurn(Double(n) / denominator)
            case .rectangular: return 1
            }
        }
        fft = FourierTransform(count: padded)
    }

    /// ImageBind's settings: 16 kHz, 128 filters, Hann window, 25 ms / 10 ms, no dither.
    public static let imageBind = KaldiFbank(melCount: 128, window: .hanning)

    /// The number of frames for `sampleCount` samples: `1 + (sampleCount − frameLength) / frameShift`, or 0.
    /// - Parameter sampleCount: The signal length.
    /// - Returns: The frame count.
    public func frameCount(for sampleCount: Int) -> Int {
        sampleCount < frameLength ? 0 : 1 + (sampleCount - frameLength) / frameShift
    }

    /// Computes the features of a mono signal (float scale, as torchaudio takes it).
    /// - Parameter samples: The signal at ``sampleRate``.
    /// - Returns: A `1 × frames × melCount` tensor (frames by mel bins, like Kaldi and torchaudio).
    public func callAsFunction(_ samples: [Float]) -> PlanarTensor {
        let frames = frameCount(for: samples.count)
        let floor = Double(Float.ulpOfOne)
        var out = ContiguousArray<Float>(repeating: 0, count: frames * melCount)
        var frame = [Double](repeating: 0, count: fft.count)
        for t in 0..<frames {
            let start = t * frameShift
            var mean = 0.0
            for i in 0..<frameLength { mean += Double(samples[start + i]) }
            mean /= Double(frameLength)
            var previous = Double(samples[start]) - mean
            for i in 0..<frameLength {
                let x = Double(samples[start + i]) - mean
                frame[i] = (x - preemphasis * previous) * window[i]
                previous = x
            }
            let energies = filters.apply(fft.powerSpectrum(real: frame, bins: filters.frequencyBins))
            for m in 0..<melCount {
                out[t * melCount + m] = Float(Elementary.log(max(energies[m], floor)))
            }
        }
        return PlanarTensor(channels: 1, height: frames, width: melCount, values: out)
    }
}
