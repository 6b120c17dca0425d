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
        let n = storage.ids.count
        var writer = BinaryWriter(reservingCapacity: FlatIndexFile.headerSize + n * (8 + 4 * dimension) + 8)
        writer.write(FlatIndexFile.magic)
        writer.write(FlatIndexFile.version)
        writer.write(metric.rawValue)
        writer.write([0, 0, 0])
        writer.write(UInt64(dimension))
        writer.write(UInt64(n))
        writer.write(storage.ids)
        writer.write(storage.vectors)
        writer.write(Checksum.of(writer.bytes[...]))
        return writer.bytes
    }

    /// Recreates an index from the bytes of a flat index file.
    ///
    /// Nothing in the file is trusted: sizes are checked against the byte count before anything is allocated,
    /// and the checksum, the metric, the ids (unique) and the vectors (finite) are verified.
    ///
    /// - Throws: ``VectorIndexError/Code/corruptFile`` naming the problem (wrong magic, truncation, checksum
    ///   mismatch, inconsistent sizes), or ``VectorIndexError/Code/unsupportedVersion`` for a newer format.
    public convenience init(serialized bytes: [UInt8]) throws(VectorIndexError) {
        guard bytes.count >= FlatIndexFile.magic.count, Array(bytes[0..<8]) == FlatIndexFile.magic else {
            throw VectorIndexError(.corruptFile, "not a flat index file (wrong magic number)")
        }
        var reader = BinaryReader(bytes, offset: 8)
        let version = try reader.read(UInt32.self, "header")
        guard version != 0 else { throw VectorIndexError(.corruptFile, "format version 0 is invalid") }
        guard version <= FlatIndexFile.version else {
            throw VectorIndexError(
                .unsupportedVersion,
                "file has format version \(version); this library reads up to \(FlatIndexFile.version)"
            )
        }
        guard bytes.count >= FlatIndexFile.headerSize + 8 else { throw BinaryReader.truncated("header") }
        let stored = BinaryReader(bytes, offset: bytes.count - 8)
        var checksumReader = stored
        let expectedChecksum = try checksumReader.read(UInt64.self, "checksum")
        guard Checksum.of(bytes[0..<bytes.count - 8]) == expectedChecksum else {
            throw VectorIndexError(.corruptFile, "checksum mismatch: the file is damaged")
        }
        let metricValue = try reader.read(UInt8.self, "header")
        guard let metric = Metric(rawValue: metricValue) else {
            throw VectorIndexError(.corruptFile, "unknown metric code \(metricValue)")
        }
        guard try reader.readBytes(3, "header").allSatisfy({ $0 == 0 }) else {
            throw VectorIndexError(.corruptFile, "reserved header bytes are not zero")
        }
        let dimension64 = try reader.read(UInt64.self, "header")
        let count64 = try reader.read(UInt64.self, "header")
        guard dimension64 >= 1, dimension64 <= UInt64(FlatIndexFile.maximumDimension) else {
            throw VectorIndexError(.corruptFile, "dimension \(dimension64) is out of range")
        }
        let dimension = Int(dimension64)
        let rowBytes = UInt64(8 + 4 * dimension)
        let body = UInt64(bytes.count - FlatIndexFile.headerSize - 8)
        guard count64 <= body / rowBytes, count64 * rowBytes == body else {
            throw VectorIndexError(
                .corruptFile,
                "header says \(count64) vectors of dimension \(dimension), but the file holds \(body) bytes of data"
            )
        }
        let count = Int(count64)
        let ids = try reader.readUInt64s(count, "ids")
        let vectors = try reader.readFloats(count * dimension, "vectors")
        var storage = FlatStorage(dimension: dimension)
        storage.rowOfID.reserveCapacity(count)
        for (row, id) in ids.enumerated() where storage.rowOfID.updateValue(row, forKey: id) != nil {
            throw VectorIndexError(.corruptFile, "id \(id) is stored twice")
        }
        if let bad = vectors.firstIndex(where: { !$0.isFinite }) {
            throw VectorIndexError(.corruptFile, "vector \(bad / dimension) has a NaN or infinite component")
        }
        storage.ids = ids
        storage.vectors = vectors
        self.init(dimension: dimension, metric: metric, storage: storage)
    }

    /// Saves the index to `path` atomically (temporary file, `fsync`, `rename`).
    ///
    /// - Throws: ``VectorIndexError/Code/fileSystem`` when the file cannot be written; the previous file at
    ///   `path`, if any, is then left as it was.
    public func save(to path: String) async throws(VectorIndexError) {
        try FileStorage.writeAtomically(serialized(), to: path)
    }

    /// Loads an index saved with ``save(to:)``.
    ///
    /// - Throws: ``VectorIndexError/Code/fileSystem`` when the file cannot be read, otherwise as
    ///   ``init(serialized:)``.
    public static func load(from path: String) async throws(VectorIndexError) -> FlatIndex {
        try FlatIndex(serialized: FileStorage.read(path))
    }
}
