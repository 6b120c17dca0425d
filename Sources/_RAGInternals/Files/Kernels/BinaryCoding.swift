// SPDX-License-Identifier: Apache-2.0

// Stored files are little-endian.
#if _endian(big)
#error("stored files are little-endian; big-endian hosts are not supported")
#endif

/// Builds a little-endian byte string: integers, floats, length-prefixed strings and byte blocks.
package struct BinaryWriter: Sendable {
    // Visible to inlined code: the integer appends are generic and are specialised in the modules that call them.
    @usableFromInline var storage: [UInt8] = []

    /// The bytes written so far.
    package var bytes: [UInt8] { storage }

    package init() {}

    /// Makes room for `count` more bytes at once, so a large record is not copied as its storage grows.
    package mutating func reserveCapacity(_ count: Int) { storage.reserveCapacity(storage.count + count) }

    /// Appends an integer, little-endian.
    @inlinable package mutating func append<T: FixedWidthInteger>(_ value: T) {
        unsafe withUnsafeBytes(of: value.littleEndian) { raw in unsafe storage.append(contentsOf: raw) }
    }

    // The widths the files use, as concrete overloads: callers in other modules were left calling the generic
    // form through its witness tables (a profile of a snapshot found it unspecialised), a few calls per value.

    /// Appends a byte.
    @inlinable package mutating func append(_ value: UInt8) { storage.append(value) }

    /// Appends a `UInt32`, little-endian.
    @inlinable package mutating func append(_ value: UInt32) {
        unsafe withUnsafeBytes(of: value.littleEndian) { raw in unsafe storage.append(contentsOf: raw) }
    }

    /// Appends a `UInt64`, little-endian.
    @inlinable package mutating func append(_ value: UInt64) {
        unsafe withUnsafeBytes(of: value.littleEndian) { raw in unsafe storage.append(contentsOf: raw) }
    }

    /// Appends an `Int64`, little-endian.
    @inlinable package mutating func append(_ value: Int64) { append(UInt64(bitPattern: value)) }

    /// Appends a `Double` as its IEEE 754 bits.
    @inlinable package mutating func append(_ value: Double) { append(value.bitPattern) }

    /// Appends a `Float` as its IEEE 754 bits.
    @inlinable package mutating func append(_ value: Float) { append(value.bitPattern) }

    /// Appends a `Bool` as one byte.
    package mutating func append(_ value: Bool) { storage.append(value ? 1 : 0) }

    /// Appends raw bytes with no length prefix.
    package mutating func append(bytes more: some Collection<UInt8>) { storage.append(contentsOf: more) }

    /// Appends a byte block with a 32-bit length prefix.
    package mutating func append(block: some Collection<UInt8>) {
        append(UInt32(block.count))
        storage.append(contentsOf: block)
    }

    /// Appends a string's UTF-8 with a 32-bit length prefix.
    package mutating func append(_ string: String) {
        let utf8 = string.utf8
        append(UInt32(utf8.count))
        // Native strings lend their UTF-8 as one buffer, copied at once; others go byte by byte.
        let copied: Void? = unsafe utf8.withContiguousStorageIfAvailable { bytes in
            unsafe storage.append(contentsOf: bytes)
        }
        if copied == nil { storage.append(contentsOf: utf8) }
    }

    /// Appends an array of a plain fixed-size type (integers, floats) as its raw bytes with a 64-bit count prefix,
    /// copied in one block; ``BinaryReader/readArray(of:)`` reads it back.
    package mutating func append<T: FixedWidthInteger & BitwiseCopyable>(array values: [T]) {
        append(UInt64(values.count))
        unsafe values.withUnsafeBytes { raw in unsafe storage.append(contentsOf: raw) }
    }

    /// Appends floats as their bits with a 32-bit count prefix, copied in one block (files are little-endian,
    /// like every host this builds for).
    package mutating func append(floats: [Float]) {
        append(UInt32(floats.count))
        unsafe floats.withUnsafeBytes { raw in unsafe storage.append(contentsOf: raw) }
    }
}

/// Reads what ``BinaryWriter`` wrote, checking every length against the bytes left before using it.
///
/// A read past the end or a malformed string is a ``FileError/Kind/corrupt`` error naming the path, never a
/// trap, so damaged files are reported rather than crashing the reader.
package struct BinaryReader {
    // Visible to inlined code: the integer reads are generic and are specialised in the modules that call them.
    @usableFromInline let bytes: ArraySlice<UInt8>
    @usableFromInline var position: Int
    @usableFromInline let path: String

    /// Reads `bytes` from the start; `path` names the file in error messages.
    package init(_ bytes: ArraySlice<UInt8>, path: String) {
        self.bytes = bytes
        position = bytes.startIndex
        self.path = path
    }

    /// Whether every byte has been read.
    package var isAtEnd: Bool { position == bytes.endIndex }

    /// How many bytes are left.
    package var remaining: Int { bytes.endIndex - position }

    /// A ``FileError/Kind/corrupt`` error naming the path: "`what` is malformed".
    package func corrupt(_ what: String) -> FileError {
        FileError(.corrupt, path: path, "\(what) is malformed")
    }

    @usableFromInline func truncated(_ what: String) -> FileError {
        FileError(.corrupt, path: path, "a record ends inside its \(what)")
    }

    /// The next integer.
    @inlinable package mutating func read<T: FixedWidthInteger>(_: T.Type) throws(FileError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw truncated("\(T.self)") }
        let offset = position - bytes.startIndex
        let value = unsafe bytes.withUnsafeBytes { raw in unsafe raw.loadUnaligned(fromByteOffset: offset, as: T.self) }
        position += size
        return T(littleEndian: value)
    }

    /// The next array written by ``BinaryWriter/append(array:)``, copied in one block.
    package mutating func readArray<T: FixedWidthInteger & BitwiseCopyable>(of _: T.Type) throws(FileError) -> [T] {
        let raw = try arrayBytes(T.self)
        return unsafe [T](unsafeUninitializedCapacity: raw.count / MemoryLayout<T>.stride) { buffer, initialized in
            unsafe raw.withUnsafeBytes { source in unsafe UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            }
            initialized = buffer.count
        }
    }

    /// The next byte array written by ``BinaryWriter/append(array:)``, without copying it.
    package mutating func arrayBlock() throws(FileError) -> ArraySlice<UInt8> { try arrayBytes(UInt8.self) }

    /// The bytes of the next count-prefixed array of `T`, checked against what is left.
    private mutating func arrayBytes<T>(_: T.Type) throws(FileError) -> ArraySlice<UInt8> {
        let count = try read(UInt64.self)
        let stride = MemoryLayout<T>.stride
        guard count <= UInt64(remaining / stride) else { throw truncated("\(count)-element array") }
        return try bytes(Int(count) * stride)
    }

    /// The next `Double`.
    @inlinable package mutating func readDouble() throws(FileError) -> Double {
        Double(bitPattern: try read(UInt64.self))
    }

    /// The next `Float`.
    @inlinable package mutating func readFloat() throws(FileError) -> Float { Float(bitPattern: try read(UInt32.self)) }

    /// The next `Bool` (a byte that must be 0 or 1).
    package mutating func readBool() throws(FileError) -> Bool {
        switch try read(UInt8.self) {
        case 0: return false
        case 1: return true
        case let other: throw FileError(.corrupt, path: path, "a flag byte is \(other), not 0 or 1")
        }
    }

    /// The next `count` raw bytes.
    package mutating func bytes(_ count: Int) throws(FileError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw truncated("\(count)-byte block") }
        defer { position += count }
        return bytes[position..<position + count]
    }

    /// The next length-prefixed byte block.
    package mutating func block() throws(FileError) -> ArraySlice<UInt8> {
        let count = Int(try read(UInt32.self))
        return try bytes(count)
    }

    /// The next length-prefixed UTF-8 string.
    package mutating func readString() throws(FileError) -> String {
        let raw = try block()
        // Most stored strings are ASCII, which is valid UTF-8 as it is: checked with a plain loop, it skips the
        // general validator (the slowest step of reading a large snapshot's objects).
        let ascii: String? = unsafe raw.withUnsafeBufferPointer { buffer in
            var any: UInt8 = 0
            for i in 0..<buffer.count { any |= unsafe buffer[i] }
            return any < 0x80 ? unsafe String(decoding: buffer, as: UTF8.self) : nil
        }
        if let ascii { return ascii }
        guard let string = String(validating: raw, as: UTF8.self) else {
            throw FileError(.corrupt, path: path, "a stored string is not valid UTF-8")
        }
        return string
    }

    /// The next count-prefixed float array, copied in one block.
    package mutating func readFloats() throws(FileError) -> [Float] {
        let count = Int(try read(UInt32.self))
        guard count <= remaining / 4 else { throw truncated("\(count)-float vector") }
        let raw = try bytes(count * 4)
        var values = [Float](repeating: 0, count: count)
        unsafe values.withUnsafeMutableBytes { destination in
            unsafe raw.withUnsafeBytes { source in unsafe destination.copyMemory(from: source) }
        }
        return values
    }

    /// The integer stored little-endian at `offset` of `bytes`.
    ///
    /// - Precondition: `offset + size <= bytes.count`.
    package static func littleEndian<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        var value = T(0)
        for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
        return value
    }
}
