// SPDX-License-Identifier: Apache-2.0

/// Reads the pixel size of an encoded PNG, JPEG, GIF, WebP or BMP from its header, without decoding it, so an
/// image that already fits a provider's budget is sent untouched.
///
/// Returns `nil` for anything it does not recognise or that is cut short; it never traps on bad bytes.
package enum ImageDimensions {
    /// `(width, height)` from the header, or `nil`.
    package static func read(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        switch ChatImage.sniffMediaType(bytes) {
        case "image/png":
            guard bytes.count >= 24, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
            return valid(bigEndian32(bytes, 16), bigEndian32(bytes, 20))
        case "image/gif":
            guard bytes.count >= 10 else { return nil }
            return valid(littleEndian16(bytes, 6), littleEndian16(bytes, 8))
        case "image/bmp":
            guard bytes.count >= 26 else { return nil }
            if littleEndian32(bytes, 14) == 12 { return valid(littleEndian16(bytes, 18), littleEndian16(bytes, 20)) }
            let height = Int(Int32(bitPattern: UInt32(littleEndian32(bytes, 22))))
            return valid(Int(Int32(bitPattern: UInt32(littleEndian32(bytes, 18)))), abs(height))
        case "image/webp":
            return webp(bytes)
        case "image/jpeg":
            return jpeg(bytes)
        default:
            return nil
        }
    }

    private static func jpeg(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        var i = 2
        while i + 1 < bytes.count {
            guard bytes[i] == 0xFF else { return nil }
            var marker = bytes[i + 1]
            i += 1
            while marker == 0xFF, i + 1 < bytes.count {  // fill bytes
                i += 1
                marker = bytes[i]
            }
            i += 1
            if marker == 0x01 || (0xD0...0xD9).contains(marker) { continue }  // no length
            guard i + 1 < bytes.count else { return nil }
            let length = bigEndian16(bytes, i)
            guard length >= 2 else { return nil }
            let frame: Set<UInt8> = [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF]
            if frame.contains(marker) {
                guard i + 7 <= bytes.count else { return nil }
                return valid(bigEndian16(bytes, i + 5), bigEndian16(bytes, i + 3))
            }
            i += length
        }
        return nil
    }

    private static func webp(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count >= 30 else { return nil }
        switch String(decoding: bytes[12..<16], as: UTF8.self) {
        case "VP8 ":
            return valid(littleEndian16(bytes, 26) & 0x3FFF, littleEndian16(bytes, 28) & 0x3FFF)
        case "VP8L":
            guard bytes[20] == 0x2F else { return nil }
            let b1 = Int(bytes[21])
            let b2 = Int(bytes[22])
            let b3 = Int(bytes[23])
            let b4 = Int(bytes[24])
            return valid(1 + (b1 | (b2 & 0x3F) << 8), 1 + (b2 >> 6 | b3 << 2 | (b4 & 0x0F) << 10))
        case "VP8X":
            let width = 1 + (Int(bytes[24]) | Int(bytes[25]) << 8 | Int(bytes[26]) << 16)
            let height = 1 + (Int(bytes[27]) | Int(bytes[28]) << 8 | Int(bytes[29]) << 16)
            return valid(width, height)
        default:
            return nil
        }
    }

    private static func valid(_ width: Int, _ height: Int) -> (width: Int, height: Int)? {
        width > 0 && height > 0 ? (width, height) : nil
    }

    private static func bigEndian16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }

    private static func bigEndian32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    private static func littleEndian16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }

    private static func littleEndian32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24
    }
}
