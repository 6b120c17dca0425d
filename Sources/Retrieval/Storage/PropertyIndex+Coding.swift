// SPDX-License-Identifier: Apache-2.0

import VectorIndex
import _RAGInternals

/// The property index in a snapshot, so that opening a store reads it back instead of rebuilding it from every
/// object (which is most of the cost of opening a large collection).
///
/// Layout: the keys of every object; the keys holding each property; then per kind of value (text, integer,
/// double, bool, date, UUID, blob) the fields and their sorted `(value, key)` pairs as two arrays; then the
/// creation and update times. Names are written in sorted order, so equal indexes give equal bytes.
extension PropertyIndex {
    /// Writes the index (between batches).
    func append(to writer: inout BinaryWriter) {
        writer.append(array: all.ids)
        writer.append(UInt32(present.count))
        for (name, keys) in present.sorted(by: { $0.key < $1.key }) {
            writer.append(name)
            writer.append(array: keys.ids)
        }
        Self.append(text, to: &writer)
        Self.append(integer, to: &writer)
        Self.append(double, to: &writer)
        Self.append(bool, to: &writer)
        Self.append(date, to: &writer)
        Self.append(uuid, to: &writer)
        Self.append(blob, to: &writer)
        createdAt.append(to: &writer)
        updatedAt.append(to: &writer)
    }

    /// Reads an index written by ``append(to:)``.
    /// - Throws: ``FileError`` (corrupt) for truncated or inconsistent contents.
    init(reading reader: inout BinaryReader) throws(FileError) {
        self.init()
        all = IDBitmap(try reader.readArray(of: UInt64.self))
        let presentCount = Int(try reader.read(UInt32.self))
        for _ in 0..<min(presentCount, reader.remaining) {
            let name = try reader.readString()
            present[name] = IDBitmap(try reader.readArray(of: UInt64.self))
        }
        guard present.count == presentCount else { throw reader.corrupt("the property index's field list") }
        text = try Self.read(&reader)
        integer = try Self.read(&reader)
        double = try Self.read(&reader)
        bool = try Self.read(&reader)
        date = try Self.read(&reader)
        uuid = try Self.read(&reader)
        blob = try Self.read(&reader)
        createdAt = try Postings(reading: &reader)
        updatedAt = try Postings(reading: &reader)
    }

    private static func append<Value>(_ fields: [String: Postings<Value>], to writer: inout BinaryWriter) {
        writer.append(UInt32(fields.count))
        for (name, postings) in fields.sorted(by: { $0.key < $1.key }) {
            writer.append(name)
            postings.append(to: &writer)
        }
    }

    private static func read<Value>(_ reader: inout BinaryReader) throws(FileError) -> [String: Postings<Value>] {
        var fields: [String: Postings<Value>] = [:]
        let count = Int(try reader.read(UInt32.self))
        for _ in 0..<min(count, reader.remaining) {
            let name = try reader.readString()
            fields[name] = try Postings(reading: &reader)
        }
        guard fields.count == count else { throw reader.corrupt("the property index's fields") }
        return fields
    }
}

extension Postings {
    /// Writes the sorted pairs as one run (the batch in progress must be finished).
    func append(to writer: inout BinaryWriter) {
        precondition(added.isEmpty && removed.isEmpty, "a property index is stored between batches")
        let run = merged
        Value.append(run.values, to: &writer)
        writer.append(array: run.keys)
    }

    /// Reads pairs written by ``append(to:)``, checking that they are sorted by value, then key.
    init(reading reader: inout BinaryReader) throws(FileError) {
        let run = Run(values: try Value.read(&reader), keys: try reader.readArray(of: UInt64.self))
        guard run.values.count == run.keys.count else { throw reader.corrupt("a property index's pair counts") }
        let (values, keys) = (run.values, run.keys)
        for i in values.indices.dropFirst()
        where values[i] < values[i - 1] || (values[i] == values[i - 1] && keys[i] <= keys[i - 1]) {
            throw reader.corrupt("a property index's order")
        }
        self.init(run)
    }
}

/// A value a property index can store: written as one array.
protocol StoredPostingValue: Hashable, Comparable, Sendable {
    static func append(_ values: [Self], to writer: inout BinaryWriter)
    static func read(_ reader: inout BinaryReader) throws(FileError) -> [Self]
    /// A number that orders values as `<` does, for sorting by integers first: `a < b` implies
    /// `sortPrefix(a) <= sortPrefix(b)`, and equal values have equal prefixes; `nil` when the value has none.
    static func sortPrefix(_ value: Self) -> UInt64?
    /// Whether values of this type can have sort prefixes (so that runs keep them).
    static var hasSortPrefixes: Bool { get }
}

extension StoredPostingValue {
    static func sortPrefix(_ value: Self) -> UInt64? { nil }
    static var hasSortPrefixes: Bool { false }
}

extension Int64: StoredPostingValue {
    static func append(_ values: [Int64], to writer: inout BinaryWriter) { writer.append(array: values) }
    static func read(_ reader: inout BinaryReader) throws(FileError) -> [Int64] {
        try reader.readArray(of: Int64.self)
    }
}

extension UInt8: StoredPostingValue {
    static func append(_ values: [UInt8], to writer: inout BinaryWriter) { writer.append(array: values) }
    static func read(_ reader: inout BinaryReader) throws(FileError) -> [UInt8] {
        try reader.readArray(of: UInt8.self)
    }
}

extension Double: StoredPostingValue {
    static func append(_ values: [Double], to writer: inout BinaryWriter) {
        writer.append(array: values.map(\.bitPattern))
    }
    static func read(_ reader: inout BinaryReader) throws(FileError) -> [Double] {
        let values = try reader.readArray(of: UInt64.self).map(Double.init(bitPattern:))
        // NaN has no place in a sorted index, and would break every comparison after it.
        guard !values.contains(where: \.isNaN) else { throw reader.corrupt("a property index's numbers") }
        return values
    }
}

extension String: StoredPostingValue {
    static var hasSortPrefixes: Bool { true }

    /// The first eight UTF-8 bytes, big-endian and zero-padded, when the first nine are ASCII.
    ///
    /// Strings compare by their scalars after canonical composition, and an ASCII character followed by another
    /// is left as it is by composition, so those bytes order the string as `<` does.
    static func sortPrefix(_ value: String) -> UInt64? {
        var prefix: UInt64 = 0
        var count = 0
        for byte in value.utf8 {
            guard byte < 0x80 else { return nil }
            if count == 8 { return prefix }
            prefix |= UInt64(byte) << (56 - 8 * count)
            count += 1
        }
        return prefix
    }

    static func append(_ values: [String], to writer: inout BinaryWriter) {
        writer.append(UInt64(values.count))
        for value in values { writer.append(value) }
    }
    static func read(_ reader: inout BinaryReader) throws(FileError) -> [String] {
        let count = try reader.read(UInt64.self)
        // Each string takes at least its 4-byte length.
        guard count <= UInt64(reader.remaining / 4) else { throw reader.corrupt("a property index's text count") }
        var values: [String] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count { values.append(try reader.readString()) }
        return values
    }
}

extension OrderedUUID: StoredPostingValue {
    static func append(_ values: [OrderedUUID], to writer: inout BinaryWriter) {
        writer.append(array: values.map(\.high))
        writer.append(array: values.map(\.low))
    }
    static func read(_ reader: inout BinaryReader) throws(FileError) -> [OrderedUUID] {
        let high = try reader.readArray(of: UInt64.self)
        let low = try reader.readArray(of: UInt64.self)
        guard high.count == low.count else { throw reader.corrupt("a property index's ids") }
        return zip(high, low).map { OrderedUUID(high: $0, low: $1) }
    }
}
