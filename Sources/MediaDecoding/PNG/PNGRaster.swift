// SPDX-License-Identifier: Apache-2.0

/// Turns decompressed PNG data into the output image: undoes the row filters in place, then converts each
/// pass row's samples (palette, transparency key, bit replication) straight into the full-size output.
struct PNGRaster {
    private let header: PNGHeader
    private let palette: [UInt8]
    private let paletteAlpha: [UInt8]?
    /// The tRNS colour key at the stored bit depth (gray: one value, RGB: three).
    private let key: [UInt16]?
    /// The output format and channel count.
    let format: PixelFormat
    private let outChannels: Int
    /// Multiplier taking a 1/2/4-bit gray sample to 8 bits (×255, ×85, ×17); 1 otherwise.
    private let scale: UInt16
    private var out8: [UInt8] = []
    private var out16: [UInt16] = []

    init(header: PNGHeader, palette: [UInt8]?, transparency: [UInt8]?) {
        self.header = header
        self.palette = palette ?? []
        var paletteAlpha: [UInt8]?
        var key: [UInt16]?
        let format: PixelFormat
        switch header.colorType {
        case .palette:
            paletteAlpha = transparency
            format = transparency == nil ? .rgb : .rgba
        case .gray, .rgb:
            let channels = header.colorType.channels
            if let transparency, transparency.count >= channels * 2 {
                // Masked to the bit depth, as libpng does and the third edition of the specification requires:
                // a colour key with bits above the depth still names the sample in its low bits.
                let mask = UInt16(truncatingIfNeeded: (1 << header.bitDepth) - 1)
                key = (0..<channels).map {
                    (UInt16(transparency[2 * $0]) << 8 | UInt16(transparency[2 * $0 + 1])) & mask
                }
            }
            format = channels == 1 ? (key == nil ? .gray : .grayAlpha) : (key == nil ? .rgb : .rgba)
        case .grayAlpha:
            format = .grayAlpha
        case .rgba:
            format = .rgba
        }
        self.paletteAlpha = paletteAlpha
        self.key = key
        self.format = format
        self.outChannels = format.channelCount
        self.scale = header.colorType == .gray && header.bitDepth < 8 ? UInt16(255 / ((1 << header.bitDepth) - 1)) : 1
    }

    /// Decodes the whole image from the decompressed data (exactly ``PNGHeader/decompressedSize`` bytes).
    static func decode(
        _ data: inout [UInt8],
        header: PNGHeader,
        palette: [UInt8]?,
        transparency: [UInt8]?
    ) throws(MediaDecodingError) -> Image {
        var raster = PNGRaster(header: header, palette: palette, transparency: transparency)
        let count = header.width * header.height * raster.outChannels
        if header.bitDepth == 16 {
            raster.out16 = [UInt16](repeating: 0, count: count)
        } else {
            raster.out8 = [UInt8](repeating: 0, count: count)
        }
        var offset = 0
        for pass in header.passes {
            let rowBytes = header.rowBytes(pixels: pass.width)
            for row in 0..<pass.height {
                let start = offset + 1
                try Self.unfilterRow(
                    &data,
                    filter: data[offset],
                    start: start,
                    count: rowBytes,
                    previous: row == 0 ? nil : start - rowBytes - 1,
                    stride: header.filterStride
                )
                try raster.convertRow(data, start: start, pass: pass, y: pass.yStart + row * pass.yStep)
                offset = start + rowBytes
            }
        }
        let samples: Image.Samples = header.bitDepth == 16 ? .uint16(raster.out16) : .uint8(raster.out8)
        return Image(width: header.width, height: header.height, format: raster.format, samples: samples)
    }

    /// The stored sample `index` (pixel × channels + channel) of the row starting at `start`.
    private func sample(_ data: [UInt8], _ start: Int, _ index: Int) -> UInt16 {
        switch header.bitDepth {
        case 16:
            return UInt16(data[start + 2 * index]) << 8 | UInt16(data[start + 2 * index + 1])
        case 8:
            return UInt16(data[start + index])
        default:
            // Sub-byte depths only occur with one channel (gray or palette).
            let depth = header.bitDepth
            let bit = index * depth
            let byte = Int(data[start + bit / 8])
            return UInt16((byte >> (8 - depth - bit % 8)) & ((1 << depth) - 1))
        }
    }

    private mutating func put(_ value: UInt16, at index: Int) {
        if header.bitDepth == 16 {
            out16[index] = value
        } else {
            out8[index] = UInt8(truncatingIfNeeded: value)
        }
    }

    private mutating func convertRow(
        _ data: [UInt8],
        start: Int,
        pass: PNGHeader.Pass,
        y: Int
    ) throws(MediaDecodingError) {
        let channels = header.colorType.channels
        let entries = palette.count / 3
        let opaque: UInt16 = header.bitDepth == 16 ? 0xFFFF : 255
        if key == nil, header.colorType != .palette, header.bitDepth >= 8 {
            // Fast path: samples map one to one onto output channels.
            var o = (y * header.width + pass.xStart) * outChannels
            let step = pass.xStep * outChannels
            var source = start
            if header.bitDepth == 8 {
                for _ in 0..<pass.width {
                    for c in 0..<channels { out8[o + c] = data[source + c] }
                    source += channels
                    o += step
                }
            } else {
                for _ in 0..<pass.width {
                    for c in 0..<channels {
                        out16[o + c] = UInt16(data[source + 2 * c]) << 8 | UInt16(data[source + 2 * c + 1])
                    }
                    source += 2 * channels
                    o += step
                }
            }
            return
        }
        for px in 0..<pass.width {
            let o = (y * header.width + pass.xStart + px * pass.xStep) * outChannels
            switch header.colorType {
            case .palette:
                let index = Int(sample(data, start, px))
                // An index past the palette's end reads as black, as in libpng and Pillow.
                if index < entries {
                    out8[o] = palette[index * 3]
                    out8[o + 1] = palette[index * 3 + 1]
                    out8[o + 2] = palette[index * 3 + 2]
                }
                if let paletteAlpha {
                    out8[o + 3] = index < paletteAlpha.count ? paletteAlpha[index] : 255
                }
            case .gray, .rgb:
                var matchesKey = key != nil
                for c in 0..<channels {
                    let value = sample(data, start, px * channels + c)
                    if let key, key[c] != value { matchesKey = false }
                    put(value &* scale, at: o + c)
                }
                if key != nil { put(matchesKey ? 0 : opaque, at: o + channels) }
            case .grayAlpha, .rgba:
                for c in 0..<channels {
                    put(sample(data, start, px * channels + c), at: o + c)
                }
            }
        }
    }
}
