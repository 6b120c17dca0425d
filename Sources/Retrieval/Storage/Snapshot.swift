// SPDX-License-Identifier: Apache-2.0

import Foundation
import VectorIndex
import _RAGInternals

/// What a snapshot file holds: everything a ``LocalVectorStore`` needs to open, apart from the log written since.
///
/// ## Format 4
/// All integers little-endian; arrays are a 64-bit count and the raw elements.
///
/// | part | contents |
/// |---|---|
/// | header | magic `MMRAGSNP`, version (u32), reserved (u32), generation (u64), the owner's metadata (block) |
/// | schema | the named vectors' layouts, the keyword settings (flag + settings), the next key (u64) |
/// | objects | count (u64), then the objects end to end without their vectors (array of bytes) |
/// | vectors | per named vector, in layout order, its exact index as a flat index file (array of bytes) |
/// | derived | the property index; a flag and the keyword index when there is one |
/// | end | checksum (u64) of every preceding byte |
///
/// The vectors as whole index files and the derived indexes are what make opening cheap: they are read back
/// in blocks instead of being rebuilt object by object. Formats 1 and 2 (objects with their vectors inline, no
/// derived indexes; 2 added the keyword settings) still open; the derived indexes are then rebuilt. Format 3 is
/// format 4 with the property index's text (and blob) postings spelled as stored and ordered by `String <`, which
/// is not a strict weak order on text outside NFC (see ``TextKey``); those postings are composed and sorted again
/// when a format-3 snapshot opens, so one that the earlier reader refused as unsorted opens too.
struct Snapshot {
    var layout: [VectorLayout]
    var keyword: KeywordSettings?
    var metadata: [UInt8]
    var generation: UInt64
    var nextKey: UInt64
    /// The objects, without vectors.
    var objects: [KeyedPut]
    /// Each named vector's exact index.
    var vectors: [String: FlatIndex]
    /// The stored derived indexes (formats 3 and 4); `nil` when they must be rebuilt from the objects.
    var derived: (properties: PropertyIndex, keyword: BM25Index?)?

    static let magic = Array("MMRAGSNP".utf8)
    /// The format written: 2 added the keyword settings, 3 the vector blocks and the derived indexes, 4 keys text
    /// in the property index by its canonical composition in UTF-8 order.
    static let version: UInt32 = 4

    // MARK: - Writing

    /// A snapshot of `state` in the current format, as parts to be written one after another.
    ///
    /// The objects and each named vector's index are parts of their own, as they were encoded, so that the
    /// largest sections are not copied again into one buffer; the checksum covers the parts as one stream.
    static func parts(
        layout: [VectorLayout],
        keyword: KeywordSettings?,
        metadata: [UInt8],
        generation: UInt64,
        state: StoreState
    ) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var checksum = Checksum()
        func add(_ part: [UInt8]) {
            checksum.update(part)
            parts.append(part)
        }
        func add(_ writer: inout BinaryWriter) {
            add(writer.bytes)
            writer = BinaryWriter()
        }
        var writer = BinaryWriter()
        writer.append(bytes: magic)
        writer.append(version)
        writer.append(UInt32(0))
        writer.append(generation)
        writer.append(block: metadata)
        writer.append(UInt32(layout.count))
        for vector in layout { StorageCoding.append(vector, to: &writer) }
        writer.append(keyword != nil)
        keyword?.append(to: &writer)
        writer.append(state.nextKey)

        // The objects as one block of known length, so a reader can find the sections after it without decoding.
        var objects = BinaryWriter()
        for entry in state.objects.values.sorted(by: { $0.key < $1.key }) {
            StorageCoding.append(entry.object, key: entry.key, vectors: [:], to: &objects)
        }
        writer.append(UInt64(state.objects.count))
        // Each block is written as `append(array:)` writes it: a 64-bit count, then the bytes.
        writer.append(UInt64(objects.bytes.count))
        add(&writer)
        add(&objects)

        for vector in layout {
            let block = state.slots[vector.name]!.exact.serialized()
            writer.append(UInt64(block.count))
            add(&writer)
            add(block)
        }

        let derived = state.derived.current
        derived.properties.append(to: &writer)
        writer.append(derived.keyword != nil)
        derived.keyword?.append(to: &writer)
        add(&writer)
        writer.append(checksum.value)
        parts.append(writer.bytes)
        return parts
    }

    /// Writes `parts` to `path` one after another, atomically (a temporary file, synced and renamed).
    static func write(_ parts: [[UInt8]], to path: String) throws(FileError) {
        try Files.writeAtomically(to: path, wrap: { $0 }) { (file) throws(FileError) in
            for part in parts { try file.write(part) }
        }
    }

    // MARK: - Reading

    /// Reads a snapshot of format 1 to 4, verifying its checksum.
    ///
    /// Formats 3 and 4 are read on two threads: one verifies the checksum and reads the vectors and derived indexes,
    /// the other decodes the objects. Every read is bounds-checked, so damaged bytes read before the checksum
    /// has been compared cannot do harm; a checksum mismatch is the error reported whenever there is one.
    ///
    /// - Throws: ``FileError`` (corrupt) for a damaged file, (unsupportedVersion) for a newer format.
    init(reading bytes: [UInt8], path: String) throws(FileError) {
        guard bytes.count >= 32, Array(bytes[0..<8]) == Self.magic else {
            throw FileError(.corrupt, path: path, "not a collection snapshot")
        }
        let body = bytes[..<(bytes.count - 8)]
        let stored = BinaryReader.littleEndian(UInt64.self, bytes, at: bytes.count - 8)
        let checksumError = FileError(.corrupt, path: path, "the snapshot fails its checksum")
        let version = BinaryReader.littleEndian(UInt32.self, bytes, at: 8)
        if version < 3 {
            guard Checksum.of(body) == stored else { throw checksumError }
        }
        var reader = BinaryReader(bytes[8..<(bytes.count - 8)], path: path)
        var sections: Sections?
        do throws(FileError) {
            try self.init(header: &reader, path: path)
            if version >= 3 {
                sections = try Sections(&reader, layout: layout)
            } else {
                (objects, vectors) = try Self.readInlineObjects(&reader, layout: layout, path: path)
                derived = nil
                guard reader.isAtEnd else { throw reader.corrupt("the snapshot") }
            }
        } catch {
            if version >= 3, Checksum.of(body) != stored { throw checksumError }
            throw error
        }
        guard let sections else { return }
        var checked: Result<([String: FlatIndex], Derived), FileError> = .failure(checksumError)
        var decoded: Result<[KeyedPut], FileError> = .success([])
        let (layout, keyword) = (layout, keyword)
        // Each part writes only its own result.
        Parallel.forEach(parts: 2) { part in
            if part == 0 {
                guard Checksum.of(body) == stored else { return }
                checked = Result { () throws(FileError) in
                    (
                        try sections.vectors(layout: layout, path: path),
                        try sections.derived(keyword: keyword, format: version, path: path)
                    )
                }
            } else {
                decoded = Result { () throws(FileError) in try sections.objects() }
            }
        }
        (vectors, derived) = try checked.get()
        objects = try decoded.get()
    }

    private typealias Derived = (properties: PropertyIndex, keyword: BM25Index?)?

    /// Reads the header and schema, up to the next key; leaves the contents to the caller.
    private init(header reader: inout BinaryReader, path: String) throws(FileError) {
        let version = try reader.read(UInt32.self)
        guard version <= Self.version else {
            throw FileError(.unsupportedVersion, path: path, "the snapshot has format version \(version)")
        }
        _ = try reader.read(UInt32.self)
        generation = try reader.read(UInt64.self)
        metadata = Array(try reader.block())
        layout = []
        let layoutCount = Int(try reader.read(UInt32.self))
        for _ in 0..<min(layoutCount, reader.remaining) { layout.append(try StorageCoding.readLayout(&reader)) }
        guard layout.count == layoutCount, Set(layout.map(\.name)).count == layoutCount else {
            throw reader.corrupt("the snapshot's named vectors")
        }
        keyword = nil
        if version >= 2, try reader.read(UInt8.self) != 0 { keyword = try KeywordSettings.read(&reader) }
        nextKey = try reader.read(UInt64.self)
        objects = []
        vectors = [:]
        derived = nil
    }

    /// The sections of formats 3 and 4, located (not yet decoded) so that they can be decoded on different threads.
    private struct Sections: @unchecked Sendable {
        // SAFETY: only slices of an array that is not mutated while the snapshot is read.
        let objectCount: Int
        let objectBytes: ArraySlice<UInt8>
        let vectorFiles: [ArraySlice<UInt8>]
        let derivedBytes: ArraySlice<UInt8>

        init(_ reader: inout BinaryReader, layout: [VectorLayout]) throws(FileError) {
            let count = try reader.read(UInt64.self)
            objectBytes = try reader.arrayBlock()
            // An object takes at least 48 bytes (id, key, two times, two counts).
            guard count <= UInt64(objectBytes.count / 48) else { throw reader.corrupt("the snapshot's object count") }
            objectCount = Int(count)
            var files: [ArraySlice<UInt8>] = []
            for _ in layout { files.append(try reader.arrayBlock()) }
            vectorFiles = files
            derivedBytes = try reader.bytes(reader.remaining)
        }

        /// Each named vector's exact index.
        func vectors(layout: [VectorLayout], path: String) throws(FileError) -> [String: FlatIndex] {
            var vectors: [String: FlatIndex] = [:]
            for (vector, file) in zip(layout, vectorFiles) {
                let index: FlatIndex
                do {
                    index = try FlatIndex(serialized: file)
                } catch {
                    throw FileError(.corrupt, path: path, "the vectors of \"\(vector.name)\" do not load: \(error)")
                }
                guard index.dimension == vector.dimension, index.metric == vector.metric else {
                    throw FileError(.corrupt, path: path, "the vectors of \"\(vector.name)\" have another shape")
                }
                vectors[vector.name] = index
            }
            return vectors
        }

        /// The property index and the keyword index, as snapshot format `format` stores them.
        func derived(keyword: KeywordSettings?, format: UInt32, path: String) throws(FileError) -> Derived {
            var reader = BinaryReader(derivedBytes, path: path)
            let properties = try PropertyIndex(reading: &reader, format: format)
            var keywordIndex: BM25Index?
            if try reader.readBool() {
                guard let settings = keyword, var index = try? settings.makeIndex() else {
                    throw reader.corrupt("the snapshot's keyword index (no settings for it)")
                }
                try index.read(&reader)
                keywordIndex = index
            }
            guard reader.isAtEnd else { throw reader.corrupt("the snapshot") }
            return (properties, keywordIndex)
        }

        /// The objects, in key order.
        func objects() throws(FileError) -> [KeyedPut] {
            var reader = BinaryReader(objectBytes, path: "")
            var puts: [KeyedPut] = []
            puts.reserveCapacity(objectCount)
            for _ in 0..<objectCount {
                let (object, key) = try StorageCoding.readObject(&reader)
                guard object.vectors.isEmpty else { throw reader.corrupt("a snapshot object") }
                puts.append(KeyedPut(object: object, key: key))
            }
            guard reader.isAtEnd else { throw reader.corrupt("the snapshot's objects") }
            return puts
        }
    }

    /// Formats 1 and 2: objects with their vectors inline; the vectors are gathered into one index per name
    /// (vectors under undeclared names are skipped, as those formats always did).
    private static func readInlineObjects(
        _ reader: inout BinaryReader,
        layout: [VectorLayout],
        path: String
    ) throws(FileError) -> ([KeyedPut], [String: FlatIndex]) {
        let count = try reader.read(UInt64.self)
        guard count <= UInt64(reader.remaining) else { throw reader.corrupt("the snapshot's object count") }
        var puts: [KeyedPut] = []
        puts.reserveCapacity(Int(count))
        var batches: [String: (ids: [UInt64], values: ContiguousArray<Float>)] = [:]
        for _ in 0..<count {
            var (object, key) = try StorageCoding.readObject(&reader)
            for (name, vector) in object.vectors {
                batches[name, default: ([], [])].ids.append(key)
                batches[name, default: ([], [])].values.append(contentsOf: vector)
            }
            object.vectors = [:]
            puts.append(KeyedPut(object: object, key: key))
        }
        var vectors: [String: FlatIndex] = [:]
        for vector in layout {
            do {
                let index = try FlatIndex(dimension: vector.dimension, metric: vector.metric)
                if let batch = batches.removeValue(forKey: vector.name) {
                    try index.add(try VectorMatrix(values: batch.values, dimension: vector.dimension), ids: batch.ids)
                }
                vectors[vector.name] = index
            } catch {
                throw FileError(
                    .corrupt,
                    path: path,
                    "the snapshot's vectors of \"\(vector.name)\" do not load: \(error)"
                )
            }
        }
        return (puts, vectors)
    }
}
