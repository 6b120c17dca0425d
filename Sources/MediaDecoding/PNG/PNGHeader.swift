// SPDX-License-Identifier: Apache-2.0

/// The validated contents of a PNG `IHDR` chunk, plus the geometry derived from it.
struct PNGHeader {
    /// PNG colour types (ISO/IEC 15948 §11.2.2).
    enum ColorType: UInt8 {
        case gray = 0
        case rgb = 2
        case palette = 3
        case grayAlpha = 4
        case rgba = 6

        /// Samples per pixel in the stored data.
        var channels: Int {
            switch self {
            case .gray, .palette: 1
            case .grayAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }

        func allows(bitDepth: Int) -> Bool {
            switch self {
            case .gray: [1, 2, 4, 8, 16].contains(bitDepth)
            case .palette: [1, 2, 4, 8].contains(bitDepth)
            case .rgb, .grayAlpha, .rgba: bitDepth == 8 || bitDepth == 16
            }
        }
    }

    /// One Adam7 pass (or the single pass of a non-interlaced image): which pixels of the full image it holds.
    struct Pass {
        var xStart: Int
        var yStart: Int
        var xStep: Int
        var yStep: Int
        var width: Int
        var height: Int
    }

    let width: Int
    let height: Int
    let bitDepth: Int
    let colorType: ColorType
    let interlaced: Bool

    /// Parses the 13 bytes of IHDR data at `range`.
    init(_ bytes: [UInt8], _ range: Range<Int>) throws(MediaDecodingError) {
        guard range.count == 13 else { throw .corrupt("PNG IHDR chunk is \(range.count) bytes, not 13") }
        let o = range.lowerBound
        let width = bytes.uint32BE(at: o)
        let height = bytes.uint32BE(at: o + 4)
        guard width > 0, height > 0, width <= 0x7FFF_FFFF, height <= 0x7FFF_FFFF else {
            throw .corrupt("PNG image size \(width)x\(height) is out of range")
        }
        let bitDepth = Int(bytes[o + 8])
        guard let colorType = ColorType(rawValue: bytes[o + 9]) else {
            throw .corrupt("PNG colour type \(bytes[o + 9]) is invalid")
        }
        guard colorType.allows(bitDepth: bitDepth) else {
            throw .corrupt("PNG bit depth \(bitDepth) is invalid for colour type \(colorType.rawValue)")
        }
        guard bytes[o + 10] == 0 else { throw .corrupt("PNG compression method \(bytes[o + 10]) is not 0") }
        guard bytes[o + 11] == 0 else { throw .corrupt("PNG filter method \(bytes[o + 11]) is not 0") }
        guard bytes[o + 12] <= 1 else { throw .corrupt("PNG interlace method \(bytes[o + 12]) is invalid") }
        self.width = Int(width)
        self.height = Int(height)
        self.bitDepth = bitDepth
        self.colorType = colorType
        self.interlaced = bytes[o + 12] == 1
    }

    /// Bits per stored pixel.
    var bitsPerPixel: Int { colorType.channels * bitDepth }

    /// The byte distance the Sub, Average and Paeth filters look back: one pixel, at least one byte.
    var filterStride: Int { max(1, bitsPerPixel / 8) }

    /// Bytes in one filtered row of `pixels` pixels, without the filter-type byte.
    func rowBytes(pixels: Int) -> Int { (pixels * bitsPerPixel + 7) / 8 }

    /// The passes that hold data: the seven Adam7 passes (empty ones dropped) or one full-image pass.
    var passes: [Pass] {
        guard interlaced else {
            return [Pass(xStart: 0, yStart: 0, xStep: 1, yStep: 1, width: width, height: height)]
        }
        let adam7: [(Int, Int, Int, Int)] = [
            (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
        ]
        return adam7.compactMap { xStart, yStart, xStep, yStep in
            let w = width > xStart ? (width - xStart + xStep - 1) / xStep : 0
            let h = height > yStart ? (height - yStart + yStep - 1) / yStep : 0
            guard w > 0, h > 0 else { return nil }
            return Pass(xStart: xStart, yStart: yStart, xStep: xStep, yStep: yStep, width: w, height: h)
        }
    }

    /// The exact size of the decompressed image data: every row of every pass plus its filter byte.
    ///
    /// Call only after the pixel-count limit check, which bounds it.
    var decompressedSize: Int {
        passes.reduce(0) { $0 + $1.height * (1 + rowBytes(pixels: $1.width)) }
    }
}
