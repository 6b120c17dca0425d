// SPDX-License-Identifier: Apache-2.0

/// The parsed header of a Netpbm file (`P1`…`P7`) and the position of its raster.
struct PNMHeader {
    /// How the raster stores its samples.
    enum Encoding {
        /// `P1`: ASCII `0`/`1` digits, 1 = black, whitespace optional.
        case plainBitmap
        /// `P4`: packed bits, most significant first, rows padded to a byte, 1 = black.
        case rawBitmap
        /// `P2`, `P3`: decimal numbers separated by whitespace.
        case plain
        /// `P5`, `P6`, `P7`: one byte per sample (maxval < 256) or two, big-endian.
        case raw
    }

    let width: Int
    let height: Int
    /// Samples per pixel: 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).
    let depth: Int
    let maxValue: Int
    let encoding: Encoding
    /// The offset of the first raster byte.
    let rasterOffset: Int

    /// The output format for ``depth``.
    var format: PixelFormat {
        switch depth {
        case 1: .gray
        case 2: .grayAlpha
        case 3: .rgb
        default: .rgba
        }
    }

    init(_ bytes: [UInt8]) throws(MediaDecodingError) {
        guard bytes.count >= 2 else { throw .truncated("file is shorter than the PNM magic") }
        guard bytes[0] == UInt8(ascii: "P"), (UInt8(ascii: "1")...UInt8(ascii: "7")).contains(bytes[1]) else {
            throw .corrupt("file does not start with a PNM magic number P1 to P7")
        }
        let variant = Int(bytes[1] - UInt8(ascii: "0"))
        if variant == 7 {
            self = try Self.arbitraryMap(bytes)
            return
        }
        var offset = 2
        width = try Self.readNumber(bytes, &offset, "width")
        height = try Self.readNumber(bytes, &offset, "height")
        depth = variant == 3 || variant == 6 ? 3 : 1
        if variant == 1 || variant == 4 {
            maxValue = 1
        } else {
            maxValue = try Self.readNumber(bytes, &offset, "maxval")
            guard (1...65535).contains(maxValue) else { throw .corrupt("PNM maxval \(maxValue) is not 1 to 65535") }
        }
        switch variant {
        case 1: encoding = .plainBitmap
        case 2, 3: encoding = .plain
        case 4: encoding = .rawBitmap
        default: encoding = .raw
        }
        if variant >= 4 {
            // Exactly one whitespace byte separates the header from a binary raster.
            guard offset < bytes.count else {
                throw .truncated("PNM header ends without the whitespace before the pixels")
            }
            guard Self.isWhitespace(bytes[offset]) else { throw .corrupt("PNM header is not followed by whitespace") }
            offset += 1
        }
        rasterOffset = offset
    }

    private init(width: Int, height: Int, depth: Int, maxValue: Int, rasterOffset: Int) {
        self.width = width
        self.height = height
        self.depth = depth
        self.maxValue = maxValue
        self.encoding = .raw
        self.rasterOffset = rasterOffset
    }

    /// Parses a PAM header: `KEY value` lines (`WIDTH`, `HEIGHT`, `DEPTH`, `MAXVAL`, `TUPLTYPE`), `#` comments,
    /// ended by an `ENDHDR` line.
    private static func arbitraryMap(_ bytes: [UInt8]) throws(MediaDecodingError) -> PNMHeader {
        var offset = 2
        var fields: [String: Int] = [:]
        var tupleType = ""
        while true {
            // Skip to the start of a non-empty line.
            while offset < bytes.count, isWhitespace(bytes[offset]) { offset += 1 }
            guard offset < bytes.count else { throw .truncated("PAM header ends before ENDHDR") }
            var end = offset
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            guard end < bytes.count else { throw .truncated("PAM header ends before ENDHDR") }
            let line = String(decoding: bytes[offset..<end], as: UTF8.self)
            offset = end + 1
            if line.hasPrefix("#") { continue }
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let key = parts.first else { continue }
            if key == "ENDHDR" { break }
            if key == "TUPLTYPE" {
                tupleType += (tupleType.isEmpty ? "" : " ") + parts.dropFirst().joined(separator: " ")
                continue
            }
            guard ["WIDTH", "HEIGHT", "DEPTH", "MAXVAL"].contains(key) else {
                throw .corrupt("PAM header line \"\(line.prefix(40))\" is not a known keyword")
            }
            guard parts.count == 2, let value = Int(parts[1]), value >= 0, value <= 999_999_999 else {
                throw .corrupt("PAM \(key) is not a decimal number")
            }
            fields[String(key)] = value
        }
        guard let width = fields["WIDTH"], let height = fields["HEIGHT"], let depth = fields["DEPTH"],
            let maxValue = fields["MAXVAL"]
        else { throw .corrupt("PAM header lacks WIDTH, HEIGHT, DEPTH or MAXVAL") }
        guard (1...65535).contains(maxValue) else { throw .corrupt("PAM MAXVAL \(maxValue) is not 1 to 65535") }
        let expected: [String: Int] = [
            "BLACKANDWHITE": 1, "GRAYSCALE": 1, "BLACKANDWHITE_ALPHA": 2, "GRAYSCALE_ALPHA": 2, "RGB": 3,
            "RGB_ALPHA": 4,
        ]
        if !tupleType.isEmpty {
            guard let tupleDepth = expected[tupleType] else {
                throw .unsupported("PAM tuple type \(tupleType.prefix(40)) is not supported")
            }
            guard tupleDepth == depth else { throw .corrupt("PAM tuple type \(tupleType) needs DEPTH \(tupleDepth)") }
        }
        guard (1...4).contains(depth) else { throw .unsupported("PAM DEPTH \(depth) is not supported (1 to 4)") }
        return PNMHeader(width: width, height: height, depth: depth, maxValue: maxValue, rasterOffset: offset)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    /// Skips whitespace and `#` comments (to the end of their line).
    static func skipSeparators(_ bytes: [UInt8], _ offset: inout Int) {
        while offset < bytes.count {
            if isWhitespace(bytes[offset]) {
                offset += 1
            } else if bytes[offset] == UInt8(ascii: "#") {
                while offset < bytes.count, bytes[offset] != 0x0A, bytes[offset] != 0x0D { offset += 1 }
            } else {
                return
            }
        }
    }

    /// Skips whitespace and comments, then reads a decimal number (at most 9 digits, so it cannot overflow).
    static func readNumber(_ bytes: [UInt8], _ offset: inout Int, _ what: String) throws(MediaDecodingError) -> Int {
        skipSeparators(bytes, &offset)
        var value = 0
        var digits = 0
        while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
            guard digits < 9 else { throw .corrupt("PNM \(what) has too many digits") }
            value = value * 10 + Int(bytes[offset] - UInt8(ascii: "0"))
            digits += 1
            offset += 1
        }
        guard digits > 0 else {
            if offset >= bytes.count { throw .truncated("PNM data ends before the \(what)") }
            throw .corrupt("PNM \(what) is not a decimal number")
        }
        return value
    }
}
