// SPDX-License-Identifier: Apache-2.0

/// A bounds-checked cursor over file bytes: every read checks the remaining length and throws
/// ``MediaDecodingError/Code/truncated`` instead of trapping.
struct ByteReader {
    let bytes: [UInt8]
    var offset: Int
    /// Names the format in error messages, such as `"PNG"`.
    let format: String

    init(_ bytes: [UInt8], offset: Int = 0, format: String) {
        self.bytes = bytes
        self.offset = offset
        self.format = format
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    func need(_ count: Int, _ what: @autoclosure () -> String) throws(MediaDecodingError) {
        guard count >= 0, count <= remaining else {
            throw .truncated("\(format) \(what()) needs \(count) bytes at offset \(offset), \(max(remaining, 0)) left")
        }
    }

    mutating func skip(_ count: Int, _ what: @autoclosure () -> String = "data") throws(MediaDecodingError) {
        try need(count, what())
        offset += count
    }

    mutating func readByte(_ what: @autoclosure () -> String = "byte") throws(MediaDecodingError) -> UInt8 {
        try need(1, what())
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt16LE(_ what: @autoclosure () -> String = "field") throws(MediaDecodingError) -> UInt16 {
        try need(2, what())
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    mutating func readUInt16BE(_ what: @autoclosure () -> String = "field") throws(MediaDecodingError) -> UInt16 {
        try need(2, what())
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func readUInt32LE(_ what: @autoclosure () -> String = "field") throws(MediaDecodingError) -> UInt32 {
        try need(4, what())
        defer { offset += 4 }
        return bytes.uint32LE(at: offset)
    }

    mutating func readUInt32BE(_ what: @autoclosure () -> String = "field") throws(MediaDecodingError) -> UInt32 {
        try need(4, what())
        defer { offset += 4 }
        return bytes.uint32BE(at: offset)
    }

    mutating func readUInt64LE(_ what: @autoclosure () -> String = "field") throws(MediaDecodingError) -> UInt64 {
        try need(8, what())
        defer { offset += 8 }
        return UInt64(bytes.uint32LE(at: offset)) | UInt64(bytes.uint32LE(at: offset + 4)) << 32
    }

    /// Returns the range of the next `count` bytes and moves past them.
    mutating func readRange(_ count: Int, _ what: @autoclosure () -> String) throws(MediaDecodingError) -> Range<Int> {
        try need(count, what())
        defer { offset += count }
        return offset..<(offset + count)
    }
}

extension ByteReader {
    /// Reads a `UInt16` in the given byte order.
    mutating func readUInt16(bigEndian: Bool) throws(MediaDecodingError) -> UInt16 {
        bigEndian ? try readUInt16BE() : try readUInt16LE()
    }

    /// Reads a `UInt32` in the given byte order.
    mutating func readUInt32(bigEndian: Bool) throws(MediaDecodingError) -> UInt32 {
        bigEndian ? try readUInt32BE() : try readUInt32LE()
    }
}

extension Array where Element == UInt8 {
    /// The little-endian `UInt32` at `offset`; the caller has checked that 4 bytes are there.
    func uint32LE(at offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 3]) << 24
    }

    /// The big-endian `UInt32` at `offset`; the caller has checked that 4 bytes are there.
    func uint32BE(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8
            | UInt32(self[offset + 3])
    }

    /// Whether the bytes at `offset` equal `magic` (false when too few bytes remain).
    func matches(_ magic: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, count - offset >= magic.count else { return false }
        for i in 0..<magic.count where self[offset + i] != magic[i] {
            return false
        }
        return true
    }
}
