// SPDX-License-Identifier: Apache-2.0

/// Triangular mel filters over the bins of a power spectrum: `mel[m] = Σ_k weights[m × frequencyBins + k] × power[k]`.
///
/// ```swift
/// let whisper = MelFilterBank.slaney(melCount: 80, fftSize: 400, sampleRate: 16_000)
/// let kaldi = MelFilterBank.kaldi(melCount: 128, fftSize: 512, sampleRate: 16_000)
/// ```
public struct MelFilterBank: Sendable, Hashable {
    /// The number of mel filters.
    public let melCount: Int
    /// The number of spectrum bins each filter spans (`fftSize / 2 + 1`).
    public let frequencyBins: Int
    /// The weights, one row of ``frequencyBins`` per filter.
    public let weights: [Double]
    /// Per filter, the bins with non-zero weight (filters are narrow: this skips most of each row).
    let support: [Range<Int>]

    /// Creates a filter bank from explicit weights.
    /// - Parameters:
    ///   - melCount: The number of filters.
    ///   - frequencyBins: The number of spectrum bins per filter.
    ///   - weights: `melCount × frequencyBins` weights, filter by filter.
    /// - Precondition: The weight count matches.
    public init(melCount: Int, frequencyBins: Int, weights: [Double]) {
        precondition(
            melCount > 0 && frequencyBins > 0 && weights.count == melCount * frequencyBins,
            "bad filter bank shape"
        )
        self.melCount = melCount
        self.frequencyBins = frequencyBins
        self.weights = weights
        support = (0..<melCount).map { m in
            let row = weights[(m * frequencyBins)..<((m + 1) * frequencyBins)]
            guard let first = row.firstIndex(where: { $0 != 0 }), let last = row.lastIndex(where: { $0 != 0 }) else {
                return 0..<0
            }
            return (first - m * frequencyBins)..<(last - m * frequencyBins + 1)
        }
    }

    /// Slaney-scale filters with Slaney area normalisation (librosa's default, `transformers`'
    /// `mel_filter_bank(norm="slaney", mel_scale="slaney")`, Whisper's filters).
    /// - Parameters:
    ///   - melCount: The number of filters.
    ///   - fftSize: The FFT length; the filters span its `fftSize / 2 + 1` bins, spaced evenly over 0…sampleRate/2.
    ///   - sampleRate: The sample rate in Hz.
    ///   - minFrequency: The lower edge of the first filter in Hz.
    ///   - maxFrequency: The upper edge of the last filter in Hz; `nil` for half the sample rate.
    /// - Returns: The filter bank.
    public static func slaney(
        melCount: Int,
        fftSize: Int,
        sampleRate: Int,
        minFrequency: Double = 0,
        maxFrequency: Double? = nil
    ) -> MelFilterBank {
        let bins = fftSize / 2 + 1
        let top = maxFrequency ?? Double(sampleRate / 2)
        let low = slaneyMel(minFrequency)
        let high = slaneyMel(top)
        let edges = (0..<(melCount + 2)).map { slaneyHertz(low + (high - low) * Double($0) / Double(melCount + 1)) }
        let nyquist = Double(sampleRate / 2)
        var weights = [Double](repeating: 0, count: melCount * bins)
        for m in 0..<melCount {
            let norm = 2 / (edges[m + 2] - edges[m])
            for k in 0..<bins {
                let f = nyquist * Double(k) / Double(bins - 1)
                let down = (f - edges[m]) / (edges[m + 1] - edges[m])
                let up = (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1])
                weights[m * bins + k] = max(0, min(down, up)) * norm
            }
        }
        return MelFilterBank(melCount: melCount, frequencyBins: bins, weights: weights)
    }

    /// Kaldi's filters (`torchaudio.compliance.kaldi.get_mel_banks` without VTLN): mel = 1127 ln(1 + f/700),
    /// triangles equally spaced in mel between `lowFrequency` and `highFrequency`, unnormalised, over bins
    /// `0 ..< fftSize / 2` (the Nyquist bin gets weight 0).
    /// - Parameters:
    ///   - melCount: The number of filters.
    ///   - fftSize: The padded window length.
    ///   - sampleRate: The sample rate in Hz.
    ///   - lowFrequency: The lower edge in Hz (Kaldi's default 20).
    ///   - highFrequency: The upper edge in Hz; zero or negative is an offset from the Nyquist frequency.
    /// - Returns: The filter bank, with `fftSize / 2 + 1` bins per filter.
    public static func kaldi(
        melCount: Int,
        fftSize: Int,
        sampleRate: Int,
        lowFrequency: Double = 20,
        highFrequency: Double = 0
    ) -> MelFilterBank {
        let half = fftSize / 2
        let nyquist = Double(sampleRate) / 2
        let high = highFrequency <= 0 ? highFrequency + nyquist : highFrequency
        let binWidth = Double(sampleRate) / Double(fftSize)
        let melLow = kaldiMel(lowFrequency)
        let delta = (kaldiMel(high) - melLow) / Double(melCount + 1)
        var weights = [Double](repeating: 0, count: melCount * (half + 1))
        for m in 0..<melCount {
            let left = melLow + Double(m) * delta
            let center = melLow + Double(m + 1) * delta
            let right = melLow + Double(m + 2) * delta
            for k in 0..<half {
                let mel = kaldiMel(binWidth * Double(k))
                let up = (mel - left) / (center - left)
                let down = (right - mel) / (right - center)
                weights[m * (half + 1) + k] = max(0, min(up, down))
            }
        }
        return MelFilterBank(melCount: melCount, frequencyBins: half + 1, weights: weights)
    }

    static func slaneyMel(_ hertz: Double) -> Double {
        if hertz < 1000 { return 3 * hertz / 200 }
        return 15 + Elementary.log(hertz / 1000) * 27 / Elementary.log(6.4)
    }

    static func slaneyHertz(_ mel: Double) -> Double {
        if mel < 15 { return 200 * mel / 3 }
        return 1000 * Elementary.exp(Elementary.log(6.4) / 27 * (mel - 15))
    }

    static func kaldiMel(_ hertz: Double) -> Double {
        1127 * Elementary.log(1 + hertz / 700)
    }
}
