// SPDX-License-Identifier: Apache-2.0

/// Reads a DEFLATE bit stream: least significant bit of each byte first, with a 64-bit look-ahead buffer.
///
/// Bits past the end of the input read as zero in ``peek(_:)``; ``consume(_:)`` throws
/// ``MediaDecodingError/Code/truncated`` if they would actually be used.
struct BitReader {
    let bytes: [UInt8]
    /// The next byte to load into the buffer.
    private(set) var position: Int
    private var buffer: UInt64 = 0
    private var bufferedBits = 0

    init(_ bytes: [UInt8], start: Int) {
        self.bytes = bytes
        self.position = start
    }

    /// The index of the first byte not yet (even partly) consumed, once the reader is byte-aligned.
    var bytePosition: Int { position - bufferedBits / 8 }

    @inline(__always)
    private mutating func refill() {
        // Fast path: one unaligned 8-byte load, keeping the whole bytes that fit. The bits of the next, partly
        // fitting byte land above `bufferedBits` too; they are that byte's real bits, so the next refill ORs the
        // same values over them.
        if position &+ 8 <= bytes.count {
            let start = position
            let word = unsafe bytes.withUnsafeBytes { raw in
                UInt64(littleEndian: unsafe raw.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            }
            buffer |= word << UInt64(bufferedBits)
            let added = (63 &- bufferedBits) >> 3
            position &+= added
            bufferedBits &+= added &* 8
            return
        }
        while bufferedBits <= 56, position < bytes.count {
            buffer |= UInt64(bytes[position]) << UInt64(bufferedBits)
            position += 1
            bufferedBits += 8
        }
    }

    /// The next `count` bits (at most 32) without consuming them, and how many of them are real data.
    @inline(__always)
    mutating func peek(_ count: Int) -> (value: UInt32, available: Int) {
        if bufferedBits < count { refill() }
        let mask: UInt64 = (1 << UInt64(count)) - 1
        return (UInt32(truncatingIfNeeded: buffer & mask), bufferedBits)
    }

    /// Drops `count` bits that ``peek(_:)`` returned.
    @inline(__always)
    mutating func consume(_ count: Int) throws(MediaDecodingError) {
        if bufferedBits < count { refill() }
        guard count <= bufferedBits else {
            throw .truncated("deflate stream ends in the middle of a code")
        }
        buffer >>= UInt64(count)
        bufferedBits -= count
    }

    /// Reads `count` bits (at most 32) as an integer, first bit least significant.
    mutating func read(_ count: Int) throws(MediaDecodingError) -> Int {
        let (value, _) = peek(count)
        try consume(count)
        return Int(value)
    }

    /// Discards the bits up to the next byte boundary and empties the look-ahead buffer, so that
    /// ``position`` is the next unread byte.
    mutating func alignToByte() {
        let whole = bufferedBits / 8
        position -= whole
        buffer = 0
        bufferedBits = 0
    }

    /// Moves past `count` whole bytes after ``alignToByte()``.
    mutating func skipBytes(_ count: Int) {
        position += count
    }
}
