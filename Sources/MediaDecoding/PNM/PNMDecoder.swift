// SPDX-License-Identifier: Apache-2.0

/// Decodes Netpbm files: `P1`/`P4` (PBM, bitmap), `P2`/`P5` (PGM, gray), `P3`/`P6` (PPM, RGB), plain (ASCII) or
/// binary, and `P7` (PAM: `GRAYSCALE`, `BLACKANDWHITE`, `RGB`, their `_ALPHA` forms, or no tuple type with
/// DEPTH 1…4), with `#` comments in the header.
///
/// Output: PBM → ``PixelFormat/gray`` (black 0, white 255); PGM → gray; PPM → ``PixelFormat/rgb``; PAM →
/// gray, ``PixelFormat/grayAlpha``, rgb or ``PixelFormat/rgba`` by depth. A maxval up to 255 gives 8-bit
/// samples, a larger one 16-bit samples. Samples are returned as stored when maxval is 255 or 65535; other
/// maxvals are rescaled to the full range as Pillow does, `round(v / maxval × 255)` (or × 65535), ties to even.
public struct PNMDecoder: ImageDecoder {
    /// Creates a PNM decoder.
    public init() {}

    /// Whether `header` starts with `P1`…`P7` followed by whitespace.
    /// - Parameter header: The first bytes of a file.
    /// - Returns: `true` for a Netpbm file.
    public func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
        guard header.count >= 3 else { return false }
        let i = header.startIndex
        return header[i] == UInt8(ascii: "P") && (UInt8(ascii: "1")...UInt8(ascii: "7")).contains(header[i + 1])
            && PNMHeader.isWhitespace(header[i + 2])
    }

    /// Decodes a Netpbm file.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Checked against the header size before the pixels are allocated.
    /// - Returns: An 8- or 16-bit image in the format described on ``PNMDecoder``.
    /// - Throws: ``MediaDecodingError``: `.truncated`, `.corrupt` (bad header, sample above maxval),
    ///   `.unsupported` (a PAM tuple type other than gray or RGB, with or without alpha) or `.limitExceeded`.
    public func decode(_ bytes: [UInt8], limits: DecodingLimits) throws(MediaDecodingError) -> Image {
        let header = try PNMHeader(bytes)
        let wide = header.maxValue > 255
        try limits.checkImage(
            width: header.width,
            height: header.height,
            bytesPerPixel: header.depth * (wide ? 2 : 1),
            format: "PNM"
        )
        let count = header.width * header.height * header.depth
        // A plain raster needs at least a byte per sample (a digit; numbers also need a separator), so a small
        // file claiming a large image is refused before the samples are allocated.
        let present = bytes.count - header.rasterOffset
        if header.encoding == .plainBitmap, present < count {
            throw .truncated("PBM data holds \(present) bytes, the \(count) pixels need at least as many")
        }
        if header.encoding == .plain, present < 2 * count - 1 {
            throw .truncated("PNM data holds \(present) bytes, the \(count) samples need at least \(2 * count - 1)")
        }
        let values: [UInt16]
        switch header.encoding {
        case .rawBitmap: values = try Self.rawBitmap(bytes, header)
        case .plainBitmap: values = try Self.plainBitmap(bytes, header, count: count)
        case .plain: values = try Self.plain(bytes, header, count: count)
        case .raw: values = try Self.raw(bytes, header, count: count)
        }
        if header.encoding == .rawBitmap || header.encoding == .plainBitmap {
            // PBM: 1 is black.
            let gray = values.map { $0 == 0 ? UInt8(255) : 0 }
            return Image(width: header.width, height: header.height, format: .gray, samples: .uint8(gray))
        }
        let full = wide ? 65535 : 255
        var table: [UInt16]?
        if header.maxValue != full {
            table = (0...header.maxValue).map { value in
                UInt16((Double(value) / Double(header.maxValue) * Double(full)).rounded(.toNearestOrEven))
            }
        }
        let scaled = table.map { table in values.map { table[Int($0)] } } ?? values
        let samples: Image.Samples = wide ? .uint16(scaled) : .uint8(scaled.map { UInt8(truncatingIfNeeded: $0) })
        return Image(width: header.width, height: header.height, format: header.format, samples: samples)
    }

    private static func checked(_ value: Int, _ header: PNMHeader) throws(MediaDecodingError) -> UInt16 {
        guard value <= header.maxValue else { throw .corrupt("PNM sample \(value) exceeds maxval \(header.maxValue)") }
        return UInt16(value)
    }

    private static func raw(_ bytes: [UInt8], _ header: PNMHeader, count: Int) throws(MediaDecodingError) -> [UInt16] {
        let wide = header.maxValue > 255
        let offset = header.rasterOffset
        let needed = count * (wide ? 2 : 1)
        guard bytes.count - offset >= needed else {
            throw .truncated("PNM pixel data needs \(needed) bytes, \(bytes.count - offset) present")
        }
        var out = [UInt16](repeating: 0, count: count)
        for i in 0..<count {
            let value =
                wide ? Int(bytes[offset + 2 * i]) << 8 | Int(bytes[offset + 2 * i + 1]) : Int(bytes[offset + i])
            out[i] = try checked(value, header)
        }
        return out
    }

    private static func plain(_ bytes: [UInt8], _ header: PNMHeader, count: Int) throws(MediaDecodingError) -> [UInt16]
    {
        var offset = header.rasterOffset
        var out = [UInt16](repeating: 0, count: count)
        for i in 0..<count {
            out[i] = try checked(try PNMHeader.readNumber(bytes, &offset, "sample"), header)
        }
        return out
    }

    private static func plainBitmap(
        _ bytes: [UInt8],
        _ header: PNMHeader,
        count: Int
    ) throws(MediaDecodingError) -> [UInt16] {
        var offset = header.rasterOffset
        var out = [UInt16](repeating: 0, count: count)
        for i in 0..<count {
            PNMHeader.skipSeparators(bytes, &offset)
            guard offset < bytes.count else { throw .truncated("PBM data ends after \(i) of \(count) pixels") }
            switch bytes[offset] {
            case UInt8(ascii: "0"): out[i] = 0
            case UInt8(ascii: "1"): out[i] = 1
            default: throw .corrupt("PBM pixel is not 0 or 1")
            }
            offset += 1
        }
        return out
    }

    private static func rawBitmap(_ bytes: [UInt8], _ header: PNMHeader) throws(MediaDecodingError) -> [UInt16] {
        let rowBytes = (header.width + 7) / 8
        let needed = rowBytes * header.height
        let offset = header.rasterOffset
        guard bytes.count - offset >= needed else {
            throw .truncated("PBM pixel data needs \(needed) bytes, \(bytes.count - offset) present")
        }
        var out = [UInt16](repeating: 0, count: header.width * header.height)
        for y in 0..<header.height {
            for x in 0..<header.width {
                let byte = bytes[offset + y * rowBytes + x / 8]
                out[y * header.width + x] = UInt16((byte >> (7 - UInt8(x % 8))) & 1)
            }
        }
        return out
    }
}
