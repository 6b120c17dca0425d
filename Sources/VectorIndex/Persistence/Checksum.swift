// SPDX-License-Identifier: Apache-2.0

/// A streaming 64-bit checksum over whole files: eight bytes at a time, `h = rotl(h ^ word, 29) · prime`,
/// then one step per trailing byte, finished with `h ^ (h >> 32)`.
///
/// Every step is a bijection of the running state for a fixed input and changes the state for a changed input,
/// so any change confined to a single byte (in particular any single-bit flip) always changes the checksum.
struct Checksum {
    private static let prime: UInt64 = 0x0000_0100_0000_01B3
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325
    /// Set once a chunk whose length is not a multiple of eight has been absorbed; nothing may follow it.
    private var sawTail = false

    /// Absorbs `bytes`.
    ///
    /// Every chunk but the last must be a multiple of eight bytes long.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!sawTail, "checksum: only the last chunk may have a length that is not a multiple of 8")
        let words = bytes.count / 8
        var h = state
        for i in 0..<words {
            let word = UInt64(littleEndian: unsafe bytes.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self))
            let mixed = h ^ word
            h = (mixed << 29 | mixed >> 35) &* Self.prime
        }
        for i in words * 8..<bytes.count {
            h = (h ^ UInt64(unsafe bytes[i])) &* Self.prime
            sawTail = true
        }
        state = h
    }

    /// The checksum of everything absorbed so far.
    var value: UInt64 { state ^ (state >> 32) }
}
