// SPDX-License-Identifier: Apache-2.0

/// The layout of a flat index file.
///
/// Format version 1; all integers are little-endian.
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `MMRAGFLT` |
/// | 8 | 4 | format version (1) |
/// | 12 | 1 | metric (``Metric`` raw value) |
/// | 13 | 3 | reserved, zero |
/// | 16 | 8 | dimension |
/// | 24 | 8 | count |
/// | 32 | 8 × count | ids |
/// | … | 4 × count × dimension | vectors, Float32, row-major |
/// | end − 8 | 8 | checksum of every preceding byte |
enum FlatIndexFile {
    static let magic = Array("MMRAGFLT".utf8)
    static let version: UInt32 = 1
    static let headerSize = 32
    static let maximumDimension = 1 << 20
}

extension FlatIndex {
    /// The index as the bytes of a version-1 flat index file.
    ///
    /// - Complexity: O(n·d).
    public func serialized() -> [UInt8] {
        let storage = snapshot()
        var sink = MemorySink()
        sink.bytes.reserveCapacity(FlatIndexFile.headerSize + storage.count * (8 + 4 * dimension) + 8)
        var writer = IndexFileWriter(sink)
        Self.write(storage, metric: metric, to: &writer)
        return writer.sink.bytes
    }

    /// Recreates an index from the bytes of a flat index file.
    ///
    /// Nothing in the file is trusted: sizes are checked against the byte count before anything is allocated,
    /// and the checksum, the metric, the ids (unique) and the vectors (finite) are verified.
    ///
    /// - Throws: ``VectorIndexError/Code/corruptFile`` naming the problem (wrong magic, truncation, checksum
    ///   mismatch, inconsistent sizes), or ``VectorIndexError/Code/unsupportedVersion`` for a newer format.
    public convenience init(serialized bytes: [UInt8]) throws(VectorIndexError) {
        try self.init(serialized: bytes[...])
    }

    /// Recreates an index from a flat index file held inside a larger byte array, without copying it out first.
    ///
    /// - Throws: As ``init(serialized:)-([UInt8])``.
    package convenience init(serialized bytes: ArraySlice<UInt8>) throws(VectorIndexError) {
        let (metric, storage) = try Self.read(MemorySource(bytes))
        self.init(dimension: storage.dimension, metric: metric, storage: storage)
    }

    /// Saves the index to `path` atomically (temporary file, `fsync`, `rename`).
    ///
    /// The file is written straight from the index's storage, without a second copy in memory.
    ///
    /// - Throws: ``VectorIndexError/Code/fileSystem`` when the file cannot be written; the previous file at
    ///   `path`, if any, is then left as it was.
    @concurrent public func save(to path: String) async throws(VectorIndexError) {
        let storage = snapshot()
        try FileStorage.writeAtomically(to: path) { (sink) throws(VectorIndexError) in
            var writer = IndexFileWriter(sink)
            try Self.write(storage, metric: metric, to: &writer)
        }
    }

    /// Loads an index saved with ``save(to:)``, reading the file straight into the index's storage.
    ///
    /// - Throws: ``VectorIndexError/Code/fileSystem`` when the file cannot be read, otherwise as
    ///   ``init(serialized:)``.
    @concurrent public static func load(from path: String) async throws(VectorIndexError) -> FlatIndex {
        let (metric, storage) = try FileStorage.withContents(of: path) { (source) throws(VectorIndexError) in
            try read(source)
        }
        return FlatIndex(dimension: storage.dimension, metric: metric, storage: storage)
    }

    // MARK: - Format

    static func write<Sink: ByteSink>(
        _ storage: FlatRows,
        metric: Metric,
        to writer: inout IndexFileWriter<Sink>
    ) throws(Sink.Failure) {
        try writer.writePreamble(magic: FlatIndexFile.magic, version: FlatIndexFile.version)
        var header: [UInt8] = [metric.rawValue, 0, 0, 0]
        header += IndexFileCoding.littleEndianBytes(UInt64(storage.dimension))
        header += IndexFileCoding.littleEndianBytes(UInt64(storage.count))
        try writer.write(header)
        try writer.write(storage.ids)
        try writer.write(storage.vectors)
        try writer.finish()
    }

    static func read<Source: ByteSource>(_ source: Source) throws(VectorIndexError) -> (Metric, FlatStorage) {
        let length = source.length
        var reader = IndexFileReader(source)
        _ = try reader.readPreamble(magic: FlatIndexFile.magic, newest: FlatIndexFile.version, kind: "a flat index")
        guard length >= 16 else { throw IndexFileCoding.truncated("header") }
        let metricAndReserved = Array(try reader.read(UInt8.self, count: 4, "header"))
        guard length >= FlatIndexFile.headerSize + 8 else { throw IndexFileCoding.truncated("header") }
        let sizes = Array(try reader.read(UInt8.self, count: 16, "header"))
        let dimension64 = IndexFileCoding.littleEndian(UInt64.self, sizes, at: 0)
        let count64 = IndexFileCoding.littleEndian(UInt64.self, sizes, at: 8)
        guard dimension64 >= 1, dimension64 <= UInt64(FlatIndexFile.maximumDimension) else {
            throw VectorIndexError(.corruptFile, "dimension \(dimension64) is out of range")
        }
        let dimension = Int(dimension64)
        let rowBytes = UInt64(8 + 4 * dimension)
        let body = UInt64(length - FlatIndexFile.headerSize - 8)
        guard count64 <= body / rowBytes, count64 * rowBytes == body else {
            throw VectorIndexError(
                .corruptFile,
                "header says \(count64) vectors of dimension \(dimension), but the file holds \(body) bytes of data"
            )
        }
        let count = Int(count64)
        var rows = FlatRows(dimension: dimension)
        var firstNonFinite: Int?
        let chunkRows = 1 << FlatRows.chunkShift
        try reader.read(count, into: &rows.ids, "ids")
        for start in stride(from: 0, to: count, by: chunkRows) {
            let n = min(chunkRows, count - start)
            let vectors = try reader.read(Float.self, count: n * dimension, "vectors")
            if firstNonFinite == nil, let bad = vectors.firstIndex(where: { !$0.isFinite }) {
                firstNonFinite = start + bad / dimension
            }
            rows.vectors.append(contentsOf: vectors)
        }
        try reader.verifyChecksum()
        // The bytes are the ones that were written; what follows catches files written by faulty code.
        guard let metric = Metric(rawValue: metricAndReserved[0]) else {
            throw VectorIndexError(.corruptFile, "unknown metric code \(metricAndReserved[0])")
        }
        guard metricAndReserved[1...].allSatisfy({ $0 == 0 }) else {
            throw VectorIndexError(.corruptFile, "reserved header bytes are not zero")
        }
        if let firstNonFinite {
            throw VectorIndexError(.corruptFile, "vector \(firstNonFinite) has a NaN or infinite component")
        }
        var rowOfID: [UInt64: Int] = [:]
        rowOfID.reserveCapacity(count)
        for row in 0..<count where rowOfID.updateValue(row, forKey: rows.ids[row]) != nil {
            throw VectorIndexError(.corruptFile, "id \(rows.ids[row]) is stored twice")
        }
        return (metric, FlatStorage(rows: rows, rowOfID: rowOfID))
    }
}
