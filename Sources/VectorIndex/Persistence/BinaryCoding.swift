// SPDX-License-Identifier: Apache-2.0

/// Appends little-endian values to a byte buffer (index files are little-endian on every platform).
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func write(_ raw: [UInt8]) {
        bytes.append(contentsOf: raw)
    }

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        for _ in 0..<MemoryLayout<T>.size {
            bytes.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    mutating func write(_ values: ContiguousArray<Float>) {
        #if _endian(little)
        unsafe values.withUnsafeBytes { unsafe bytes.append(contentsOf: $0) }
        #else
        for v in values { write(v.bitPattern) }
        #endif
    }

    mutating func write(_ values: ContiguousArray<UInt64>) {
        #if _endian(little)
        unsafe values.withUnsafeBytes { unsafe bytes.append(contentsOf: $0) }
        #else
        for v in values { write(v) }
        #endif
    }
}

/// Reads little-endian values from a byte buffer, checking every length against what is left.
struct BinaryReader {
    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: String) throws(VectorIndexError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw Self.truncated(what) }
        var v: T = 0
        for i in 0..<size { v |= T(bytes[offset + i]) << (8 * i) }
        offset += size
        return v
    }

    mutating func readBytes(_ count: Int, _ what: String) throws(VectorIndexError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw Self.truncated(what) }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func readFloats(_ count: Int, _ what: String) throws(VectorIndexError) -> ContiguousArray<Float> {
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: 4)
        guard count >= 0, !overflow, remaining >= byteCount else { throw Self.truncated(what) }
        defer { offset += byteCount }
        #if _endian(little)
        let start = offset
        return unsafe ContiguousArray(unsafeUninitializedCapacity: count) { buffer, initialized in
            unsafe bytes.withUnsafeBytes { raw in
                unsafe UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[start..<start + byteCount])
                )
            }
            initialized = count
        }
        #else
        var values = ContiguousArray<Float>()
        values.reserveCapacity(count)
        for i in 0..<count {
            var bits: UInt32 = 0
            for j in 0..<4 { bits |= UInt32(bytes[offset + 4 * i + j]) << (8 * j) }
            values.append(Float(bitPattern: bits))
        }
        return values
        #endif
    }

    mutating func readUInt64s(_ count: Int, _ what: String) throws(VectorIndexError) -> ContiguousArray<UInt64> {
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: 8)
        guard count >= 0, !overflow, remaining >= byteCount else { throw Self.truncated(what) }
        var values = ContiguousArray<UInt64>()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(UInt64.self, what)) }
        return values
    }

    static func truncated(_ what: String) -> VectorIndexError {
        VectorIndexError(.corruptFile, "file is truncated: it ends inside the \(what)")
    }
}

/// A 64-bit checksum over whole files: eight bytes at a time, each step `h = rotl(h ^ word, 29) * prime`.
///
/// Every step is a bijection of the running state for a fixed input word and changes the state for a changed
/// word, so any change confined to a single byte (and any single-bit flip) always changes the checksum.
enum Checksum {
    static func of(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01B3
        var i = bytes.startIndex
        let end = bytes.endIndex
        while end - i >= 8 {
            var word: UInt64 = 0
            for j in 0..<8 { word |= UInt64(bytes[i + j]) << (8 * UInt64(j)) }
            h = ((h ^ word) << 29 | (h ^ word) >> 35) &* prime
            i += 8
        }
        while i < end {
            h = (h ^ UInt64(bytes[i])) &* prime
            i += 1
        }
        return h ^ (h >> 32)
    }
}
