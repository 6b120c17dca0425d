// SPDX-License-Identifier: Apache-2.0

/// The Adler-32 checksum that ends a zlib stream (RFC 1950 §9).
enum Adler32 {
    /// The Adler-32 of `range` of `bytes`.
    static func checksum(_ bytes: [UInt8], _ range: Range<Int>) -> UInt32 {
        let modulus: UInt32 = 65_521
        var a: UInt32 = 1
        var b: UInt32 = 0
        var index = range.lowerBound
        while index < range.upperBound {
            // 5552 is the largest run for which b cannot overflow 32 bits before the reduction.
            let end = min(index + 5552, range.upperBound)
            while index < end {
                a &+= UInt32(bytes[index])
                b &+= a
                index += 1
            }
            a %= modulus
            b %= modulus
        }
        return b << 16 | a
    }
}
