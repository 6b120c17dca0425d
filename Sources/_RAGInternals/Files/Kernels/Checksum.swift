// SPDX-License-Identifier: Apache-2.0

/// A streaming 64-bit checksum over whole files: eight bytes at a time, `h = rotl(h ^ word, 29) · prime`,
/// then one step per trailing byte, finished with `h ^ (h >> 32)`.
///
/// Words are taken from the byte stream as a whole, so the checksum does not depend on how the bytes were split
/// into chunks. Every step is a bijection of the running state for a fixed input and changes the state for a
/// changed input, so any change confined to a single byte (in particular any single-bit flip) always changes
/// the checksum.
package struct Checksum {
    private static let prime: UInt64 = 0x0000_0100_0000_01B3
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325
    /// Bytes absorbed since the last whole word, packed little-endian.
    private var pending: UInt64 = 0
    private var pendingCount = 0

    /// A checksum of nothing yet.
    package init() {}

    /// The checksum of `bytes`, in one call.
    package static func of(_ bytes: some Collection<UInt8>) -> UInt64 {
        var checksum = Checksum()
        let done: Void? = bytes.withContiguousStorageIfAvailable { unsafe checksum.update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            let contiguous = ContiguousArray(bytes)
            unsafe contiguous.withUnsafeBytes { unsafe checksum.update($0) }
        }
        return checksum.value
    }

    @inline(__always)
    private static func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = h ^ word
        return (mixed << 29 | mixed >> 35) &* prime
    }

    /// Absorbs `bytes`.
    package mutating func update(_ bytes: [UInt8]) {
        unsafe bytes.withUnsafeBytes { unsafe update($0) }
    }

    /// Absorbs `bytes`.
    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var h = state
        var i = 0
        while pendingCount > 0 && i < bytes.count {
            pending |= UInt64(unsafe bytes[i]) << (8 * pendingCount)
            pendingCount += 1
            i += 1
            if pendingCount == 8 {
                h = Self.mix(h, pending)
                pending = 0
                pendingCount = 0
            }
        }
        let words = (bytes.count - i) / 8
        for w in 0..<words {
            h = Self.mix(
                h,
                UInt64(littleEndian: unsafe bytes.loadUnaligned(fromByteOffset: i &+ w &* 8, as: UInt64.self))
            )
        }
        i += words * 8
        while i < bytes.count {
            pending |= UInt64(unsafe bytes[i]) << (8 * pendingCount)
            pendingCount += 1
            i += 1
        }
        state = h
    }

    /// The checksum of everything absorbed so far.
    package var value: UInt64 {
        var h = state
        for b in 0..<pendingCount { h = (h ^ ((pending >> (8 * b)) & 0xFF)) &* Self.prime }
        return h ^ (h >> 32)
    }
}
