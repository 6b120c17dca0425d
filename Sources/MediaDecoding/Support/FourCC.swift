// SPDX-License-Identifier: Apache-2.0

/// Four-character codes (RIFF chunk ids, ISO-BMFF box types, codec tags) packed big-endian, first
/// character in the high byte, so the same constant matches AVI and MP4 files read with `uint32BE(at:)`.
enum FourCC {
    /// Packs a four-character ASCII string.
    static func value(_ text: String) -> UInt32 {
        var result: UInt32 = 0
        for byte in text.utf8.prefix(4) { result = result << 8 | UInt32(byte) }
        return result
    }

    /// The code as text for messages: the four characters when printable, otherwise hexadecimal.
    static func name(_ value: UInt32) -> String {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32($0))) }
        if bytes.allSatisfy({ (0x20...0x7E).contains($0) }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        let digits = "0123456789abcdef".map { $0 }
        return "0x" + bytes.map { "\(digits[Int($0 >> 4)])\(digits[Int($0 & 15)])" }.joined()
    }

    static let riff = value("RIFF")
    static let list = value("LIST")
    static let avi = value("AVI ")
    static let hdrl = value("hdrl")
    static let avih = value("avih")
    static let strl = value("strl")
    static let strh = value("strh")
    static let strf = value("strf")
    static let movi = value("movi")
    static let rec = value("rec ")
    static let idx1 = value("idx1")
    static let vids = value("vids")
    static let auds = value("auds")
}
