// SPDX-License-Identifier: Apache-2.0

/// The parsed file header, DIB header, bit masks and palette of a BMP file.
struct BMPHeader {
    enum Compression: UInt32 {
        case rgb = 0
        case rle8 = 1
        case rle4 = 2
        case bitfields = 3
        case alphaBitfields = 6
    }

    /// A channel's bit mask, with the shift and maximum value derived from it.
    struct Mask {
        let mask: UInt32
        let shift: UInt32
        let maxValue: UInt32

        init(_ mask: UInt32) {
            self.mask = mask
            self.shift = mask == 0 ? 0 : UInt32(mask.trailingZeroBitCount)
            self.maxValue = mask == 0 ? 0 : mask >> UInt32(mask.trailingZeroBitCount)
        }

        /// The channel scaled to 0…255 as Pillow does: `floor(v × 255 / max)`.
        func scaled(_ pixel: UInt32) -> UInt8 {
            guard maxValue > 0 else { return 0 }
            let value = UInt64((pixel & mask) >> shift)
            return UInt8(truncatingIfNeeded: value * 255 / UInt64(maxValue))
        }
    }

    let width: Int
    let height: Int
    let topDown: Bool
    let bitsPerPixel: Int
    let compression: Compression
    let pixelOffset: Int
    /// Red, green, blue, alpha masks (alpha may be 0 = none); only for 16- and 32-bit images.
    let masks: [Mask]
    /// RGB triples, for images of 8 bits per pixel or fewer.
    let palette: [UInt8]

    var hasAlpha: Bool { masks.count == 4 && masks[3].mask != 0 }

    init(_ bytes: [UInt8], limits: DecodingLimits) throws(MediaDecodingError) {
        var reader = ByteReader(bytes, format: "BMP")
        guard try reader.readUInt16LE("signature") == 0x4D42 else { throw .corrupt("file does not start with BM") }
        try reader.skip(8, "file header")
        let pixelOffset = Int(try reader.readUInt32LE("pixel data offset"))
        let headerStart = reader.offset
        let headerSize = Int(try reader.readUInt32LE("DIB header size"))
        let width: Int
        let rawHeight: Int
        let bitsPerPixel: Int
        var compressionValue: UInt32 = 0
        var colorsUsed = 0
        if headerSize == 12 {
            width = Int(try reader.readUInt16LE("width"))
            rawHeight = Int(try reader.readUInt16LE("height"))
            _ = try reader.readUInt16LE("planes")
            bitsPerPixel = Int(try reader.readUInt16LE("bit count"))
        } else if [40, 52, 56, 64, 108, 124].contains(headerSize) {
            width = Int(Int32(bitPattern: try reader.readUInt32LE("width")))
            rawHeight = Int(Int32(bitPattern: try reader.readUInt32LE("height")))
            _ = try reader.readUInt16LE("planes")
            bitsPerPixel = Int(try reader.readUInt16LE("bit count"))
            compressionValue = try reader.readUInt32LE("compression")
            try reader.skip(12, "DIB header")
            colorsUsed = Int(try reader.readUInt32LE("colours used"))
            try reader.need(headerSize - 36, "DIB header")
            if headerSize == 64, compressionValue != 0 {
                throw .unsupported("OS/2 2.x BMP compression \(compressionValue) is not supported")
            }
        } else {
            throw .unsupported("BMP DIB header of \(headerSize) bytes is not supported")
        }
        guard let compression = Compression(rawValue: compressionValue) else {
            throw .unsupported("BMP compression \(compressionValue) (JPEG/PNG/Huffman/CMYK) is not supported")
        }
        guard [1, 4, 8, 16, 24, 32].contains(bitsPerPixel) else {
            throw .corrupt("BMP bit count \(bitsPerPixel) is invalid")
        }
        switch compression {
        case .rle8 where bitsPerPixel != 8, .rle4 where bitsPerPixel != 4:
            throw .corrupt("BMP run-length compression does not match \(bitsPerPixel) bits per pixel")
        case .bitfields where bitsPerPixel != 16 && bitsPerPixel != 32,
            .alphaBitfields where bitsPerPixel != 16 && bitsPerPixel != 32:
            throw .corrupt("BMP bit fields need 16 or 32 bits per pixel, not \(bitsPerPixel)")
        default: break
        }
        guard rawHeight != Int(Int32.min) else { throw .corrupt("BMP height is out of range") }
        let height = abs(rawHeight)
        let alphaPossible = compression == .bitfields || compression == .alphaBitfields
        try limits.checkImage(width: width, height: height, bytesPerPixel: alphaPossible ? 4 : 3, format: "BMP")

        var masks = [Mask]()
        var afterHeader = headerStart + headerSize
        if alphaPossible {
            var maskReader = ByteReader(bytes, offset: headerStart + 40, format: "BMP")
            let maskCount = headerSize >= 56 || compression == .alphaBitfields ? 4 : 3
            for _ in 0..<maskCount {
                masks.append(Mask(try maskReader.readUInt32LE("bit masks")))
            }
            if headerSize == 40 { afterHeader += 4 * maskCount }
        } else if bitsPerPixel == 16 {
            masks = [Mask(0x7C00), Mask(0x03E0), Mask(0x001F)]
        } else if bitsPerPixel >= 24 {
            masks = [Mask(0xFF_0000), Mask(0xFF00), Mask(0xFF)]
        }

        var palette = [UInt8]()
        if bitsPerPixel <= 8 {
            let entrySize = headerSize == 12 ? 3 : 4
            let maximum = 1 << bitsPerPixel
            // The palette holds what the header declares even when the pixel offset points inside it (the
            // pixels then start within the palette): both are read where the header says, as Pillow does. A
            // palette cut short by the end of the file keeps the entries present (the others read as black).
            let declared = colorsUsed > 0 && colorsUsed <= maximum ? colorsUsed : maximum
            let count = min(declared, max(0, bytes.count - afterHeader) / entrySize)
            var paletteReader = ByteReader(bytes, offset: afterHeader, format: "BMP")
            let range = try paletteReader.readRange(count * entrySize, "palette")
            palette.reserveCapacity(count * 3)
            for entry in stride(from: range.lowerBound, to: range.upperBound, by: entrySize) {
                palette.append(bytes[entry + 2])
                palette.append(bytes[entry + 1])
                palette.append(bytes[entry])
            }
        }
        guard pixelOffset >= 14, pixelOffset <= bytes.count else {
            throw .truncated("BMP pixel data offset \(pixelOffset) is beyond the \(bytes.count)-byte file")
        }
        self.width = width
        self.height = height
        self.topDown = rawHeight < 0
        self.bitsPerPixel = bitsPerPixel
        self.compression = compression
        self.pixelOffset = pixelOffset
        self.masks = masks
        self.palette = palette
    }
}
