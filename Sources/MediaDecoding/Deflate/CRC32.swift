// SPDX-License-Identifier: Apache-2.0

/// The CRC-32 used by PNG, zlib's gzip and ZIP (ISO-HDLC: reflected polynomial 0xEDB88320, init and final
/// XOR 0xFFFFFFFF), computed eight bytes at a time with the slicing-by-8 tables.
struct CRC32 {
    /// Eight 256-entry tables back to back: table `k` advances the CRC of a byte followed by `k` zero bytes.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 {
                c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
            }
            tables[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let previous = tables[(k - 1) * 256 + n]
                tables[k * 256 + n] = tables[Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return tables
    }()

    private var state: UInt32 = 0xFFFF_FFFF

    init() {}

    /// Feeds `range` of `bytes` into the checksum.
    mutating func update(_ bytes: [UInt8], _ range: Range<Int>) {
        let t = Self.tables
        var c = state
        var i = range.lowerBound
        while range.upperBound - i >= 8 {
            let low = c ^ bytes.uint32LE(at: i)
            let high = bytes.uint32LE(at: i + 4)
            c =
                t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                ^ t[256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
            i += 8
        }
        while i < range.upperBound {
            c = t[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
            i += 1
        }
        state = c
    }

    /// The checksum of everything fed so far.
    var value: UInt32 { state ^ 0xFFFF_FFFF }

    /// The CRC-32 of `range` of `bytes`.
    static func checksum(_ bytes: [UInt8], _ range: Range<Int>) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes, range)
        return crc.value
    }
}
