// SPDX-License-Identifier: Apache-2.0

/// SHA-256 (FIPS 180-4), fed incrementally; used to verify downloaded model files.
///
/// ```swift
/// var hash = SHA256()
/// hash.update(Array("abc".utf8))
/// hash.finalize().hexString  // "ba7816bf…f20015ad"
/// ```
package struct SHA256: Sendable {
    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    private var state: [UInt32] = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    /// Creates a hash of no bytes.
    package init() { pending.reserveCapacity(64) }

    /// Appends bytes to the message.
    package mutating func update(_ bytes: some Collection<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            // SAFETY: the buffer is only read within this closure.
            unsafe update(UnsafeRawBufferPointer(buffer))
        }
        if handled == nil { update(Array(bytes)) }
    }

    /// Appends the bytes of a contiguous buffer.
    private mutating func update(_ raw: UnsafeRawBufferPointer) {
        let count = raw.count
        length &+= UInt64(count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, count)
            unsafe pending.append(contentsOf: raw[0..<take])
            offset = take
            guard pending.count == 64 else { return }
            unsafe pending.withUnsafeBytes { unsafe compress($0) }
            pending.removeAll(keepingCapacity: true)
        }
        while offset + 64 <= count {
            unsafe compress(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + 64]))
            offset += 64
        }
        unsafe pending.append(contentsOf: raw[offset...])
    }

    /// Pads the message and returns the 32-byte digest.
    package consuming func finalize() -> Digest {
        let bitLength = length &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        unsafe tail.withUnsafeBytes { raw in
            for start in stride(from: 0, to: raw.count, by: 64) {
                unsafe compress(UnsafeRawBufferPointer(rebasing: raw[start..<start + 64]))
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for word in state {
            bytes += [
                UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8),
                UInt8(truncatingIfNeeded: word),
            ]
        }
        return Digest(bytes: bytes)
    }

    /// The digest of `bytes`.
    package static func hash(_ bytes: some Collection<UInt8>) -> Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Processes one 64-byte block.
    ///
    /// Raw loads keep this usable in debug builds, where checked array access
    /// would make hashing a model file take minutes.
    private mutating func compress(_ block: UnsafeRawBufferPointer) {
        precondition(block.count == 64)
        var a = state[0]
        var b = state[1]
        var c = state[2]
        var d = state[3]
        var e = state[4]
        var f = state[5]
        var g = state[6]
        var h = state[7]
        unsafe withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for t in 0..<16 {
                unsafe w[t] = UInt32(bigEndian: unsafe block.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
            }
            for t in 16..<64 {
                let w15 = unsafe w[t &- 15]
                let w2 = unsafe w[t &- 2]
                let s0 = w15.rotatedRight(7) ^ w15.rotatedRight(18) ^ (w15 &>> 3)
                let s1 = w2.rotatedRight(17) ^ w2.rotatedRight(19) ^ (w2 &>> 10)
                unsafe w[t] = unsafe w[t &- 16] &+ s0 &+ w[t &- 7] &+ s1
            }
            unsafe Self.k.withUnsafeBufferPointer { k in
                for t in 0..<64 {
                    let s1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
                    let choice = (e & f) ^ (~e & g)
                    let t1 = unsafe h &+ s1 &+ choice &+ k[t] &+ w[t]
                    let s0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    h = g
                    g = f
                    f = e
                    e = d &+ t1
                    d = c
                    c = b
                    b = a
                    a = t1 &+ s0 &+ majority
                }
            }
        }
        state[0] &+= a
        state[1] &+= b
        state[2] &+= c
        state[3] &+= d
        state[4] &+= e
        state[5] &+= f
        state[6] &+= g
        state[7] &+= h
    }

    /// A 32-byte SHA-256 digest.
    package struct Digest: Hashable, Sendable, CustomStringConvertible {
        /// The 32 bytes.
        package let bytes: [UInt8]

        /// The digest as 64 lower-case hexadecimal digits, the form LFS uses for object ids.
        package var hexString: String {
            let digits = Array("0123456789abcdef".utf8)
            var text: [UInt8] = []
            text.reserveCapacity(64)
            for byte in bytes {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0F)])
            }
            return String(decoding: text, as: UTF8.self)
        }

        /// The hexadecimal form.
        package var description: String { hexString }
    }
}

extension UInt32 {
    fileprivate func rotatedRight(_ count: UInt32) -> UInt32 { (self &>> count) | (self &<< (32 &- count)) }
}
