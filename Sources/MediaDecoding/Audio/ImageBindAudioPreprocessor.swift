// SPDX-License-Identifier: Apache-2.0

/// ImageBind's audio input for one clip (`waveform2melspec` in ImageBind's `data.py`): remove the mean, Kaldi
/// fbank with ``KaldiFbank/imageBind``, transpose to mel bins × frames, zero-pad or cut to ``targetFrames``,
/// then normalise by `(x − mean) / std`.
///
/// ```swift
/// let clips = ImageBindAudioPreprocessor().clips(audio)        // 3 × (1 × 128 × 204), as ImageBind's data.py
/// let one = ImageBindAudioPreprocessor()(mono16k.samples)     // one clip, 1 × 128 × 204
/// ```
public struct ImageBindAudioPreprocessor: Sendable {
    /// The number of frames the spectrogram is padded or cut to (204).
    public var targetFrames: Int
    /// The normalisation mean (−4.268).
    public var mean: Float
    /// The normalisation standard deviation (9.138).
    public var std: Float
    /// The feature extractor.
    public var fbank: KaldiFbank
    /// The length of each clip in seconds (2).
    public var clipSeconds: Int
    /// The number of clips per file (3).
    public var clipCount: Int

    /// Creates a preprocessor with ImageBind's constants.
    /// - Parameters:
    ///   - targetFrames: Frames after padding or cutting.
    ///   - mean: The normalisation mean.
    ///   - std: The normalisation standard deviation.
    ///   - fbank: The filter-bank extractor.
    ///   - clipSeconds: The length of each clip in seconds.
    ///   - clipCount: The number of clips per file.
    public init(
        targetFrames: Int = 204,
        mean: Float = -4.268,
        std: Float = 9.138,
        fbank: KaldiFbank = .imageBind,
        clipSeconds: Int = 2,
        clipCount: Int = 3
    ) {
        precondition(targetFrames > 0 && std != 0 && clipSeconds > 0 && clipCount > 0, "invalid parameters")
        self.clipSeconds = clipSeconds
        self.clipCount = clipCount
        self.targetFrames = targetFrames
        self.mean = mean
        self.std = std
        self.fbank = fbank
    }

    /// Computes the normalised mel spectrogram of one 16 kHz mono clip.
    /// - Parameter samples: The clip, float scale.
    /// - Returns: A `1 × melCount × targetFrames` tensor.
    public func callAsFunction(_ samples: [Float]) -> PlanarTensor {
        var total = 0.0
        for s in samples { total += Double(s) }
        let average = samples.isEmpty ? 0 : Float(total / Double(samples.count))
        return melspec(samples.map { $0 - average })
    }

    /// ImageBind's whole audio pipeline for one file: resample every channel to 16 kHz (``AudioResampler``), cut
    /// ``clipCount`` clips of ``clipSeconds`` at evenly spaced starts (``clipRanges(sampleCount:)``), and turn each
    /// into a normalised spectrogram.
    ///
    /// As in ImageBind, each clip's mean is taken over all channels but only the first channel is analysed
    /// (torchaudio's `fbank` reads channel 0); downmix first with ``AudioBuffer/downmixedToMono()`` for a mix.
    /// The reference removes each clip's mean in place on a view of the one resampled buffer, so a clip that
    /// overlaps earlier ones sees their samples already shifted by the earlier clips' means; this does the same,
    /// processing the clips in order on one mutable copy.
    /// - Parameter audio: Decoded audio at any rate.
    /// - Returns: ``clipCount`` tensors of `1 × melCount × targetFrames`.
    public func clips(_ audio: AudioBuffer) -> [PlanarTensor] {
        let audio16k = audio.resampled(to: fbank.sampleRate)
        let channels = audio16k.channelCount
        var buffer = audio16k.samples
        return clipRanges(sampleCount: audio16k.frameCount).map { range in
            let lower = range.lowerBound * channels
            let upper = range.upperBound * channels
            // torch's float32 mean of the clip view, then an in-place float32 subtraction.
            var total = 0.0
            for i in lower..<upper { total += Double(buffer[i]) }
            let count = upper - lower
            let average = count == 0 ? 0 : Float(total / Double(count))
            for i in lower..<upper { buffer[i] -= average }
            return melspec(range.map { buffer[$0 * channels] })
        }
    }

    /// The sample ranges of the clips, as pytorchvideo's `ConstantClipsPerVideoSampler` places them: clip `k` starts
    /// at `k × max(duration − clipSeconds, 0) / (clipCount − 1)` seconds (exact rational arithmetic on the `Double`
    /// duration, then truncation to a sample index) and is cut at the end of the signal.
    /// - Parameter sampleCount: The signal length at the extractor's sample rate.
    /// - Returns: ``clipCount`` ranges (possibly overlapping, possibly shorter than a clip).
    public func clipRanges(sampleCount: Int) -> [Range<Int>] {
        let rate = fbank.sampleRate
        let duration = Double(sampleCount) / Double(rate)
        let latest = max(duration - Double(clipSeconds), 0)
        let divisor = UInt128(max(clipCount - 1, 1))
        return (0..<clipCount).map { k in
            var start = 0
            if latest > 0 {
                // latest = M × 2^e exactly; start × rate = M × k × rate × 2^e / divisor.
                let exponent = Int(latest.exponent) - Double.significandBitCount
                let mantissa = UInt128((UInt64(1) << UInt64(Double.significandBitCount)) | latest.significandBitPattern)
                var numerator = mantissa * UInt128(k) * UInt128(rate)
                var denominator = divisor
                if exponent >= 0 {
                    numerator <<= UInt128(exponent)
                } else if -exponent < 100 {
                    denominator <<= UInt128(-exponent)
                } else {
                    numerator = 0
                }
                start = Int(numerator / denominator)
            }
            let lower = min(start, sampleCount)
            return lower..<min(start + clipSeconds * rate, sampleCount)
        }
    }

    private func melspec(_ centered: [Float]) -> PlanarTensor {
        let features = fbank(centered)
        let bins = fbank.melCount
        let frames = min(features.height, targetFrames)
        let padValue = (0 - mean) / std
        var out = ContiguousArray<Float>(repeating: padValue, count: bins * targetFrames)
        for t in 0..<frames {
            for m in 0..<bins {
                out[m * targetFrames + t] = (features.values[t * bins + m] - mean) / std
            }
        }
        return PlanarTensor(channels: 1, height: bins, width: targetFrames, values: out)
    }
}
