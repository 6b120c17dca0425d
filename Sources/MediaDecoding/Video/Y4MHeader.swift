// SPDX-License-Identifier: Apache-2.0

/// The stream header of a YUV4MPEG2 file: `YUV4MPEG2 W<w> H<h> F<n>:<d> I<i> A<n>:<d> C<space> X<…>`, ended by
/// a line feed.
struct Y4MHeader {
    /// How the chroma planes relate to the luma plane.
    enum Chroma {
        /// Only a Y plane (`Cmono`).
        case mono
        /// Cb and Cr planes of `⌈width / x⌉ × ⌈height / y⌉` samples after the Y plane.
        case subsampled(x: Int, y: Int)
    }

    /// The longest header line accepted (tags plus `X` comments).
    static let maxLineLength = 65_536
    static let magic = Array("YUV4MPEG2".utf8)

    let width: Int
    let height: Int
    let frameRate: VideoClip.FrameRate
    let chroma: Chroma
    /// The `C` tag's value, such as `"420jpeg"`.
    let colourSpace: String
    /// The offset just past the header's line feed.
    let length: Int

    var chromaWidth: Int {
        guard case .subsampled(let x, _) = chroma else { return 0 }
        return (width + x - 1) / x
    }

    var chromaHeight: Int {
        guard case .subsampled(_, let y) = chroma else { return 0 }
        return (height + y - 1) / y
    }

    /// The bytes of one frame's payload: Y, then Cb and Cr planes.
    var frameBytes: Int { width * height + 2 * chromaWidth * chromaHeight }

    init(_ bytes: [UInt8], limits: DecodingLimits) throws(MediaDecodingError) {
        guard bytes.count >= Self.magic.count + 1 else {
            throw .truncated("Y4M header needs at least 10 bytes, \(bytes.count) present")
        }
        guard bytes.matches(Self.magic, at: 0), bytes[9] == 0x20 || bytes[9] == 0x0A else {
            throw .corrupt("file does not start with 'YUV4MPEG2 '")
        }
        let end = min(bytes.count, Self.maxLineLength)
        guard let lineFeed = bytes[9..<end].firstIndex(of: 0x0A) else {
            if end == bytes.count { throw .truncated("Y4M header line has no line feed") }
            throw .corrupt("Y4M header line is longer than \(Self.maxLineLength) bytes")
        }
        var width: Int?
        var height: Int?
        var rate = VideoClip.FrameRate(25)
        var colourSpace = "420jpeg"
        for token in bytes[10..<max(10, lineFeed)].split(separator: 0x20) {
            let value = token.dropFirst()
            switch token.first {
            case UInt8(ascii: "W"): width = try Self.number(value, "width")
            case UInt8(ascii: "H"): height = try Self.number(value, "height")
            case UInt8(ascii: "F"):
                let (numerator, denominator) = try Self.ratio(value, "frame rate")
                guard numerator > 0, denominator > 0 else {
                    throw .corrupt("Y4M frame rate \(numerator):\(denominator) is not positive")
                }
                rate = VideoClip.FrameRate(numerator, denominator)
            case UInt8(ascii: "I"):
                guard value.elementsEqual([UInt8(ascii: "p")]) || value.elementsEqual([UInt8(ascii: "?")]) else {
                    throw .unsupported(
                        "Y4M interlacing 'I\(String(decoding: value, as: UTF8.self))' is not supported; only progressive"
                    )
                }
            case UInt8(ascii: "C"): colourSpace = String(decoding: value, as: UTF8.self)
            default: break  // A (pixel aspect), X (comments) and unknown tags do not affect decoding.
            }
        }
        guard let width, let height else { throw .corrupt("Y4M header lacks the W or H tag") }
        try limits.checkImage(width: width, height: height, bytesPerPixel: 3, format: "Y4M")
        switch colourSpace {
        case "420jpeg", "420paldv", "420mpeg2", "420": chroma = .subsampled(x: 2, y: 2)
        case "422": chroma = .subsampled(x: 2, y: 1)
        case "444": chroma = .subsampled(x: 1, y: 1)
        case "mono": chroma = .mono
        default: throw .unsupported("Y4M colour space 'C\(colourSpace)' is not supported")
        }
        self.width = width
        self.height = height
        self.frameRate = rate
        self.colourSpace = colourSpace
        self.length = lineFeed + 1
    }

    private static func number(_ digits: ArraySlice<UInt8>, _ what: String) throws(MediaDecodingError) -> Int {
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw .corrupt("Y4M \(what) '\(String(decoding: digits, as: UTF8.self))' is not a number")
        }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    private static func ratio(
        _ text: ArraySlice<UInt8>,
        _ what: String
    ) throws(MediaDecodingError) -> (Int, Int) {
        guard let colon = text.firstIndex(of: UInt8(ascii: ":")) else {
            throw .corrupt("Y4M \(what) '\(String(decoding: text, as: UTF8.self))' is not n:d")
        }
        return (try number(text[..<colon], what), try number(text[(colon + 1)...], what))
    }
}
