// SPDX-License-Identifier: Apache-2.0

/// Reads an animated GIF as a ``VideoClip`` whose frames are the composited canvases of ``GIFDecoder``.
///
/// Every GIF frame is drawn over the canvas the previous frames left, so all frames are decoded when the
/// clip is made (bounded by ``DecodingLimits/maxVideoFrames``, ``DecodingLimits/maxFrames`` and
/// ``DecodingLimits/maxDecompressedBytes``); ``VideoClip/frame(at:)`` then returns them (RGBA, alpha 255
/// everywhere when the first frame is opaque).
///
/// Frame timing comes from the Graphic Control Extension delays. As browsers do, a delay of 0 or 1
/// hundredths of a second counts as 10. When all delays are equal the frame rate is `100 / delay`; otherwise it
/// is the average rate and each frame keeps its own start time (``VideoClip/startTime(ofFrame:)``).
public struct GIFVideoDecoder: VideoDecoder {
    /// Creates an animated-GIF video decoder.
    public init() {}

    /// Whether `header` starts with `GIF87a` or `GIF89a`.
    /// - Parameter header: The first bytes of a file.
    /// - Returns: `true` for a GIF file.
    public func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
        GIFDecoder().canDecode(header)
    }

    /// Decodes and composites every frame.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Checked against the screen size and the frame count.
    ///   - registry: Unused.
    /// - Returns: The clip.
    /// - Throws: ``MediaDecodingError``: `.truncated`, `.corrupt` or `.limitExceeded`.
    public func decode(
        _ bytes: [UInt8],
        limits: DecodingLimits,
        using registry: MediaDecoder
    ) throws(MediaDecodingError) -> VideoClip {
        var frameLimits = limits
        frameLimits.maxFrames = min(limits.maxFrames, limits.maxVideoFrames)
        let (frames, delays) = try GIFDecoder().decodeAnimation(bytes, limits: frameLimits)
        let hundredths = delays.map { $0 <= 1 ? 10 : $0 }
        let total = hundredths.reduce(0, +)
        let constant = hundredths.allSatisfy { $0 == hundredths[0] }
        var startTimes = [Double]()
        if !constant {
            var elapsed = 0
            for delay in hundredths {
                startTimes.append(Double(elapsed) / 100)
                elapsed += delay
            }
        }
        return VideoClip(
            width: frames[0].width,
            height: frames[0].height,
            frameCount: frames.count,
            frameRate: constant
                ? VideoClip.FrameRate(100, hundredths[0]) : VideoClip.FrameRate(100 * frames.count, total),
            frameStartTimes: constant ? nil : startTimes,
            duration: Double(total) / 100
        ) { index throws(MediaDecodingError) in
            frames[index]
        }
    }
}
