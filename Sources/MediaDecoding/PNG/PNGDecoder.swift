// SPDX-License-Identifier: Apache-2.0

/// Decodes PNG files (ISO/IEC 15948): every colour type and bit depth, `PLTE` + `tRNS`, Adam7 interlacing,
/// all five filters, with every chunk's CRC-32 and the zlib Adler-32 checked.
///
/// Output formats:
/// - gray → ``PixelFormat/gray`` (1/2/4-bit scaled to 8 bits by bit replication: ×255, ×85, ×17);
/// - gray + alpha → ``PixelFormat/grayAlpha``; RGB → ``PixelFormat/rgb``; RGBA → ``PixelFormat/rgba``;
/// - palette → ``PixelFormat/rgb``, or ``PixelFormat/rgba`` when a `tRNS` chunk is present
///   (entries beyond `tRNS` are opaque; an index past the palette reads as black, as in libpng and Pillow);
/// - gray or RGB with a `tRNS` colour key → the alpha variant, alpha 0 exactly where the stored sample equals
///   the key masked to the bit depth (libpng's reading; Pillow differs on keys out of range and below 8 bits);
/// - 16-bit images stay 16-bit (``Image/Samples/uint16(_:)``). Gamma and ICC profiles are not applied.
public struct PNGDecoder: ImageDecoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Creates a PNG decoder.
    public init() {}

    /// Whether `header` starts with the 8-byte PNG signature.
    /// - Parameter header: The first bytes of a file.
    /// - Returns: `true` for a PNG signature.
    public func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
        header.starts(with: Self.signature)
    }

    /// Decodes a PNG file.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Checked against the IHDR size before any image memory is allocated.
    /// - Returns: The image, in the format described on ``PNGDecoder``.
    /// - Throws: ``MediaDecodingError``: `.truncated`, `.corrupt`, `.checksumMismatch` (a chunk CRC or the
    ///   Adler-32), `.unsupported` (an unknown critical chunk) or `.limitExceeded`.
    public func decode(_ bytes: [UInt8], limits: DecodingLimits) throws(MediaDecodingError) -> Image {
        guard bytes.count >= Self.signature.count else { throw .truncated("file is shorter than the PNG signature") }
        guard bytes.matches(Self.signature, at: 0) else { throw .corrupt("file does not start with the PNG signature") }
        var reader = ByteReader(bytes, offset: Self.signature.count, format: "PNG")
        var header: PNGHeader?
        var palette: [UInt8]?
        var transparency: [UInt8]?
        var compressed = [UInt8]()
        var sawData = false
        while true {
            let length = Int(try reader.readUInt32BE("chunk length"))
            guard length <= 0x7FFF_FFFF else { throw .corrupt("PNG chunk length \(length) exceeds 2^31-1") }
            let typeRange = try reader.readRange(4, "chunk type")
            let name = String(decoding: bytes[typeRange], as: UTF8.self)
            let dataRange = try reader.readRange(length, "chunk \(name) data")
            let stored = try reader.readUInt32BE("chunk \(name) CRC")
            let actual = CRC32.checksum(bytes, typeRange.lowerBound..<dataRange.upperBound)
            guard stored == actual else {
                throw MediaDecodingError(
                    .checksumMismatch,
                    "PNG chunk \(name) CRC-32 is \(hex(actual)) but the file stores \(hex(stored))"
                )
            }
            if header == nil, name != "IHDR" {
                throw .corrupt("PNG first chunk is \(name), not IHDR")
            }
            switch name {
            case "IHDR":
                guard header == nil else { throw .corrupt("PNG has a second IHDR chunk") }
                let parsed = try PNGHeader(bytes, dataRange)
                let outputChannels = parsed.colorType == .palette ? 4 : max(parsed.colorType.channels, 2)
                try limits.checkImage(
                    width: parsed.width,
                    height: parsed.height,
                    bytesPerPixel: outputChannels * (parsed.bitDepth == 16 ? 2 : 1),
                    format: "PNG"
                )
                header = parsed
            case "PLTE":
                guard length % 3 == 0, (3...768).contains(length) else {
                    throw .corrupt("PNG PLTE chunk length \(length) is not 3 to 768 bytes in steps of 3")
                }
                guard !sawData else { throw .corrupt("PNG PLTE chunk comes after IDAT") }
                palette = Array(bytes[dataRange])
            case "tRNS":
                transparency = Array(bytes[dataRange])
            case "IDAT":
                sawData = true
                compressed.append(contentsOf: bytes[dataRange])
            case "IEND":
                guard let header else { throw .corrupt("PNG has no IHDR chunk") }
                return try finish(header, palette, transparency, compressed, sawData: sawData, limits: limits)
            default:
                // Bit 5 of the first type byte clear marks a critical chunk that must be understood.
                guard bytes[typeRange.lowerBound] & 0x20 != 0 else {
                    throw .unsupported("PNG critical chunk \(name) is not supported")
                }
            }
        }
    }

    private func finish(
        _ header: PNGHeader,
        _ palette: [UInt8]?,
        _ transparency: [UInt8]?,
        _ compressed: [UInt8],
        sawData: Bool,
        limits: DecodingLimits
    ) throws(MediaDecodingError) -> Image {
        guard sawData else { throw .corrupt("PNG has no IDAT chunk") }
        if header.colorType == .palette, palette == nil {
            throw .corrupt("PNG palette image has no PLTE chunk")
        }
        let expected = header.decompressedSize
        guard expected <= limits.maxDecompressedBytes else {
            throw .limit("PNG image data needs \(expected) bytes, over the limit of \(limits.maxDecompressedBytes)")
        }
        var data: [UInt8]
        do {
            data = try ZlibDecoder.decompress(compressed, maxOutput: expected, sizeHint: expected)
        } catch  where error.code == .limitExceeded {
            throw .corrupt("PNG image data holds more than the \(expected) bytes the image needs")
        } catch {
            throw MediaDecodingError(error.code, "PNG image data: \(error.message)")
        }
        guard data.count == expected else {
            throw .corrupt("PNG image data is \(data.count) bytes, the image needs \(expected)")
        }
        return try PNGRaster.decode(&data, header: header, palette: palette, transparency: transparency)
    }
}
