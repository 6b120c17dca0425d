// SPDX-License-Identifier: Apache-2.0

/// An incremental MD5 digest (RFC 1321), for FLAC's STREAMINFO audio signature.
package struct MD5 {
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
    private var buffer = [UInt8]()
    private var length: UInt64 = 0

    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]

    /// `floor(2^32 × |sin(i + 1)|)`.
    private static let constants: [UInt32] = (0..<64).map { i in
        let s = Elementary.sin(Double(i + 1))
        return UInt32((s < 0 ? -s : s) * 4_294_967_296.0)
    }

    package init() {
        buffer.reserveCapacity(128)
    }

    package mutating func update(_ bytes: [UInt8]) {
        length &+= UInt64(bytes.count)
        var start = 0
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, bytes.count)
            buffer += bytes[0..<take]
            start = take
            if buffer.count == 64 {
                compress(buffer, 0)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        while start + 64 <= bytes.count {
            compress(bytes, start)
            start += 64
        }
        if start < bytes.count { buffer += bytes[start...] }
    }

    package mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var tail = buffer + [0x80]
        while tail.count % 64 != 56 { tail.append(0) }
        for i in 0..<8 { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(8 * i))) }
        var offset = 0
        while offset < tail.count {
            compress(tail, offset)
            offset += 64
        }
        var out = [UInt8]()
        for word in [state.0, state.1, state.2, state.3] {
            for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: word >> UInt32(8 * i))) }
        }
        return out
    }

    private mutating func compress(_ block: [UInt8], _ offset: Int) {
        precondition(offset >= 0 && offset + 64 <= block.count, "MD5 block outside the data")
        var (a, b, c, d) = state
        unsafe block.withUnsafeBufferPointer { bytes in
            unsafe Self.constants.withUnsafeBufferPointer { k in
                unsafe Self.shifts.withUnsafeBufferPointer { r in
                    unsafe withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { m in
                        for i in 0..<16 {
                            let p = offset &+ 4 &* i
                            unsafe m[i] =
                                unsafe UInt32(bytes[p]) | UInt32(bytes[p &+ 1]) << 8
                                | UInt32(bytes[p &+ 2]) << 16 | UInt32(bytes[p &+ 3]) << 24
                        }
                        @inline(__always) func step(_ f: UInt32, _ i: Int, _ g: Int) {
                            let sum = unsafe f &+ a &+ k[i] &+ m[g]
                            a = d
                            d = c
                            c = b
                            let s = unsafe r[i]
                            b = b &+ (sum << s | sum >> (32 &- s))
                        }
                        for i in 0..<16 { step((b & c) | (~b & d), i, i) }
                        for i in 16..<32 { step((d & b) | (~d & c), i, (5 &* i &+ 1) & 15) }
                        for i in 32..<48 { step(b ^ c ^ d, i, (3 &* i &+ 5) & 15) }
                        for i in 48..<64 { step(c ^ (b | ~d), i, (7 &* i) & 15) }
                    }
                }
            }
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
