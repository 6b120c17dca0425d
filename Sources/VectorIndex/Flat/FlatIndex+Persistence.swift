// SPDX-License-Identifier: Apache-2.0

/// The layout of a flat index file.
///
/// All integers are little-endian. Float32 indexes are written in format version 1, which every earlier release
/// reads; Float16 and 8-bit indexes in version 2, which names the storage in a header byte that version 1 keeps
/// zero. Version 1 files load as Float32 indexes.
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `MMRAGFLT` |
/// | 8 | 4 | format version (1 or 2) |
/// | 12 | 1 | metric (``Metric`` raw value) |
/// | 13 | 1 | version 2: storage (``VectorStorage`` raw value); version 1: zero |
/// | 14 | 1 | version 2: 1 when a ``VectorStorage/scalarQuantized8`` index is trained, else 0; version 1: zero |
/// | 15 | 1 | reserved, zero |
/// | 16 | 8 | dimension |
/// | 24 | 8 | count |
/// | 32 | 8 × count | ids |
/// | … | 8 × dimension | trained 8-bit indexes only: per-component minimums, then ranges (Float32) |
/// | … | b × count × dimension | vectors, row-major: Float32 (b = 4), binary16 (b = 2) or 8-bit codes (b = 1) |
/// | end − 8 | 8 | checksum of every preceding byte |
enum FlatIndexFile {
    static let magic = Array("MMRAGFLT".utf8)
    /// The newest version this library reads and writes (2: compact storage).
    static let version: UInt32 = 2
    static let headerSize = 32
    static let maximumDimension = 1 << 20
}

extension FlatIndex {
    /// The index as the bytes of a flat index file (version 1 for Float32 storage, 2 otherwise).
    ///
    /// - Complexity: O(n·d).
    public func serialized() -> [UInt8] {
        let storage = snapshot()
        var sink = MemorySink()
        let rowBytes = 8 + storage.storage.bytesPerComponent * dimension
        sink.bytes.reserveCapacity(FlatIndexFile.headerSize + 8 * dimension + storage.count * rowBytes + 8)
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
        let compact = storage.storage != .float32
        try writer.writePreamble(magic: FlatIndexFile.magic, version: compact ? 2 : 1)
        let trained: UInt8 = storage.storage == .scalarQuantized8 && storage.quantizer != nil ? 1 : 0
        var header: [UInt8] = [metric.rawValue, compact ? storage.storage.rawValue : 0, trained, 0]
        header += IndexFileCoding.littleEndianBytes(UInt64(storage.dimension))
        header += IndexFileCoding.littleEndianBytes(UInt64(storage.count))
        try writer.write(header)
        try writer.write(storage.ids)
        switch storage.storage {
        case .float32:
            try writer.write(storage.vectors)
        case .float16:
            try writer.write(storage.halves)
        case .scalarQuantized8:
            if let quantizer = storage.quantizer {
                try writer.write(quantizer.minimums)
                try writer.write(quantizer.ranges)
            }
            try writer.write(storage.codes)
        }
        try writer.finish()
    }

    static func read<Source: ByteSource>(_ source: Source) throws(VectorIndexError) -> (Metric, FlatStorage) {
        let length = source.length
        var reader = IndexFileReader(source)
        let version = try reader.readPreamble(
            magic: FlatIndexFile.magic,
            newest: FlatIndexFile.version,
            kind: "a flat index"
        )
        guard length >= 16 else { throw IndexFileCoding.truncated("header") }
        let header = Array(try reader.read(UInt8.self, count: 4, "header"))
        guard length >= FlatIndexFile.headerSize + 8 else { throw IndexFileCoding.truncated("header") }
        let sizes = Array(try reader.read(UInt8.self, count: 16, "header"))
        let dimension64 = IndexFileCoding.littleEndian(UInt64.self, sizes, at: 0)
        let count64 = IndexFileCoding.littleEndian(UInt64.self, sizes, at: 8)
        guard dimension64 >= 1, dimension64 <= UInt64(FlatIndexFile.maximumDimension) else {
            throw VectorIndexError(.corruptFile, "dimension \(dimension64) is out of range")
        }
        let dimension = Int(dimension64)
        // The storage byte is read before the checksum is verified only to size the body; its meaning is
        // checked again after the checksum.
        let storage = version >= 2 ? VectorStorage(rawValue: header[1]) : .float32
        guard let storage else {
            throw VectorIndexError(.corruptFile, "unknown vector storage code \(header[1])")
        }
        guard header[2] <= 1, header[2] == 0 || storage == .scalarQuantized8 else {
            throw VectorIndexError(.corruptFile, "invalid trained flag \(header[2])")
        }
        let trained = header[2] == 1
        let rowBytes = UInt64(8 + storage.bytesPerComponent * dimension)
        let boundsBytes = UInt64(trained ? 8 * dimension : 0)
        let available = UInt64(length - FlatIndexFile.headerSize - 8)
        guard available >= boundsBytes, count64 <= (available - boundsBytes) / rowBytes,
            count64 * rowBytes + boundsBytes == available
        else {
            throw VectorIndexError(
                .corruptFile,
                "header says \(count64) \(storage) vectors of dimension \(dimension), but the file holds "
                    + "\(available) bytes of data"
            )
        }
        let count = Int(count64)
        guard count == 0 || storage != .scalarQuantized8 || trained else {
            throw VectorIndexError(.corruptFile, "an untrained 8-bit index holds \(count) vectors")
        }
        var rows = FlatRows(
            dimension: dimension,
            storage: storage,
            keepsNorms: header[0] == Metric.squaredL2.rawValue
        )
        var firstBad: Int?
        let chunkRows = 1 << FlatRows.chunkShift
        try reader.read(count, into: &rows.ids, "ids")
        var bounds: (ContiguousArray<Float>, ContiguousArray<Float>)?
        if trained {
            bounds = (
                try reader.read(Float.self, count: dimension, "quantizer bounds"),
                try reader.read(Float.self, count: dimension, "quantizer bounds")
            )
        }
        for start in stride(from: 0, to: count, by: chunkRows) {
            let n = min(chunkRows, count - start)
            switch storage {
            case .float32:
                let vectors = try reader.readChunk(AlignedRowChunk<Float>.self, count: n * dimension, "vectors")
                if firstBad == nil, let bad = vectors.withElements({ v in v.indices.first { !v[$0].isFinite } }) {
                    firstBad = start + bad / dimension
                }
                rows.vectors.append(contentsOf: vectors)
            case .float16:
                let halves = try reader.readChunk(AlignedRowChunk<UInt16>.self, count: n * dimension, "vectors")
                if firstBad == nil {
                    let infinite = halves.withElements { h in h.indices.first { h[$0] & 0x7C00 == 0x7C00 } }
                    if let bad = infinite { firstBad = start + bad / dimension }
                }
                rows.halves.append(contentsOf: halves)
            case .scalarQuantized8:
                rows.codes.append(
                    contentsOf: try reader.readChunk(AlignedRowChunk<UInt8>.self, count: n * dimension, "vectors")
                )
            }
        }
        try reader.verifyChecksum()
        // The bytes are the ones that were written; what follows catches files written by faulty code.
        guard let metric = Metric(rawValue: header[0]) else {
            throw VectorIndexError(.corruptFile, "unknown metric code \(header[0])")
        }
        guard (version >= 2 ? header[3...] : header[1...]).allSatisfy({ $0 == 0 }) else {
            throw VectorIndexError(.corruptFile, "reserved header bytes are not zero")
        }
        if let firstBad {
            throw VectorIndexError(.corruptFile, "vector \(firstBad) has a NaN or infinite component")
        }
        if let (minimums, ranges) = bounds {
            guard minimums.allSatisfy(\.isFinite), ranges.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw VectorIndexError(
                    .corruptFile,
                    "the 8-bit quantizer bounds are not finite, or a range is negative"
                )
            }
            rows.quantizer = ScalarQuantizer(minimums: minimums, ranges: ranges)
            rows.recomputeNorms()
        }
        var rowOfID: [UInt64: Int] = [:]
        rowOfID.reserveCapacity(count)
        for row in 0..<count where rowOfID.updateValue(row, forKey: rows.ids[row]) != nil {
            throw VectorIndexError(.corruptFile, "id \(rows.ids[row]) is stored twice")
        }
        return (metric, FlatStorage(rows: rows, rowOfID: rowOfID))
    }
}
