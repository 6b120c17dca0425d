// SPDX-License-Identifier: Apache-2.0

/// Reads YUV4MPEG2 (`.y4m`) raw video: progressive 4:2:0 (`C420jpeg`, `C420paldv`, `C420mpeg2`, `C420`), 4:2:2,
/// 4:4:4 and `Cmono`, 8 bits per sample.
///
/// Frames are converted on demand with the limited-range BT.601 matrix (``VideoClip/frame(at:)`` returns RGB;
/// `Cmono` gives gray expanded from 16…235 to 0…255). Chroma is replicated (nearest sample, `(x / 2, y / 2)`
/// for 4:2:0) whatever the siting tag says, so odd sizes use the last chroma column and row for the last pixels.
/// A missing `F` tag means 25 fps and a missing `C` tag means `420jpeg`; interlaced streams (`It`, `Ib`, `Im`)
/// and high-bit-depth colour spaces (`C420p10` …) throw ``MediaDecodingError/Code/unsupported``.
public struct Y4MDecoder: VideoDecoder {
    /// The longest `FRAME` header line accepted.
    private static let maxFrameHeader = 4096
    private static let frameMagic = Array("FRAME".utf8)

    /// Creates a Y4M decoder.
    public init() {}

    /// Whether `header` starts with `YUV4MPEG2`.
    /// - Parameter header: The first bytes of a file.
    /// - Returns: `true` for a Y4M stream.
    public func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
        header.starts(with: Y4MHeader.magic)
    }

    /// Reads the stream header and every `FRAME` header (frames are converted later, one at a time).
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Checked against the frame size and ``DecodingLimits/maxVideoFrames``.
    ///   - registry: Unused; Y4M frames are raw.
    /// - Returns: The clip.
    /// - Throws: ``MediaDecodingError``: `.truncated` (a frame or header cut short), `.corrupt`, `.unsupported`
    ///   or `.limitExceeded`.
    public func decode(
        _ bytes: [UInt8],
        limits: DecodingLimits,
        using registry: MediaDecoder
    ) throws(MediaDecodingError) -> VideoClip {
        try decode(bytes, limits: limits)
    }

    /// Reads the stream header and every `FRAME` header (frames are converted later, one at a time).
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Checked against the frame size and ``DecodingLimits/maxVideoFrames``.
    /// - Returns: The clip.
    /// - Throws: ``MediaDecodingError``: `.truncated`, `.corrupt`, `.unsupported` or `.limitExceeded`.
    public func decode(_ bytes: [UInt8], limits: DecodingLimits = .default) throws(MediaDecodingError) -> VideoClip {
        let header = try Y4MHeader(bytes, limits: limits)
        let frameBytes = header.frameBytes
        var payloads = [Int]()
        var offset = header.length
        while offset < bytes.count {
            guard bytes.count - offset >= Self.frameMagic.count else {
                throw .truncated("Y4M frame \(payloads.count) header is cut short at offset \(offset)")
            }
            guard bytes.matches(Self.frameMagic, at: offset) else {
                throw .corrupt("Y4M frame \(payloads.count) does not start with FRAME at offset \(offset)")
            }
            let end = min(bytes.count, offset + Self.maxFrameHeader)
            guard let lineFeed = bytes[offset..<end].firstIndex(of: 0x0A) else {
                if end == bytes.count { throw .truncated("Y4M FRAME header at offset \(offset) has no line feed") }
                throw .corrupt("Y4M FRAME header at offset \(offset) is too long")
            }
            let start = lineFeed + 1
            guard bytes.count - start >= frameBytes else {
                throw .truncated(
                    "Y4M frame \(payloads.count) needs \(frameBytes) bytes at offset \(start), \(bytes.count - start) left"
                )
            }
            try limits.checkVideoFrames(payloads.count + 1, format: "Y4M")
            payloads.append(start)
            offset = start + frameBytes
        }
        guard !payloads.isEmpty else { throw .truncated("Y4M stream has a header but no frames") }
        let offsets = payloads
        return VideoClip(
            width: header.width,
            height: header.height,
            frameCount: payloads.count,
            frameRate: header.frameRate
        ) { index throws(MediaDecodingError) in
            Self.convert(bytes, payload: offsets[index], header: header)
        }
    }

    /// Converts one frame payload (already bounds-checked) to RGB, or gray for `Cmono`.
    static func convert(_ bytes: [UInt8], payload: Int, header: Y4MHeader) -> Image {
        let width = header.width
        let height = header.height
        let luma = YCbCrLimitedRange.luma
        guard case .subsampled(let sx, let sy) = header.chroma else {
            var gray = [UInt8](repeating: 0, count: width * height)
            for i in 0..<(width * height) { gray[i] = YCbCrLimitedRange.byte(luma[Int(bytes[payload + i])]) }
            return Image(width: width, height: height, format: .gray, samples: .uint8(gray))
        }
        let chromaWidth = header.chromaWidth
        let cbStart = payload + width * height
        let crStart = cbStart + chromaWidth * header.chromaHeight
        let redFromCr = YCbCrLimitedRange.redFromCr
        let greenFromCb = YCbCrLimitedRange.greenFromCb
        let greenFromCr = YCbCrLimitedRange.greenFromCr
        let blueFromCb = YCbCrLimitedRange.blueFromCb
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let chromaRow = (y / sy) * chromaWidth
            for x in 0..<width {
                let c = chromaRow + x / sx
                let yValue = luma[Int(bytes[payload + y * width + x])]
                let cb = Int(bytes[cbStart + c])
                let cr = Int(bytes[crStart + c])
                let o = (y * width + x) * 3
                rgb[o] = YCbCrLimitedRange.byte(yValue + redFromCr[cr])
                rgb[o + 1] = YCbCrLimitedRange.byte(yValue - greenFromCb[cb] - greenFromCr[cr])
                rgb[o + 2] = YCbCrLimitedRange.byte(yValue + blueFromCb[cb])
            }
        }
        return Image(width: width, height: height, format: .rgb, samples: .uint8(rgb))
    }
}
