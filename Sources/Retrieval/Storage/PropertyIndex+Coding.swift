// SPDX-License-Identifier: Apache-2.0

import VectorIndex
import _RAGInternals

/// The property index in a snapshot, so that opening a store reads it back instead of rebuilding it from every
/// object (which is most of the cost of opening a large collection).
///
/// Layout: the keys of every object; the keys holding each property; then per kind of value (text, integer,
/// double, bool, date, UUID, blob) the fields and their sorted `(value, key)` pairs as two arrays; then the
/// creation and update times. Names are written in the order of their UTF-8, so equal indexes give equal bytes.
extension PropertyIndex {
    /// Writes the index (between batches).
    func append(to writer: inout BinaryWriter) {
        writer.append(array: all.ids)
        writer.append(UInt32(present.count))
        for (name, keys) in present.sorted(by: { UTF8Order.precedes($0.key, $1.key) }) {
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

    /// Reads an index written by ``append(to:)`` into a snapshot of format `format` (3 or later).
    /// - Throws: ``FileError`` (corrupt) for truncated or inconsistent contents.
    init(reading reader: inout BinaryReader, format: UInt32 = Snapshot.version) throws(FileError) {
        self.init()
        all = IDBitmap(try reader.readArray(of: UInt64.self))
        let presentCount = Int(try reader.read(UInt32.self))
        for _ in 0..<min(presentCount, reader.remaining) {
            let name = try reader.readString()
            present[name] = IDBitmap(try reader.readArray(of: UInt64.self))
        }
        guard present.count == presentCount else { throw reader.corrupt("the property index's field list") }
        text = try Self.read(&reader, format: format)
        integer = try Self.read(&reader, format: format)
        double = try Self.read(&reader, format: format)
        bool = try Self.read(&reader, format: format)
        date = try Self.read(&reader, format: format)
        uuid = try Self.read(&reader, format: format)
        blob = try Self.read(&reader, format: format)
        createdAt = try Postings(reading: &reader, format: format)
        updatedAt = try Postings(reading: &reader, format: format)
    }

    private static func append<Value>(_ fields: [String: Postings<Value>], to writer: inout BinaryWriter) {
        writer.append(UInt32(fields.count))
        for (name, postings) in fields.sorted(by: { UTF8Order.precedes($0.key, $1.key) }) {
            writer.append(name)
            postings.append(to: &writer)
        }
    }

    private static func read<Value>(
        _ reader: inout BinaryReader,
        format: UInt32
    ) throws(FileError) -> [String: Postings<Value>] {
        var fields: [String: Postings<Value>] = [:]
        let count = Int(try reader.read(UInt32.self))
        for _ in 0..<min(count, reader.remaining) {
            let name = try reader.readString()
            fields[name] = try Postings(reading: &reader, format: format)
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

    /// Reads pairs written by ``append(to:)`` in snapshot format `format`, checking that they are sorted by value,
    /// then key; pairs an older format keyed or ordered differently are keyed and sorted again first.
    init(reading reader: inout BinaryReader, format: UInt32) throws(FileError) {
        var values = try Value.read(&reader)
        var keys = try reader.readArray(of: UInt64.self)
        guard values.count == keys.count else { throw reader.corrupt("a property index's pair counts") }
        let upgraded = Value.upgrading(values, from: format)
        if let upgraded { values = upgraded }
        if !Self.isStrictlySorted(values, keys) {
            // Upgraded pairs were in the old order, which can differ (not for ASCII text, so most stay as read).
            guard let upgraded else { throw reader.corrupt("a property index's order") }
            var pairs = zip(upgraded, keys).map { Pair(value: $0, key: $1) }
            Self.sort(&pairs)
            values = pairs.map(\.value)
            keys = pairs.map(\.key)
            // Still out of order after sorting: a pair occurs twice.
            guard Self.isStrictlySorted(values, keys) else { throw reader.corrupt("a property index's pairs") }
        }
        self.init(Run(values: values, keys: keys))
    }

    /// Whether the pairs are sorted by value, then key, with no pair twice.
    private static func isStrictlySorted(_ values: [Value], _ keys: [UInt64]) -> Bool {
        for i in values.indices.dropFirst()
        where values[i] < values[i - 1] || (values[i] == values[i - 1] && keys[i] <= keys[i - 1]) {
            return false
        }
        return true
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
    /// The values read from a snapshot of an older `format` as this version keys them, when it keys them
    /// differently (the pairs are then sorted again); `nil` when they are keyed alike.
    static func upgrading(_ values: [Self], from format: UInt32) -> [Self]?
}

extension StoredPostingValue {
    static func sortPrefix(_ value: Self) -> UInt64? { nil }
    static var hasSortPrefixes: Bool { false }
    static func upgrading(_ values: [Self], from format: UInt32) -> [Self]? { nil }
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

extension TextKey: StoredPostingValue {
    static var hasSortPrefixes: Bool { true }

    static func sortPrefix(_ value: TextKey) -> UInt64? { value.prefix }

    static func append(_ values: [TextKey], to writer: inout BinaryWriter) {
        writer.append(UInt64(values.count))
        for value in values { writer.append(value.text) }
    }

    /// Texts as the current format stores them: already composed.
    static func read(_ reader: inout BinaryReader) throws(FileError) -> [TextKey] {
        let count = try reader.read(UInt64.self)
        // Each string takes at least its 4-byte length.
        guard count <= UInt64(reader.remaining / 4) else { throw reader.corrupt("a property index's text count") }
        var values: [TextKey] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count { values.append(TextKey(composed: try reader.readString())) }
        return values
    }

    /// Format 3 stored the texts as spelled and in the order of `String <`: they are composed now (and the pairs
    /// sorted again by the caller).
    static func upgrading(_ values: [TextKey], from format: UInt32) -> [TextKey]? {
        format < 4 ? values.map { TextKey($0.text) } : nil
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
