// SPDX-License-Identifier: Apache-2.0

/// Whisper's log-mel spectrogram input, as transformers' `WhisperFeatureExtractor` computes it.
///
/// The 16 kHz signal is zero-padded (or cut) to ``sampleCount`` samples, reflect-padded by `fftSize / 2` at both
/// ends, framed every ``hopLength`` samples with a periodic Hann window of ``fftSize``, and turned into a power
/// spectrum; Slaney mel filters give ``melCount`` energies per frame; then `log10(max(e, 1e-10))`, values below
/// the global maximum − 8 are raised to it, and everything is mapped by `(x + 4) / 4`. The last STFT frame is
/// dropped, so 30 s give exactly 3000 frames.
///
/// ```swift
/// let features = WhisperLogMel()(audio.downmixedToMono().resampled(to: 16_000).samples)   // 1 × 80 × 3000
/// ```
public struct WhisperLogMel: Sendable {
    /// The sample rate the input must have.
    public let sampleRate = 16_000
    /// The FFT length and window size (400 = 25 ms).
    public let fftSize: Int
    /// The frame step (160 = 10 ms).
    public let hopLength: Int
    /// The number of mel filters (80, or 128 for large-v3).
    public let melCount: Int
    /// The padded input length (30 s).
    public let sampleCount: Int
    /// The filters, Slaney scale and normalisation over 0–8 kHz.
    public let filters: MelFilterBank
    private let window: [Double]
    private let fft: FourierTransform

    /// Creates an extractor.
    /// - Parameters:
    ///   - melCount: The number of mel filters.
    ///   - fftSize: The FFT length.
    ///   - hopLength: The frame step.
    ///   - sampleCount: The length the input is padded or cut to.
    /// - Precondition: Positive sizes with `sampleCount > fftSize / 2` (the reflection needs that many samples).
    public init(melCount: Int = 80, fftSize: Int = 400, hopLength: Int = 160, sampleCount: Int = 480_000) {
        precondition(melCount > 0 && fftSize > 1 && hopLength > 0 && sampleCount > fftSize / 2, "invalid sizes")
        self.melCount = melCount
        self.fftSize = fftSize
        self.hopLength = hopLength
        self.sampleCount = sampleCount
        filters = .slaney(
            melCount: melCount,
            fftSize: fftSize,
            sampleRate: 16_000,
            minFrequency: 0,
            maxFrequency: 8_000
        )
        window = (0..<fftSize).map { 0.5 - 0.5 * Elementary.cosineOfTurn(Double($0) / Double(fftSize)) }
        fft = FourierTransform(count: fftSize)
    }

    /// The number of output frames, `sampleCount / hopLength`.
    public var frameCount: Int { sampleCount / hopLength }

    /// Computes the features of a 16 kHz mono signal.
    /// - Parameter samples: The signal; longer inputs are cut to ``sampleCount``.
    /// - Returns: A `1 × melCount × frameCount` tensor (mel bins by frames).
    public func callAsFunction(_ samples: [Float]) -> PlanarTensor {
        let n = sampleCount
        let half = fftSize / 2
        var padded = [Double](repeating: 0, count: n + 2 * half)
        for i in 0..<min(samples.count, n) { padded[half + i] = Double(samples[i]) }
        for k in 1...half {
            padded[half - k] = padded[half + k]
            padded[half + n - 1 + k] = padded[half + n - 1 - k]
        }
        let frames = frameCount
        let bins = fftSize / 2 + 1
        var logMel = [Double](repeating: 0, count: melCount * frames)
        var largest = -Double.infinity
        var frame = [Double](repeating: 0, count: fftSize)
        let silent = Elementary.log10(1e-10)
        for t in 0..<frames {
            let start = t * hopLength
            var anyNonZero = false
            for i in 0..<fftSize {
                let v = padded[start + i]
                if v != 0 { anyNonZero = true }
                frame[i] = v * window[i]
            }
            var energies: [Double]
            if anyNonZero {
                energies = filters.apply(fft.powerSpectrum(real: frame, bins: bins))
            } else {
                energies = [Double](repeating: 0, count: melCount)
            }
            for m in 0..<melCount {
                let e = energies[m]
                let value = e > 1e-10 ? Elementary.log10(e) : silent
                logMel[m * frames + t] = value
                largest = max(largest, value)
            }
        }
        let floor = largest - 8
        let values = ContiguousArray(logMel.map { Float((max($0, floor) + 4) / 4) })
        return PlanarTensor(channels: 1, height: melCount, width: frames, values: values)
    }
}
