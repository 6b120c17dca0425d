// SPDX-License-Identifier: Apache-2.0

/// Reads the entropy-coded data of a JPEG scan, most significant bit first, through a 64-bit buffer.
///
/// `FF 00` is read as one `FF` byte. At a marker (`FF` followed by anything else) or at the end of the input the
/// reader stops advancing and feeds zero bits instead, counting them in `virtualBits`; a decoder that consumes
/// any of them has run past the data, which ``checkOverrun()`` reports. Created only inside a
/// `withUnsafeBufferPointer` closure over the file and never stored beyond it.
@safe struct JPEGBitReader {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The next byte to load.
    private(set) var position: Int
    /// Buffered bits, left-aligned: the next bit is bit 63.
    var buffer: UInt64 = 0
    /// Valid bits in `buffer`, real and virtual.
    var count = 0
    /// Zero bits appended after a marker or the end of the data.
    var virtualBits = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, start: Int) {
        unsafe self.bytes = bytes
        self.position = start
    }

    /// Tops the buffer up to at least 57 bits.
    @inline(__always)
    mutating func refill() {
        if !refillFast() { refillSlow() }
    }

    /// The common case of ``refill()``: when the next eight bytes hold no FF, takes as many as fit at once.
    /// - Returns: Whether it refilled; `false` leaves the work to ``refillSlow()``.
    @inline(__always)
    mutating func refillFast() -> Bool {
        guard unsafe virtualBits == 0 && position &+ 8 <= bytes.count else { return false }
        let raw = unsafe UnsafeRawPointer(bytes.baseAddress! + position).loadUnaligned(as: UInt64.self)
        let next = UInt64(bigEndian: raw)
        let inverted = ~next
        guard (inverted &- 0x0101_0101_0101_0101) & ~inverted & 0x8080_8080_8080_8080 == 0 else { return false }
        let take = (64 &- count) >> 3
        buffer |= (next >> UInt64(64 &- 8 &* take)) << UInt64(64 &- count &- 8 &* take)
        position &+= take
        count &+= 8 &* take
        return true
    }

    /// ``refill()`` byte by byte: unstuffs `FF 00` and stops at markers and at the end of the data.
    @inline(never)
    mutating func refillSlow() {
        let end = unsafe bytes.count
        while count <= 56 {
            if virtualBits == 0, position < end {
                let byte = unsafe bytes[position]
                if byte != 0xFF {
                    buffer |= UInt64(byte) << UInt64(56 &- count)
                    position &+= 1
                } else if position &+ 1 < end, unsafe bytes[position &+ 1] == 0 {
                    buffer |= UInt64(0xFF) << UInt64(56 &- count)
                    position &+= 2
                } else {
                    virtualBits &+= 8
                }
            } else {
                virtualBits &+= 8
            }
            count &+= 8
        }
    }

    /// Drops `n` (at most 32) bits that the caller has looked at.
    @inline(__always)
    mutating func consume(_ n: Int) {
        buffer <<= UInt64(n)
        count &-= n
    }

    /// Reads one bit.
    @inline(__always)
    mutating func bit() -> Int32 {
        if count < 1 { refill() }
        let value = Int32(truncatingIfNeeded: buffer >> 63)
        consume(1)
        return value
    }

    /// Reads `n` (0...16) bits as an unsigned integer.
    @inline(__always)
    mutating func bits(_ n: Int) -> Int32 {
        if n == 0 { return 0 }
        if count < n { refill() }
        let value = Int32(truncatingIfNeeded: buffer >> UInt64(64 - n))
        consume(n)
        return value
    }

    /// Reads an `n`-bit magnitude category value and sign-extends it (T.81 §F.2.2.1, EXTEND).
    @inline(__always)
    mutating func receiveExtend(_ n: Int) -> Int32 {
        if n == 0 { return 0 }
        let value = bits(n)
        return value < Int32(1) << Int32(n - 1) ? value &- (Int32(1) << Int32(n)) &+ 1 : value
    }

    /// Decodes one Huffman symbol with the table at `table` (a slot of ``JPEGHuffmanDecodingTables``).
    @inline(__always)
    mutating func decode(_ table: UnsafePointer<Int32>) throws(MediaDecodingError) -> Int {
        if count < 16 { refill() }
        let entry = unsafe table[Int(buffer >> UInt64(64 - JPEGHuffmanDecodingTables.lookaheadBits))]
        if entry != 0 {
            consume(Int(entry >> 8))
            return Int(entry & 0xFF)
        }
        return try unsafe decodeLong(table)
    }

    /// The slow path of ``decode(_:)``: codes of 10 to 16 bits.
    @inline(never)
    mutating func decodeLong(_ table: UnsafePointer<Int32>) throws(MediaDecodingError) -> Int {
        var length = JPEGHuffmanDecodingTables.lookaheadBits + 1
        while length <= 16 {
            let code = Int32(truncatingIfNeeded: buffer >> UInt64(64 - length))
            if unsafe code <= table[JPEGHuffmanDecodingTables.maxCodeBase + length] {
                let index = unsafe Int(code &+ table[JPEGHuffmanDecodingTables.offsetBase + length])
                guard (0..<256).contains(index) else { break }
                consume(length)
                return Int(unsafe table[JPEGHuffmanDecodingTables.symbolBase + index])
            }
            length += 1
        }
        throw .corrupt("JPEG entropy data holds an invalid Huffman code")
    }

    /// Throws if the decoder has used bits past the end of the data or past a marker.
    @inline(__always)
    func checkOverrun() throws(MediaDecodingError) {
        guard count >= virtualBits else {
            if unsafe position >= bytes.count {
                throw .truncated("JPEG entropy-coded data ends early")
            }
            throw .corrupt("JPEG entropy-coded data runs into a marker")
        }
    }

    /// Discards buffered bits so that ``position`` is the first byte not yet decoded, before a marker.
    mutating func reset() {
        buffer = 0
        count = 0
        virtualBits = 0
    }

    /// After ``reset()``: expects `FF D0+expected` (after optional fill bytes) and moves past it.
    mutating func readRestartMarker(_ expected: Int) throws(MediaDecodingError) {
        let end = unsafe bytes.count
        // Skip any entropy bytes left before the marker (only in damaged files) and fill bytes.
        while position < end {
            if unsafe bytes[position] == 0xFF, position + 1 < end {
                let next = unsafe bytes[position + 1]
                if next == 0xFF {
                    position += 1
                    continue
                }
                if next != 0 { break }
            }
            position += 1
        }
        guard position + 1 < end else { throw .truncated("JPEG data ends before restart marker RST\(expected)") }
        let marker = Int(unsafe bytes[position + 1])
        guard marker == 0xD0 + expected else {
            throw .corrupt("JPEG expected restart marker RST\(expected), found marker \(hex8(marker))")
        }
        position += 2
    }

    /// The offset of the next marker at or after ``position`` (skipping stuffed bytes), or the end of the data.
    func nextMarkerOffset() -> Int {
        let end = unsafe bytes.count
        var i = position
        while i + 1 < end {
            if unsafe bytes[i] == 0xFF {
                let next = unsafe bytes[i + 1]
                if next != 0 && next != 0xFF { return i }
            }
            i += 1
        }
        return end
    }
}

/// `FFxx`-style hexadecimal for marker numbers in messages.
func hex8(_ value: Int) -> String {
    let digits = Array("0123456789ABCDEF")
    return "FF\(digits[(value >> 4) & 15])\(digits[value & 15])"
}
