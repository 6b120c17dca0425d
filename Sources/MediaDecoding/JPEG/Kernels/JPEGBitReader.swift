// SPDX-License-Identifier: Apache-2.0

/// Reads the entropy-coded data of a JPEG scan, most significant bit first, through a 64-bit buffer.
///
/// `FF 00` is read as one `FF` byte (after any `FF` fill bytes, as libjpeg reads it). At a marker (`FF` followed
/// by anything else) or at the end of the input the reader stops advancing and feeds zero bits instead, counting
/// them in `virtualBits`, as libjpeg does; a decoder that consumes any of them has run past the data
/// (``consumedPastData``). Created only inside a `withUnsafeBufferPointer` closure over the file and never stored
/// beyond it.
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
    /// Bit patterns read as symbol 0 because they are no code of the table (libjpeg's recovery), or -1 when
    /// such a pattern throws instead (one word, so the reader the block decoder copies stays small).
    private(set) var invalidCodes: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, rejectsInvalidCodes: Bool = true) {
        unsafe self.bytes = bytes
        self.position = start
        self.invalidCodes = rejectsInvalidCodes ? -1 : 0
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
                } else {
                    // FF fill bytes may precede the 00 of a stuffed FF, as they may precede a marker code.
                    var next = position &+ 1
                    while next < end, unsafe bytes[next] == 0xFF { next &+= 1 }
                    if next < end, unsafe bytes[next] == 0 {
                        buffer |= UInt64(0xFF) << UInt64(56 &- count)
                        position = next &+ 1
                    } else {
                        virtualBits &+= 8
                    }
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
    ///
    /// Bits that are no code of the table are read as libjpeg reads them: 17 bits are dropped and the symbol is
    /// 0 (a zero DC difference, or the end of the block), unless invalid codes are refused.
    @inline(never)
    mutating func decodeLong(_ table: UnsafePointer<Int32>) throws(MediaDecodingError) -> Int {
        if count < 17 { refill() }
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
        guard invalidCodes >= 0 else {
            throw .corrupt("JPEG damaged data: invalid Huffman code in the entropy-coded data near offset \(position)")
        }
        invalidCodes &+= 1
        consume(17)
        return 0
    }

    /// Whether the decoder has used bits past the end of the data or past a marker (zero bits supplied in
    /// their place).
    @inline(__always)
    var consumedPastData: Bool { count < virtualBits }

    /// Whether the reader has stopped at a marker or at the end of the data.
    var reachedMarkerOrEnd: Bool { virtualBits > 0 }

    /// Whole bytes of real data loaded but not consumed (data left over before the next marker).
    var unusedBytes: Int { max(0, count - virtualBits) / 8 }

    /// Discards buffered bits so that ``position`` is the first byte not yet loaded, before a marker.
    mutating func reset() {
        buffer = 0
        count = 0
        virtualBits = 0
    }

    /// Moves to `offset` with an empty buffer (after a restart marker, or onto a marker to stop at).
    mutating func restart(at offset: Int) {
        reset()
        position = offset
    }
}

/// `FFxx`-style hexadecimal for marker numbers in messages.
func hex8(_ value: Int) -> String {
    let digits = Array("0123456789ABCDEF")
    return "FF\(digits[(value >> 4) & 15])\(digits[value & 15])"
}
