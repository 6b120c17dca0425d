// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

/// The layout of an IVF-PQ index file.
///
/// Format version 2 (written for 8-bit stored vectors; every other index is written as version 1, which is
/// version 2 without them, so older readers keep reading it); all integers are little-endian.
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `MMRAGIVP` |
/// | 8 | 4 | format version (1 or 2) |
/// | 12 | 1 | metric (``Metric`` raw value) |
/// | 13 | 1 | stored vectors: 0 none, 1 Float32, 2 Float16, 3 8-bit codes (version 2) |
/// | 14 | 1 | bits per code |
/// | 15 | 1 | 1 when trained, else 0 |
/// | 16 | 9 × 8 | dimension, list count, sub-quantizer count, coarse iterations, codebook iterations, seed, vector count, probe count, refine factor |
/// | 88 | 4 × lists × d | coarse centroids (trained only) |
/// | … | 4 × d × 2^bits | sub-quantizer centroids, `M × 2^bits × d/M` (trained only) |
/// | … | 2 × 4 × d | 8-bit stored vectors only: each component's minimum, then its range (trained only) |
/// | … | 8 × lists | list sizes (trained only) |
/// | … | per list | ids (8 each), codes (M each), stored vectors (4, 2 or 1 × d each) |
/// | end − 8 | 8 | checksum of every preceding byte |
enum IVFPQIndexFile {
    static let magic = Array("MMRAGIVP".utf8)
    /// The newest version read and written.
    static let version: UInt32 = 2
    static let headerSize = 88
    static let maximumDimension = 1 << 20
}

extension IVFPQIndex {
    /// The index as the bytes of an IVF-PQ index file (version 1, or 2 with 8-bit stored vectors).
    public func serialized() -> [UInt8] {
        let (contents, parameters, count) = state.withLock { ($0.contents, $0.parameters, $0.locations.count) }
        var writer = IndexFileWriter(MemorySink())
        write(contents, parameters: parameters, count: count, to: &writer)
        return writer.sink.bytes
    }

    /// Recreates an index from the bytes of an IVF-PQ index file.
    ///
    /// Sizes in the header are checked against the byte count before anything is allocated; the checksum, the
    /// ids (unique), the codes (in range) and all floats (finite) are verified.
    ///
    /// - Throws: ``VectorIndexError/Code/corruptFile`` naming the problem, or
    ///   ``VectorIndexError/Code/unsupportedVersion`` for a newer format.
    public convenience init(serialized bytes: [UInt8]) throws(VectorIndexError) {
        let loaded = try Self.read(MemorySource(bytes))
        self.init(
            dimension: loaded.dimension,
            metric: loaded.metric,
            configuration: loaded.configuration,
            state: loaded.state
        )
    }

    /// Saves the index to `path` atomically (temporary file, `fsync`, `rename`).
    ///
    /// - Throws: ``VectorIndexError/Code/fileSystem`` when the file cannot be written; a previous file at `path`
    ///   is then left as it was.
    @concurrent public func save(to path: String) async throws(VectorIndexError) {
        let (contents, parameters, count) = state.withLock { ($0.contents, $0.parameters, $0.locations.count) }
        try FileStorage.writeAtomically(to: path) { (sink) throws(VectorIndexError) in
            var writer = IndexFileWriter(sink)
            try write(contents, parameters: parameters, count: count, to: &writer)
        }
    }

    /// Loads an index saved with ``save(to:)``.
    ///
    /// - Throws: ``VectorIndexError/Code/fileSystem`` when the file cannot be read, otherwise as
    ///   ``init(serialized:)``.
    @concurrent public static func load(from path: String) async throws(VectorIndexError) -> IVFPQIndex {
        let loaded = try FileStorage.withContents(of: path) { (source) throws(VectorIndexError) in try read(source) }
        return IVFPQIndex(
            dimension: loaded.dimension,
            metric: loaded.metric,
            configuration: loaded.configuration,
            state: loaded.state
        )
    }

    // MARK: - Format

    private func write<Sink: ByteSink>(
        _ contents: IVFPQContents,
        parameters: IVFPQSearchParameters,
        count: Int,
        to writer: inout IndexFileWriter<Sink>
    ) throws(Sink.Failure) {
        let version: UInt32 = configuration.storedVectors == .scalarQuantized8 ? 2 : 1
        try writer.writePreamble(magic: IVFPQIndexFile.magic, version: version)
        var header: [UInt8] = [
            metric.rawValue, configuration.storedVectors.fileCode, UInt8(configuration.bitsPerCode),
            contents.model == nil ? 0 : 1,
        ]
        for value in [
            dimension, configuration.listCount, configuration.subquantizerCount, configuration.coarseIterations,
            configuration.codebookIterations,
        ] {
            header += IndexFileCoding.littleEndianBytes(UInt64(value))
        }
        header += IndexFileCoding.littleEndianBytes(configuration.seed)
        for value in [count, parameters.probeCount, parameters.refineFactor] {
            header += IndexFileCoding.littleEndianBytes(UInt64(max(0, value)))
        }
        try writer.write(header)
        if let model = contents.model {
            try writer.write(model.coarseCentroids)
            try writer.write(model.quantizer.centroids)
            if let bounds = model.vectorQuantizer {
                try writer.write(bounds.minimums)
                try writer.write(bounds.ranges)
            }
            try writer.write(ContiguousArray(contents.lists.map { UInt64($0.count) }))
            for list in contents.lists {
                try writer.write(list.ids)
                try writer.write(list.codes)
                try writer.write(list.vectors)
            }
        }
        try writer.finish()
    }

    struct Loaded {
        var dimension: Int
        var metric: Metric
        var configuration: IVFPQConfiguration
        var state: IVFPQState
    }

    static func read<Source: ByteSource>(_ source: Source) throws(VectorIndexError) -> Loaded {
        let length = source.length
        var reader = IndexFileReader(source)
        let version = try reader.readPreamble(
            magic: IVFPQIndexFile.magic,
            newest: IVFPQIndexFile.version,
            kind: "an IVF-PQ index"
        )
        guard length >= IVFPQIndexFile.headerSize + 8 else { throw IndexFileCoding.truncated("header") }
        let header = Array(try reader.read(UInt8.self, count: IVFPQIndexFile.headerSize - 12, "header"))
        func field(_ i: Int) -> UInt64 { IndexFileCoding.littleEndian(UInt64.self, header, at: 4 + 8 * i) }
        guard let metric = Metric(rawValue: header[0]) else {
            throw VectorIndexError(.corruptFile, "unknown metric code \(header[0])")
        }
        guard let storedVectors = IVFPQConfiguration.StoredVectors(fileCode: header[1]),
            storedVectors != .scalarQuantized8 || version >= 2
        else {
            throw VectorIndexError(.corruptFile, "unknown stored-vector code \(header[1]) in a version-\(version) file")
        }
        guard header[3] <= 1 else { throw VectorIndexError(.corruptFile, "trained flag is \(header[3])") }
        let trained = header[3] == 1
        let limits: [(String, UInt64)] = [
            ("dimension", UInt64(IVFPQIndexFile.maximumDimension)), ("list count", 1 << 24),
            ("sub-quantizer count", UInt64(IVFPQIndexFile.maximumDimension)), ("coarse iterations", 1 << 20),
            ("codebook iterations", 1 << 20),
        ]
        for (i, (name, limit)) in limits.enumerated() where field(i) > limit {
            throw VectorIndexError(.corruptFile, "\(name) \(field(i)) is out of range")
        }
        let configuration = IVFPQConfiguration(
            listCount: Int(field(1)),
            subquantizerCount: Int(field(2)),
            bitsPerCode: Int(header[2]),
            storedVectors: storedVectors,
            coarseIterations: Int(field(3)),
            codebookIterations: Int(field(4)),
            seed: field(5)
        )
        let dimension = Int(field(0))
        do {
            try configuration.validate(dimension: dimension)
        } catch {
            throw VectorIndexError(.corruptFile, "inconsistent header: \(error.message)")
        }
        let parameters = IVFPQSearchParameters(
            probeCount: Int(min(field(7), 1 << 24)),
            refineFactor: Int(min(field(8), 1 << 24))
        )
        var state = IVFPQState()
        state.parameters = parameters
        let declaredCount = field(6)
        guard trained else {
            guard declaredCount == 0 else { throw VectorIndexError(.corruptFile, "an untrained index holds vectors") }
            guard length == IVFPQIndexFile.headerSize + 8 else {
                throw VectorIndexError(
                    .corruptFile,
                    "an untrained index file has \(length) bytes, expected \(IVFPQIndexFile.headerSize + 8)"
                )
            }
            try reader.verifyChecksum()
            return Loaded(dimension: dimension, metric: metric, configuration: configuration, state: state)
        }
        let (model, lists, locations) = try readTrained(
            &reader,
            length: length,
            dimension: dimension,
            metric: metric,
            configuration: configuration
        )
        guard UInt64(locations.count) == declaredCount else {
            throw VectorIndexError(
                .corruptFile,
                "header says \(declaredCount) vectors, the lists hold \(locations.count)"
            )
        }
        state.contents = IVFPQContents(model: model, lists: lists)
        state.locations = locations
        return Loaded(dimension: dimension, metric: metric, configuration: configuration, state: state)
    }

    private static func readTrained<Source: ByteSource>(
        _ reader: inout IndexFileReader<Source>,
        length: Int,
        dimension d: Int,
        metric: Metric,
        configuration: IVFPQConfiguration
    ) throws(VectorIndexError) -> (IVFPQModel, [InvertedList], LocationMap) {
        let listCount = configuration.listCount
        let m = configuration.subquantizerCount
        let ksub = 1 << configuration.bitsPerCode
        let stored = configuration.storedVectors
        let boundsCount = stored == .scalarQuantized8 ? d : 0
        // Everything below is bounded: d ≤ 2^20, lists ≤ 2^24, so these products fit in Int.
        let fixed =
            IVFPQIndexFile.headerSize + 4 * listCount * d + 4 * d * ksub + 8 * boundsCount + 8 * listCount + 8
        guard length >= fixed else { throw IndexFileCoding.truncated("centroids and list sizes") }
        let coarse = try reader.read(Float.self, count: listCount * d, "coarse centroids")
        let codebooks = try reader.read(Float.self, count: d * ksub, "sub-quantizer centroids")
        let minimums = try reader.read(Float.self, count: boundsCount, "8-bit minimums")
        let ranges = try reader.read(Float.self, count: boundsCount, "8-bit ranges")
        let sizes = try reader.read(UInt64.self, count: listCount, "list sizes")
        let vectorBytes = stored.componentBytes * d
        let entryBytes = UInt64(8 + m + vectorBytes)
        let available = UInt64(length - fixed)
        var total: UInt64 = 0
        for size in sizes {
            guard size <= available / entryBytes, size < 1 << 32 else {
                throw VectorIndexError(.corruptFile, "a list claims \(size) vectors; the file is too short for that")
            }
            total += size
        }
        guard total * entryBytes == available else {
            throw VectorIndexError(
                .corruptFile,
                "the lists hold \(total) vectors (\(total * entryBytes) bytes) but \(available) bytes follow the sizes"
            )
        }
        var lists: [InvertedList] = []
        lists.reserveCapacity(listCount)
        for size in sizes {
            let n = Int(size)
            var list = InvertedList(codeSize: m, vectorBytes: vectorBytes)
            try reader.read(n, into: &list.ids, "ids")
            try reader.read(n, into: &list.codes, "codes")
            if vectorBytes > 0 { try reader.read(n, into: &list.vectors, "stored vectors") }
            lists.append(list)
        }
        try reader.verifyChecksum()
        // The bytes are the ones written; what follows catches files written by faulty code.
        guard coarse.allSatisfy(\.isFinite), codebooks.allSatisfy(\.isFinite) else {
            throw VectorIndexError(.corruptFile, "a centroid has a NaN or infinite component")
        }
        guard minimums.allSatisfy(\.isFinite), ranges.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw VectorIndexError(.corruptFile, "an 8-bit bound is NaN, infinite or a negative range")
        }
        var locations = LocationMap()
        locations.reserve(Int(total), lists: lists)
        for (l, list) in lists.enumerated() {
            for offset in 0..<list.count {
                let id = list.ids[offset]
                guard locations.location(of: id, in: lists) == nil else {
                    throw VectorIndexError(.corruptFile, "id \(id) is stored twice")
                }
                locations.insert(id, at: IVFPQState.location(list: l, offset: offset), lists: lists)
            }
            if ksub < 256, let bad = list.codes.chunks.lazy.compactMap({ $0.first { Int($0) >= ksub } }).first {
                throw VectorIndexError(.corruptFile, "code \(bad) is out of range for \(ksub) centroids")
            }
            guard list.vectors.chunks.allSatisfy({ StoredVectorCoding.allFinite($0.span, as: stored) }) else {
                throw VectorIndexError(.corruptFile, "a stored vector has a NaN or infinite component")
            }
        }
        let quantizer = ProductQuantizer(
            dimension: d,
            subquantizerCount: m,
            bitsPerCode: configuration.bitsPerCode,
            centroids: codebooks
        )
        let model = IVFPQModel(
            dimension: d,
            innerProduct: metric != .squaredL2,
            coarseCentroids: coarse,
            quantizer: quantizer,
            vectorQuantizer: boundsCount > 0 ? ScalarQuantizer(minimums: minimums, ranges: ranges) : nil
        )
        return (model, lists, locations)
    }
}
