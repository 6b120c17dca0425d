// SPDX-License-Identifier: Apache-2.0

/// GPT-2's reversible byte → character map: printable Latin-1 bytes map to themselves, the other 68 bytes to
/// U+0100 and up, in byte order.
enum ByteAlphabet {
    /// The character of each byte value, indexed by the byte.
    static let characters: [Character] = {
        var table = [Character](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = Character(Unicode.Scalar(UInt8(byte)))
            } else {
                table[byte] = Character(Unicode.Scalar(next)!)
                next += 1
            }
        }
        return table
    }()
}
