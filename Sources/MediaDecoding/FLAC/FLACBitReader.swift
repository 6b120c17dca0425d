// SPDX-License-Identifier: Apache-2.0

/// A most-significant-bit-first reader over a byte range, with a 64-bit cache.
///
/// Every read checks the remaining data and throws ``MediaDecodingError/Code/truncated`` instead of trapping.
struct FLACBitReader {
    private let bytes: [UInt8]
    private let end: Int
    /// The next byte to move into the cache.
    private var next: Int
    /// Unread bits, left-aligned.
    private var cache: UInt64 = 0
    private var cacheBits = 0

    init(_ bytes: [UInt8], offset: Int) {
        self.bytes = bytes
        self.end = bytes.count
        self.next = min(offset, bytes.count)
    }

    /// The offset of the first byte not yet fully read.
    var byteOffset: Int { next - cacheBits / 8 }

    /// Whether the reader is at a byte boundary.
    var isByteAligned: Bool { cacheBits % 8 == 0 }

    @inline(__always)
    private mutating func refill() {
        while cacheBits <= 56 && next < end {
            cache |= UInt64(bytes[next]) << UInt64(56 - cacheBits)
            next += 1
            cacheBits += 8
        }
    }

    /// Reads `count` (0…32) bits as an unsigned value.
    @inline(__always)
    mutating func read(_ count: Int) throws(MediaDecodingError) -> UInt64 {
        if count == 0 { return 0 }
        if cacheBits < count {
            refill()
            if cacheBits < count { throw .truncated("FLAC frame ends inside a \(count)-bit field") }
        }
        let value = cache >> UInt64(64 - count)
        cache <<= UInt64(count)
        cacheBits -= count
        return value
    }

    /// Reads `count` (0…64) bits as an unsigned value.
    mutating func readLong(_ count: Int) throws(MediaDecodingError) -> UInt64 {
        if count <= 32 { return try read(count) }
        let high = try read(count - 32)
        return high << 32 | (try read(32))
    }

    /// Reads a `count`-bit (0…64) two's-complement value.
    @inline(__always)
    mutating func readSigned(_ count: Int) throws(MediaDecodingError) -> Int64 {
        if count == 0 { return 0 }
        let raw = try readLong(count)
        let shift = UInt64(64 - count)
        return Int64(bitPattern: raw << shift) >> Int64(shift)
    }

    /// Reads a unary number: the count of 0 bits before the next 1 bit (which is consumed).
    /// - Parameter limit: The largest count accepted.
    /// - Returns: The number of zeros.
    /// - Throws: ``MediaDecodingError/Code/corrupt`` past `limit`, ``MediaDecodingError/Code/truncated`` at the end.
    @inline(__always)
    mutating func readUnary(limit: Int) throws(MediaDecodingError) -> Int {
        var zeros = 0
        while true {
            if cacheBits == 0 {
                refill()
                if cacheBits == 0 { throw .truncated("FLAC frame ends inside a unary code") }
            }
            let leading = cache.leadingZeroBitCount
            if leading < cacheBits {
                zeros += leading
                cache <<= UInt64(leading + 1)
                cacheBits -= leading + 1
                guard zeros <= limit else { throw .corrupt("FLAC unary code longer than \(limit) bits") }
                return zeros
            }
            zeros += cacheBits
            cache = 0
            cacheBits = 0
            guard zeros <= limit else { throw .corrupt("FLAC unary code longer than \(limit) bits") }
        }
    }

    /// Skips to the next byte boundary, returning the skipped bits.
    mutating func alignToByte() -> UInt64 {
        let drop = cacheBits % 8
        if drop == 0 { return 0 }
        let value = cache >> UInt64(64 - drop)
        cache <<= UInt64(drop)
        cacheBits -= drop
        return value
    }
}
