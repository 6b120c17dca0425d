// SPDX-License-Identifier: Apache-2.0

extension AudioBuffer {
    /// The samples of channel `index`, de-interleaved.
    /// - Parameter index: A channel index below ``channelCount``.
    /// - Returns: ``frameCount`` samples.
    public func channel(_ index: Int) -> [Float] {
        precondition((0..<channelCount).contains(index), "channel index out of range")
        return (0..<frameCount).map { samples[$0 * channelCount + index] }
    }

    /// This audio as one channel: the mean of all channels in each frame.
    /// - Returns: A mono buffer at the same rate (the same buffer when already mono).
    public func downmixedToMono() -> AudioBuffer {
        if channelCount == 1 { return self }
        let scale = 1 / Float(channelCount)
        var mono = [Float](repeating: 0, count: frameCount)
        for f in 0..<frameCount {
            var sum: Float = 0
            for c in 0..<channelCount { sum += samples[f * channelCount + c] }
            mono[f] = sum * scale
        }
        return AudioBuffer(sampleRate: sampleRate, channelCount: 1, samples: mono)
    }
}
