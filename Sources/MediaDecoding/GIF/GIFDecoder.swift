// SPDX-License-Identifier: Apache-2.0

/// Decodes GIF87a/GIF89a files: LZW image data, global and local palettes, interlacing, transparency,
/// and animation composited frame by frame with disposal methods 0–3, matching Pillow 13.
///
/// ``decode(_:limits:)`` returns the first frame on the logical screen: ``PixelFormat/rgba`` when it has a
/// transparent index (alpha 0 there), otherwise ``PixelFormat/rgb``. ``decodeFrames(_:limits:)`` returns every
/// composited frame as RGBA.
public struct GIFDecoder: ImageDecoder {
    /// Creates a GIF decoder.
    public init() {}

    /// Whether `header` starts with `GIF87a` or `GIF89a`.
    /// - Parameter header: The first bytes of a file.
    /// - Returns: `true` for a GIF file.
    public func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
        header.starts(with: Array("GIF87a".utf8)) || header.starts(with: Array("GIF89a".utf8))
    }

    /// Decodes the first frame.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Checked against the logical screen size before allocating.
    /// - Returns: The first frame, RGBA if it has a transparent index, RGB otherwise.
    /// - Throws: ``MediaDecodingError``: `.truncated`, `.corrupt` (for example an LZW minimum code size outside 2…12) or
    ///   `.limitExceeded`.
    public func decode(_ bytes: [UInt8], limits: DecodingLimits) throws(MediaDecodingError) -> Image {
        var parser = try GIFParser(bytes, limits: limits)
        guard let frame = try parser.nextFrame() else { throw .corrupt("GIF file has no image") }
        var canvas = GIFCanvas(
            width: parser.screenWidth,
            height: parser.screenHeight,
            backgroundIndex: parser.backgroundIndex,
            firstFrame: frame
        )
        try canvas.draw(frame, limits: limits)
        return canvas.snapshot(withAlpha: frame.transparentIndex != nil)
    }

    /// Decodes every frame, each composited onto the canvas left by the previous ones.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Checked against the screen size and, via ``DecodingLimits/maxFrames``, the frame count.
    /// - Returns: One RGBA image per frame (alpha is 255 everywhere when the first frame is opaque).
    /// - Throws: ``MediaDecodingError``: `.truncated`, `.corrupt` or `.limitExceeded`.
    public func decodeFrames(_ bytes: [UInt8], limits: DecodingLimits) throws(MediaDecodingError) -> [Image] {
        try decodeAnimation(bytes, limits: limits).frames
    }

    /// Decodes every composited frame and its Graphic Control Extension delay in hundredths of a second.
    func decodeAnimation(
        _ bytes: [UInt8],
        limits: DecodingLimits
    ) throws(MediaDecodingError) -> (frames: [Image], delays: [Int]) {
        var parser = try GIFParser(bytes, limits: limits)
        guard let first = try parser.nextFrame() else { throw .corrupt("GIF file has no image") }
        let framePixels = parser.screenWidth * parser.screenHeight * 4
        var canvas = GIFCanvas(
            width: parser.screenWidth,
            height: parser.screenHeight,
            backgroundIndex: parser.backgroundIndex,
            firstFrame: first
        )
        var frames = [Image]()
        var delays = [Int]()
        var next: GIFFrameRecord? = first
        var total = 0
        while let frame = next {
            guard frames.count < limits.maxFrames else {
                throw .limit("GIF has more than \(limits.maxFrames) frames")
            }
            total += framePixels
            guard total <= limits.maxDecompressedBytes else {
                throw .limit("GIF frames need more than \(limits.maxDecompressedBytes) bytes")
            }
            if !frames.isEmpty { canvas.dispose() }
            try canvas.draw(frame, limits: limits)
            frames.append(canvas.snapshot(withAlpha: true))
            delays.append(frame.delay)
            next = try parser.nextFrame()
        }
        return (frames, delays)
    }
}
