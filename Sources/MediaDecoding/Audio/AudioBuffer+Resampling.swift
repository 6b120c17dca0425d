// SPDX-License-Identifier: Apache-2.0

extension AudioBuffer {
    /// This audio at `sampleRate`, each channel resampled by ``AudioResampler`` with torchaudio's defaults.
    ///
    /// torchaudio's filter is the reference of record because ImageBind (and most PyTorch audio pipelines)
    /// resample with `torchaudio.functional.resample`; use ``PolyphaseResampler`` to match `scipy.signal.resample_poly`.
    /// - Parameter sampleRate: The target rate.
    /// - Returns: The resampled buffer (the same buffer when the rate already matches).
    /// - Precondition: Both rates are positive.
    public func resampled(to sampleRate: Int) -> AudioBuffer {
        if sampleRate == self.sampleRate { return self }
        let resampler = AudioResampler(from: self.sampleRate, to: sampleRate)
        let channels = (0..<channelCount).map { resampler.resample(channel($0)) }
        let frames = channels.first?.count ?? 0
        var interleaved = [Float](repeating: 0, count: frames * channelCount)
        for c in 0..<channelCount {
            for f in 0..<frames { interleaved[f * channelCount + c] = channels[c][f] }
        }
        return AudioBuffer(sampleRate: sampleRate, channelCount: channelCount, samples: interleaved)
    }
}
