// SPDX-License-Identifier: Apache-2.0

/// Decodes Windows and OS/2 bitmaps: 1/4/8-bit palette, 16-bit (555, or any `BI_BITFIELDS` masks such as 565),
/// 24-bit, 32-bit (`BI_RGB` or `BI_BITFIELDS`, with an alpha mask when given), `BI_RLE8` and `BI_RLE4`,
/// bottom-up or top-down rows, `BITMAPCOREHEADER` through `BITMAPV5HEADER`.
///
/// The result is ``PixelFormat/rgb`` (palette expanded), or ``PixelFormat/rgba`` when the bit masks include
/// alpha. Mask fields narrower than 8 bits are scaled as Pillow does, `floor(v × 255 / max)`.
public struct BMPDecoder: ImageDecoder {
    /// Creates a BMP decoder.
    public init() {}

    /// Whether `header` starts with `BM` and a plausible DIB header size.
    /// - Parameter header: The first bytes of a file.
    /// - Returns: `true` for a BMP file.
    public func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
        guard header.starts(with: [0x42, 0x4D]) else { return false }
        guard header.count >= 18 else { return true }
        let size = header[header.startIndex + 14]
        return [12, 40, 52, 56, 64, 108, 124].contains(size)
    }

    /// Decodes a BMP file.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Checked against the header size before the pixels are allocated.
    /// - Returns: An 8-bit RGB or RGBA image.
    /// - Throws: ``MediaDecodingError``: `.truncated`, `.corrupt`, `.unsupported` (embedded JPEG/PNG, unknown
    ///   header) or `.limitExceeded`.
    public func decode(_ bytes: [UInt8], limits: DecodingLimits) throws(MediaDecodingError) -> Image {
        let header = try BMPHeader(bytes, limits: limits)
        switch header.compression {
        case .rle8, .rle4:
            let indices = try BMPRunLength.decode(bytes, header: header)
            return expandPalette(indices, header: header)
        case .rgb, .bitfields, .alphaBitfields:
            return try decodeUncompressed(bytes, header: header)
        }
    }

    private func expandPalette(_ indices: [UInt8], header: BMPHeader) -> Image {
        let palette = header.palette
        let entries = palette.count / 3
        var out = [UInt8](repeating: 0, count: indices.count * 3)
        for (p, index) in indices.enumerated() where Int(index) < entries {
            out[p * 3] = palette[Int(index) * 3]
            out[p * 3 + 1] = palette[Int(index) * 3 + 1]
            out[p * 3 + 2] = palette[Int(index) * 3 + 2]
        }
        return Image(width: header.width, height: header.height, format: .rgb, samples: .uint8(out))
    }

    private func decodeUncompressed(_ bytes: [UInt8], header: BMPHeader) throws(MediaDecodingError) -> Image {
        let width = header.width
        let height = header.height
        let bpp = header.bitsPerPixel
        let rowStride = (width * bpp + 31) / 32 * 4
        let needed = rowStride * height
        guard bytes.count - header.pixelOffset >= needed else {
            throw .truncated(
                "BMP pixel data needs \(needed) bytes, \(bytes.count - header.pixelOffset) present"
            )
        }
        if bpp <= 8 {
            var indices = [UInt8](repeating: 0, count: width * height)
            let mask = (1 << bpp) - 1
            for fileRow in 0..<height {
                let y = header.topDown ? fileRow : height - 1 - fileRow
                let rowStart = header.pixelOffset + fileRow * rowStride
                for x in 0..<width {
                    let bit = x * bpp
                    let byte = Int(bytes[rowStart + bit / 8])
                    indices[y * width + x] = UInt8((byte >> (8 - bpp - bit % 8)) & mask)
                }
            }
            return expandPalette(indices, header: header)
        }
        let alpha = header.hasAlpha
        let channels = alpha ? 4 : 3
        let masks = header.masks
        var out = [UInt8](repeating: 0, count: width * height * channels)
        let bytesPerPixel = bpp / 8
        for fileRow in 0..<height {
            let y = header.topDown ? fileRow : height - 1 - fileRow
            let rowStart = header.pixelOffset + fileRow * rowStride
            var o = y * width * channels
            for x in 0..<width {
                let at = rowStart + x * bytesPerPixel
                var pixel = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8
                if bytesPerPixel >= 3 { pixel |= UInt32(bytes[at + 2]) << 16 }
                if bytesPerPixel == 4 { pixel |= UInt32(bytes[at + 3]) << 24 }
                out[o] = masks[0].scaled(pixel)
                out[o + 1] = masks[1].scaled(pixel)
                out[o + 2] = masks[2].scaled(pixel)
                if alpha { out[o + 3] = masks[3].scaled(pixel) }
                o += channels
            }
        }
        return Image(width: width, height: height, format: alpha ? .rgba : .rgb, samples: .uint8(out))
    }
}
