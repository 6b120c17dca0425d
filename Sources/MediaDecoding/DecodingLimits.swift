// SPDX-License-Identifier: Apache-2.0

/// Upper bounds a decoder checks against header values before it allocates, so hostile files fail fast.
///
/// Exceeding a limit throws ``MediaDecodingError`` with code ``MediaDecodingError/Code/limitExceeded``.
public struct DecodingLimits: Sendable, Hashable {
    /// The largest `width × height` of an image or animation canvas.
    ///
    /// The default is 100 000 000.
    public var maxPixelCount: Int
    /// The largest number of bytes a decoder may produce while decompressing or expanding.
    ///
    /// The default is 1 GiB.
    public var maxDecompressedBytes: Int
    /// The largest number of frames: audio sample frames (per channel) or animation frames.
    ///
    /// The default is 2^31.
    public var maxFrames: Int
    /// The largest number of video frames in a ``VideoClip`` (counted from the container's index or frame
    /// headers before any frame is decoded).
    ///
    /// The default is 2^20 (1 048 576: over 9 hours at 30 frames per second).
    public var maxVideoFrames: Int

    /// Creates limits; every argument has a default.
    /// - Parameters:
    ///   - maxPixelCount: The largest `width × height`.
    ///   - maxDecompressedBytes: The largest decompressed or expanded size in bytes.
    ///   - maxFrames: The largest number of audio sample frames or animation frames.
    ///   - maxVideoFrames: The largest number of frames in a video clip.
    public init(
        maxPixelCount: Int = 100_000_000,
        maxDecompressedBytes: Int = 1 << 30,
        maxFrames: Int = 1 << 31,
        maxVideoFrames: Int = 1 << 20
    ) {
        self.maxPixelCount = maxPixelCount
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxFrames = maxFrames
        self.maxVideoFrames = maxVideoFrames
    }

    /// The default limits.
    public static let `default` = DecodingLimits()
}

extension DecodingLimits {
    /// Throws unless `width × height` is positive and within ``maxPixelCount``, and the expanded size
    /// (`bytesPerPixel` per pixel) within ``maxDecompressedBytes``.
    func checkImage(
        width: Int,
        height: Int,
        bytesPerPixel: Int,
        format: String
    ) throws(MediaDecodingError) {
        guard width > 0, height > 0 else {
            throw .corrupt("\(format) image size \(width)x\(height) is empty or negative")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixelCount else {
            throw .limit("\(format) image \(width)x\(height) exceeds the limit of \(maxPixelCount) pixels")
        }
        let (bytes, overflow2) = pixels.multipliedReportingOverflow(by: bytesPerPixel)
        guard !overflow2, bytes <= maxDecompressedBytes else {
            throw .limit("\(format) image \(width)x\(height) needs more than \(maxDecompressedBytes) bytes")
        }
    }

    /// Throws unless a video with `count` frames (so far) is within ``maxVideoFrames``.
    func checkVideoFrames(_ count: Int, format: String) throws(MediaDecodingError) {
        guard count <= maxVideoFrames else {
            throw .limit("\(format) has more than \(maxVideoFrames) video frames")
        }
    }
}
