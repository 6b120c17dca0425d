// SPDX-License-Identifier: Apache-2.0

/// A decoded video container: its size, frame count and timing, its frames decoded on demand, and an
/// optional PCM audio track.
///
/// A clip keeps the container's bytes and an index of where each frame is stored; ``frame(at:)`` decodes
/// only the frame asked for (Y4M converts one YCbCr frame, MJPEG decodes one JPEG). Animated GIFs are the
/// exception: every GIF frame depends on the canvas left by the previous ones, so a GIF clip holds its
/// composited frames from the start.
///
/// ```swift
/// let clip = try MediaDecoder().decodeVideo(bytes)
/// print(clip.width, clip.height, clip.frameCount, clip.frameRate.framesPerSecond, clip.duration)
/// let first = try clip.frame(at: 0)
/// let atOneSecond = try clip.frame(nearest: 1.0)
/// let eight = try clip.frames(sampledUniformly: 8)        // centres of 8 equal segments
/// ```
public struct VideoClip: Sendable {
    /// A frame rate as a reduced fraction: `numerator` frames every `denominator` seconds.
    public struct FrameRate: Sendable, Hashable, CustomStringConvertible {
        /// Frames per `denominator` seconds.
        public let numerator: Int
        /// Seconds per `numerator` frames.
        public let denominator: Int

        /// Creates a rate of `numerator` frames per `denominator` seconds, reduced to lowest terms.
        /// - Parameters:
        ///   - numerator: The number of frames, positive.
        ///   - denominator: The number of seconds, positive.
        /// - Precondition: Both are positive.
        public init(_ numerator: Int, _ denominator: Int = 1) {
            precondition(numerator > 0 && denominator > 0, "a frame rate needs a positive numerator and denominator")
            var a = numerator
            var b = denominator
            while b != 0 { (a, b) = (b, a % b) }
            self.numerator = numerator / a
            self.denominator = denominator / a
        }

        /// Frames per second as a floating-point value.
        public var framesPerSecond: Double { Double(numerator) / Double(denominator) }

        /// The duration of one frame in seconds.
        public var frameDuration: Double { Double(denominator) / Double(numerator) }

        /// `"25"` or `"30000/1001"`.
        public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }
    }

    /// How ``frameIndices(sampledUniformly:convention:)`` spreads `n` samples over a clip of `T` frames.
    public enum SamplingConvention: Sendable, Hashable {
        /// The frame under the centre of each of `n` equal segments: index `⌊(2i + 1) · T / 2n⌋`.
        ///
        /// Never picks the very first or last frame unless segments are shorter than a frame; used by
        /// TSN-style samplers and what a person would call "evenly spaced".
        case segmentCentres
        /// pytorchvideo's `uniform_temporal_subsample` (ImageBind, many CLIP-for-video pipelines):
        /// `torch.linspace(0, T - 1, n)` truncated to integers, so the first and last frames are always
        /// included; computed in exact integer arithmetic as `⌊i · (T - 1) / (n - 1)⌋` (`[0]` for `n = 1`).
        case linspace
    }

    /// The width of a frame in pixels, from the container's header.
    public let width: Int
    /// The height of a frame in pixels, from the container's header.
    public let height: Int
    /// The number of frames (from the container's index or frame headers, not from a header's claim).
    public let frameCount: Int
    /// The nominal frame rate; for a clip with varying frame durations (GIF), the average rate.
    public let frameRate: FrameRate
    /// The length in seconds: the sum of the frame durations.
    public let duration: Double
    /// The container's audio track, when it has one this module can decode (PCM in AVI).
    public let audio: AudioBuffer?

    /// The complete container the clip was read from, when ``MediaDecoder/decodeVideo(_:limits:)`` read it.
    ///
    /// Other modules of this package identify a clip by these bytes (an embedding cache key) instead of decoding
    /// every frame. It shares storage with the array the caller passed (no copy is made).
    package internal(set) var containerBytes: [UInt8]?

    /// The start time of each frame when frame durations vary; `nil` for a constant rate.
    private let startTimes: [Double]?
    private let decodeFrame: @Sendable (Int) throws(MediaDecodingError) -> Image

    /// Creates a clip whose frames are produced on demand by `decodeFrame`.
    ///
    /// Host ``VideoDecoder`` implementations use this to wrap their own frame decoding.
    /// - Parameters:
    ///   - width: The frame width in pixels.
    ///   - height: The frame height in pixels.
    ///   - frameCount: The number of frames, at least 1.
    ///   - frameRate: The (nominal or average) frame rate.
    ///   - frameStartTimes: The start time of every frame in seconds, ascending, when frame durations vary;
    ///     `nil` for a constant rate (frame `i` starts at `i / frameRate`).
    ///   - duration: The length in seconds; `nil` means `frameCount / frameRate`.
    ///   - audio: The audio track, if any.
    ///   - decodeFrame: Decodes frame `index`, `0 ..< frameCount`.
    /// - Precondition: `frameCount > 0`, and `frameStartTimes`, when given, has `frameCount` elements.
    public init(
        width: Int,
        height: Int,
        frameCount: Int,
        frameRate: FrameRate,
        frameStartTimes: [Double]? = nil,
        duration: Double? = nil,
        audio: AudioBuffer? = nil,
        decodeFrame: @escaping @Sendable (Int) throws(MediaDecodingError) -> Image
    ) {
        precondition(frameCount > 0, "a video clip needs at least one frame")
        precondition(frameStartTimes.map { $0.count == frameCount } ?? true, "one start time per frame")
        self.width = width
        self.height = height
        self.frameCount = frameCount
        self.frameRate = frameRate
        self.startTimes = frameStartTimes
        self.duration = duration ?? Double(frameCount) * frameRate.frameDuration
        self.audio = audio
        self.decodeFrame = decodeFrame
    }

    /// Decodes one frame.
    /// - Parameter index: The frame index, `0 ..< frameCount`.
    /// - Returns: The frame (RGB for Y4M colour and MJPEG, gray for `Cmono` Y4M, RGBA for GIF).
    /// - Throws: ``MediaDecodingError`` when the stored frame is damaged, or
    ///   ``MediaDecodingError/Code/unsupportedCodec`` when no registered image decoder handles it.
    /// - Precondition: `index` is in `0 ..< frameCount`.
    public func frame(at index: Int) throws(MediaDecodingError) -> Image {
        precondition(index >= 0 && index < frameCount, "frame index \(index) is outside 0..<\(frameCount)")
        return try decodeFrame(index)
    }

    /// The start time of a frame in seconds.
    /// - Parameter index: The frame index, `0 ..< frameCount`.
    /// - Returns: `index / frameRate`, or the stored start time when frame durations vary.
    /// - Precondition: `index` is in `0 ..< frameCount`.
    public func startTime(ofFrame index: Int) -> Double {
        precondition(index >= 0 && index < frameCount, "frame index \(index) is outside 0..<\(frameCount)")
        if let startTimes { return startTimes[index] }
        return Double(index) * frameRate.frameDuration
    }

    /// The index of the frame whose start time is nearest to `time` (ties go to the later frame).
    ///
    /// Times before 0 give frame 0, times past the end give the last frame, NaN gives frame 0.
    /// - Parameter time: A time in seconds from the start of the clip.
    /// - Returns: A frame index in `0 ..< frameCount`.
    public func frameIndex(nearest time: Double) -> Int {
        guard let startTimes else {
            let position = time * frameRate.framesPerSecond
            guard position > 0 else { return 0 }
            guard position < Double(frameCount - 1) else { return frameCount - 1 }
            return Int((position + 0.5).rounded(.down))
        }
        guard time > startTimes[0] else { return 0 }
        var low = 0
        var high = frameCount - 1
        while low < high {  // first frame starting at or after `time`
            let mid = (low + high) / 2
            if startTimes[mid] < time { low = mid + 1 } else { high = mid }
        }
        if startTimes[low] < time { return low }
        return time - startTimes[low - 1] < startTimes[low] - time ? low - 1 : low
    }

    /// Decodes the frame whose start time is nearest to `time`.
    /// - Parameter time: A time in seconds from the start of the clip (clamped to the clip).
    /// - Returns: The frame at ``frameIndex(nearest:)``.
    /// - Throws: What ``frame(at:)`` throws.
    public func frame(nearest time: Double) throws(MediaDecodingError) -> Image {
        try decodeFrame(frameIndex(nearest: time))
    }
}
