// SPDX-License-Identifier: Apache-2.0

/// Decoded audio: interleaved 32-bit float samples in [-1, 1], frame by frame.
///
/// A frame holds one sample per channel; sample `c` of frame `f` is `samples[f * channelCount + c]`.
public struct AudioBuffer: Sendable, Hashable {
    /// Frames per second.
    public let sampleRate: Int
    /// Samples per frame.
    public let channelCount: Int
    /// The interleaved samples, `frameCount × channelCount` of them.
    public let samples: [Float]

    /// Creates a buffer from interleaved samples.
    /// - Parameters:
    ///   - sampleRate: Frames per second.
    ///   - channelCount: Samples per frame, at least 1.
    ///   - samples: Interleaved samples; the count must be a multiple of `channelCount`.
    /// - Precondition: `channelCount > 0` and `samples.count` is a multiple of it.
    public init(sampleRate: Int, channelCount: Int, samples: [Float]) {
        precondition(channelCount > 0, "channelCount must be positive")
        precondition(samples.count % channelCount == 0, "sample count is not a multiple of channelCount")
        self.sampleRate = sampleRate
        self.channelCount = channelCount
        self.samples = samples
    }

    /// The number of frames, `samples.count / channelCount`.
    public var frameCount: Int { samples.count / channelCount }

    /// The duration in seconds, or 0 when the sample rate is 0.
    public var duration: Double {
        sampleRate > 0 ? Double(frameCount) / Double(sampleRate) : 0
    }
}
