// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

extension IVFPQIndex {
    /// Imports an index written by FAISS's `write_index` for `IndexIVFPQ`.
    ///
    /// Supported: squared L2 and inner product, `by_residual` true, 8-bit codes, a flat coarse quantizer
    /// (`IndexFlatL2` / `IndexFlatIP`) and array inverted lists — what `faiss.index_factory(d, "IVF1024,PQ48")`
    /// writes. The imported index searches like the FAISS one (same ids, distances equal to rounding) and keeps
    /// FAISS's `nprobe` as its ``searchParameters``. Full vectors are not in FAISS files, so refinement is off.
    ///
    /// - Throws: ``VectorIndexError/Code/unsupported`` naming the four-character FAISS type code for other
    ///   index types (HNSW `IHNf`, pre-transforms such as OPQ `IxPT`, fast-scan `IwPf` …) or features
    ///   (no residuals, other code sizes, duplicate ids); ``VectorIndexError/Code/corruptFile`` for a truncated
    ///   or inconsistent file.
    public convenience init(faissIndex bytes: [UInt8]) throws(VectorIndexError) {
        var reader = FAISSReader(bytes)
        let top = try reader.fourCC("index type")
        guard top == "IwPQ" else { throw FAISSReader.unsupportedType(top, what: "index type") }
        let header = try reader.indexHeader()
        let listCount = try reader.size("nlist", limit: 1 << 24)
        let probeCount = try reader.size("nprobe", limit: 1 << 24)
        // The coarse quantizer: a flat index holding the centroids.
        let quantizerType = try reader.fourCC("coarse quantizer type")
        guard quantizerType == "IxF2" || quantizerType == "IxFI" else {
            throw FAISSReader.unsupportedType(
                quantizerType,
                what: "coarse quantizer (only flat quantizers are supported)"
            )
        }
        let quantizerHeader = try reader.indexHeader()
        guard quantizerHeader.dimension == header.dimension, quantizerHeader.count == listCount,
            quantizerHeader.innerProduct == header.innerProduct
        else {
            throw VectorIndexError(
                .corruptFile,
                "the coarse quantizer does not match the index (dimension, lists or metric)"
            )
        }
        let d = header.dimension
        let centroidCount = try reader.size("quantizer vector count", limit: UInt64(listCount * d))
        guard centroidCount == listCount * d else {
            throw VectorIndexError(
                .corruptFile,
                "the quantizer holds \(centroidCount) floats, expected \(listCount * d)"
            )
        }
        let coarse = try reader.floats(count: centroidCount, "coarse centroids")
        try reader.skipDirectMap()
        guard try reader.byte("by_residual") == 1 else {
            throw VectorIndexError(
                .unsupported,
                "FAISS IndexIVFPQ without residual encoding (by_residual = false) is not supported"
            )
        }
        let codeSize = try reader.size("code_size", limit: 1 << 20)
        // The product quantizer.
        let pqDimension = try reader.size("PQ dimension", limit: 1 << 20)
        let m = try reader.size("PQ M", limit: 1 << 20)
        let bits = try reader.size("PQ nbits", limit: 64)
        guard bits == 8 else {
            throw VectorIndexError(
                .unsupported,
                "FAISS product quantizers with \(bits)-bit codes are not supported (8 only)"
            )
        }
        guard pqDimension == d, m >= 1, d % m == 0, codeSize == m else {
            throw VectorIndexError(
                .corruptFile,
                "product quantizer d=\(pqDimension) M=\(m) code_size=\(codeSize) does not fit dimension \(d)"
            )
        }
        let codebookCount = try reader.size("PQ centroid count", limit: UInt64(d * 256))
        guard codebookCount == d * 256 else {
            throw VectorIndexError(
                .corruptFile,
                "the product quantizer holds \(codebookCount) floats, expected \(d * 256)"
            )
        }
        let codebooks = try reader.floats(count: codebookCount, "sub-quantizer centroids")
        let lists = try reader.invertedLists(listCount: listCount, codeSize: m)
        guard reader.isAtEnd else {
            throw VectorIndexError(.corruptFile, "\(reader.remaining) unexpected bytes after the inverted lists")
        }
        guard coarse.allSatisfy(\.isFinite), codebooks.allSatisfy(\.isFinite) else {
            throw VectorIndexError(.corruptFile, "a centroid has a NaN or infinite component")
        }
        var state = IVFPQState()
        var stored = 0
        state.locations.reserve(lists.reduce(0) { $0 + $1.count }, lists: lists)
        for (l, list) in lists.enumerated() {
            for offset in 0..<list.count {
                let id = list.ids[offset]
                guard state.locations.location(of: id, in: lists) == nil else {
                    throw VectorIndexError(
                        .unsupported,
                        "the FAISS index stores id \(Int64(bitPattern: id)) more than once; this index needs unique ids"
                    )
                }
                state.locations.insert(id, at: IVFPQState.location(list: l, offset: offset), lists: lists)
            }
            stored += list.count
        }
        guard stored == header.count else {
            throw VectorIndexError(.corruptFile, "the header says \(header.count) vectors, the lists hold \(stored)")
        }
        let quantizer = ProductQuantizer(dimension: d, subquantizerCount: m, bitsPerCode: 8, centroids: codebooks)
        let model = IVFPQModel(
            dimension: d,
            innerProduct: header.innerProduct,
            coarseCentroids: coarse,
            quantizer: quantizer
        )
        state.contents = IVFPQContents(model: model, lists: lists)
        state.parameters = IVFPQSearchParameters(probeCount: max(1, probeCount))
        self.init(
            dimension: d,
            metric: header.innerProduct ? .innerProduct : .squaredL2,
            configuration: IVFPQConfiguration(listCount: listCount, subquantizerCount: m),
            state: state
        )
    }

    /// Imports a FAISS `IndexIVFPQ` file; see ``init(faissIndex:)``.
    ///
    /// - Throws: ``VectorIndexError/Code/fileSystem`` when the file cannot be read, otherwise as
    ///   ``init(faissIndex:)``.
    @concurrent public static func load(faissIndexAt path: String) async throws(VectorIndexError) -> IVFPQIndex {
        let bytes = try FileStorage.withContents(of: path) { (source) throws(VectorIndexError) in
            try source.readAll("FAISS index")
        }
        return try IVFPQIndex(faissIndex: bytes)
    }
}

/// A bounds-checked little-endian cursor over a FAISS index file.
struct FAISSReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset == bytes.count }

    static func unsupportedType(_ code: String, what: String) -> VectorIndexError {
        VectorIndexError(
            .unsupported,
            "FAISS \(what) '\(code)' is not supported; only IndexIVFPQ ('IwPQ') files can be imported"
        )
    }

    private mutating func take(_ count: Int, _ what: String) throws(VectorIndexError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else {
            throw VectorIndexError(.corruptFile, "FAISS file is truncated: it ends inside the \(what)")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    private mutating func integer<T: FixedWidthInteger>(_: T.Type, _ what: String) throws(VectorIndexError) -> T {
        let slice = try take(MemoryLayout<T>.size, what)
        return slice.reversed().reduce(T(0)) { $0 << 8 | T($1) }
    }

    mutating func byte(_ what: String) throws(VectorIndexError) -> UInt8 { try integer(UInt8.self, what) }

    /// A four-character type code; anything unprintable means the bytes are not a FAISS index.
    mutating func fourCC(_ what: String) throws(VectorIndexError) -> String {
        let raw = try take(4, what)
        guard raw.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw VectorIndexError(.corruptFile, "not a FAISS index file: the \(what) is not a four-character code")
        }
        return String(decoding: raw, as: UTF8.self)
    }

    /// A `size_t` that must not exceed `limit`.
    mutating func size(_ what: String, limit: UInt64) throws(VectorIndexError) -> Int {
        let value = try integer(UInt64.self, what)
        guard value <= limit else { throw VectorIndexError(.corruptFile, "FAISS \(what) \(value) is out of range") }
        return Int(value)
    }

    struct IndexHeader {
        var dimension: Int
        var count: Int
        var innerProduct: Bool
    }

    /// The fields every FAISS index starts with: d, ntotal, two unused words, is_trained, metric.
    mutating func indexHeader() throws(VectorIndexError) -> IndexHeader {
        let d = try integer(Int32.self, "dimension")
        let n = try integer(Int64.self, "vector count")
        _ = try take(16, "header")
        let trained = try byte("is_trained")
        let metric = try integer(Int32.self, "metric")
        guard d >= 1, d <= 1 << 20, n >= 0, n <= 1 << 40 else {
            throw VectorIndexError(.corruptFile, "FAISS header has dimension \(d) and \(n) vectors")
        }
        guard trained == 1 else { throw VectorIndexError(.untrained, "the FAISS index is not trained") }
        guard metric == 0 || metric == 1 else {
            throw VectorIndexError(
                .unsupported,
                "FAISS metric type \(metric) is not supported (L2 and inner product only)"
            )
        }
        return IndexHeader(dimension: Int(d), count: Int(n), innerProduct: metric == 0)
    }

    mutating func floats(count: Int, _ what: String) throws(VectorIndexError) -> ContiguousArray<Float> {
        ContiguousArray(try elements(UInt32.self, count: count, what).map(Float.init(bitPattern:)))
    }

    private mutating func elements<T: FixedWidthInteger>(
        _: T.Type,
        count: Int,
        _ what: String
    ) throws(VectorIndexError) -> ContiguousArray<T> {
        let size = MemoryLayout<T>.size
        guard count <= remaining / size else {
            throw VectorIndexError(.corruptFile, "FAISS file is truncated: it ends inside the \(what)")
        }
        let raw = try take(count * size, what)
        var values = ContiguousArray<T>(repeating: 0, count: count)
        var i = raw.startIndex
        for e in 0..<count {
            var value = T(0)
            for b in 0..<size { value |= T(raw[i + b]) << (8 * b) }
            values[e] = value
            i += size
        }
        return values
    }

    /// Skips the direct map (id → list entry), which this index keeps its own way.
    mutating func skipDirectMap() throws(VectorIndexError) {
        let type = try byte("direct map type")
        guard type <= 2 else { throw VectorIndexError(.corruptFile, "unknown FAISS direct map type \(type)") }
        let entries = try size("direct map size", limit: UInt64(remaining / 8))
        _ = try take(entries * 8, "direct map")
        if type == 2 {
            let pairs = try size("direct map hash table size", limit: UInt64(remaining / 16))
            _ = try take(pairs * 16, "direct map hash table")
        }
    }

    /// Array inverted lists (`ilar`): per list its ids and codes.
    mutating func invertedLists(listCount: Int, codeSize: Int) throws(VectorIndexError) -> [InvertedList] {
        let type = try fourCC("inverted list type")
        guard type == "ilar" else { throw FAISSReader.unsupportedType(type, what: "inverted list type") }
        let count = try size("inverted list count", limit: 1 << 24)
        let storedCodeSize = try size("inverted list code size", limit: 1 << 20)
        guard count == listCount, storedCodeSize == codeSize else {
            throw VectorIndexError(.corruptFile, "inverted lists (\(count) × \(storedCodeSize)) do not match the index")
        }
        let layout = try fourCC("inverted list layout")
        let sizeCount = try size("list size count", limit: UInt64(remaining / 8))
        let table = try elements(UInt64.self, count: sizeCount, "list sizes")
        var sizes = [Int](repeating: 0, count: listCount)
        let entryBytes = UInt64(codeSize + 8)
        let limit = UInt64(remaining) / entryBytes
        switch layout {
        case "full":
            guard sizeCount == listCount else {
                throw VectorIndexError(.corruptFile, "\(sizeCount) list sizes for \(listCount) lists")
            }
            for (i, size) in table.enumerated() {
                guard size <= limit else { throw VectorIndexError(.corruptFile, "list \(i) claims \(size) entries") }
                sizes[i] = Int(size)
            }
        case "sprs":
            guard sizeCount % 2 == 0 else { throw VectorIndexError(.corruptFile, "odd sparse list size table") }
            for pair in stride(from: 0, to: sizeCount, by: 2) {
                let list = table[pair]
                let size = table[pair + 1]
                guard list < UInt64(listCount), size <= limit else {
                    throw VectorIndexError(
                        .corruptFile,
                        "sparse entry for list \(list) with \(size) entries is out of range"
                    )
                }
                sizes[Int(list)] = Int(size)
            }
        default:
            throw FAISSReader.unsupportedType(layout, what: "inverted list layout")
        }
        var lists: [InvertedList] = []
        lists.reserveCapacity(listCount)
        for size in sizes {
            var list = InvertedList(codeSize: codeSize, vectorBytes: 0)
            if size > 0 {
                list.codes.append(contentsOf: try take(size * codeSize, "codes"))
                list.ids.append(contentsOf: try elements(UInt64.self, count: size, "ids"))
            }
            lists.append(list)
        }
        return lists
    }
}
