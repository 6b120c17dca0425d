// SPDX-License-Identifier: Apache-2.0

/// Decodes binary Netpbm files: `P5` (PGM, gray) and `P6` (PPM, RGB), 8-bit (maxval ≤ 255) or
/// 16-bit big-endian (maxval 256…65535), with `#` comments in the header.
///
/// Samples are returned as stored when maxval is 255 or 65535; other maxvals are rescaled to the full
/// 8- or 16-bit range with rounding.
public struct PNMDecoder: ImageDecoder {
    /// Creates a PNM decoder.
    public init() {}

    /// Whether `header` starts with `P5` or `P6` followed by whitespace.
    /// - Parameter header: The first bytes of a file.
    /// - Returns: `true` for a binary PGM or PPM.
    public func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
        guard header.count >= 3 else { return false }
        let i = header.startIndex
        return header[i] == UInt8(ascii: "P")
            && (header[i + 1] == UInt8(ascii: "5") || header[i + 1] == UInt8(ascii: "6"))
            && Self.isWhitespace(header[i + 2])
    }

    /// Decodes a P5 or P6 file.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Checked against the header size before the pixels are allocated.
    /// - Returns: A ``PixelFormat/gray`` (P5) or ``PixelFormat/rgb`` (P6) image, 8- or 16-bit.
    /// - Throws: ``MediaDecodingError``: `.truncated`, `.corrupt` (bad header, sample above maxval),
    ///   `.unsupported` (ASCII or bitmap variants) or `.limitExceeded`.
    public func decode(_ bytes: [UInt8], limits: DecodingLimits) throws(MediaDecodingError) -> Image {
        guard bytes.count >= 2 else { throw .truncated("file is shorter than the PNM magic") }
        guard bytes[0] == UInt8(ascii: "P") else { throw .corrupt("file does not start with a PNM magic number") }
        let channels: Int
        switch bytes[1] {
        case UInt8(ascii: "5"): channels = 1
        case UInt8(ascii: "6"): channels = 3
        case UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "4"):
            throw .unsupported("PNM variant P\(Character(UnicodeScalar(bytes[1]))) is not supported (only P5 and P6)")
        default:
            throw .corrupt("PNM magic P\(Character(UnicodeScalar(bytes[1]))) is invalid")
        }
        var offset = 2
        let width = try Self.readNumber(bytes, &offset, "width")
        let height = try Self.readNumber(bytes, &offset, "height")
        let maxValue = try Self.readNumber(bytes, &offset, "maxval")
        guard (1...65535).contains(maxValue) else { throw .corrupt("PNM maxval \(maxValue) is not 1 to 65535") }
        guard offset < bytes.count else { throw .truncated("PNM header ends without the whitespace before the pixels") }
        guard Self.isWhitespace(bytes[offset]) else { throw .corrupt("PNM maxval is not followed by whitespace") }
        offset += 1
        let wide = maxValue > 255
        try limits.checkImage(width: width, height: height, bytesPerPixel: channels * (wide ? 2 : 1), format: "PNM")
        let count = width * height * channels
        let needed = count * (wide ? 2 : 1)
        guard bytes.count - offset >= needed else {
            throw .truncated("PNM pixel data needs \(needed) bytes, \(bytes.count - offset) present")
        }
        let format: PixelFormat = channels == 1 ? .gray : .rgb
        if wide {
            var out = [UInt16](repeating: 0, count: count)
            for i in 0..<count {
                let value = UInt16(bytes[offset + 2 * i]) << 8 | UInt16(bytes[offset + 2 * i + 1])
                guard Int(value) <= maxValue else { throw .corrupt("PNM sample \(value) exceeds maxval \(maxValue)") }
                out[i] = maxValue == 65535 ? value : UInt16((Int(value) * 65535 + maxValue / 2) / maxValue)
            }
            return Image(width: width, height: height, format: format, samples: .uint16(out))
        }
        var out = Array(bytes[offset..<(offset + count)])
        if maxValue != 255 {
            for i in 0..<count {
                let value = Int(out[i])
                guard value <= maxValue else { throw .corrupt("PNM sample \(value) exceeds maxval \(maxValue)") }
                out[i] = UInt8((value * 255 + maxValue / 2) / maxValue)
            }
        }
        return Image(width: width, height: height, format: format, samples: .uint8(out))
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    /// Skips whitespace and comments, then reads a decimal number (at most 9 digits, so it cannot overflow).
    private static func readNumber(
        _ bytes: [UInt8],
        _ offset: inout Int,
        _ what: String
    ) throws(MediaDecodingError) -> Int {
        while offset < bytes.count {
            if isWhitespace(bytes[offset]) {
                offset += 1
            } else if bytes[offset] == UInt8(ascii: "#") {
                while offset < bytes.count, bytes[offset] != 0x0A, bytes[offset] != 0x0D { offset += 1 }
            } else {
                break
            }
        }
        var value = 0
        var digits = 0
        while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
            guard digits < 9 else { throw .corrupt("PNM \(what) has too many digits") }
            value = value * 10 + Int(bytes[offset] - UInt8(ascii: "0"))
            digits += 1
            offset += 1
        }
        guard digits > 0 else {
            if offset >= bytes.count { throw .truncated("PNM header ends before the \(what)") }
            throw .corrupt("PNM \(what) is not a decimal number")
        }
        return value
    }
}
