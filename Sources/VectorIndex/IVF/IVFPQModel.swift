// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// What training produces: the coarse centroids, the product quantizer for residuals and, for squared L2, the
/// query-independent part of every (list, code) distance.
///
/// For squared L2 with residual codes, a vector stored as centroid `c` plus reconstructed residual `r` is at
/// ‖x − c − r‖² = ‖x − c‖² + (‖r‖² + 2⟨c, r⟩) − 2⟨x, r⟩ from a query `x`. The first term is the coarse distance,
/// the second depends only on the list and the code (tabulated here once, per list and sub-quantizer), the
/// third only on the query and the code (one table per query). So a probed list costs one table addition, not
/// a table computation. The tables take `listCount × M × 2^bits` floats; above ``precomputedTableLimit``
/// bytes they are not kept and each probed list computes its table from the query's residual instead.
struct IVFPQModel: Sendable {
    let dimension: Int
    /// Inner-product search (inner product and cosine metrics); squared L2 otherwise.
    let innerProduct: Bool
    /// `listCount × dimension` coarse centroids.
    let coarseCentroids: ContiguousArray<Float>
    /// The coarse centroids packed once for matrix products (assigning added vectors, coarse keys of query
    /// blocks), which otherwise repack all of them on every call: a fifth of a one-vector add at 1,024 lists.
    let packedCentroids: PackedMatrix
    let quantizer: ProductQuantizer
    /// `listCount × M × 2^bits` entries ‖r‖² + 2⟨c, r⟩ (squared L2 only; empty otherwise or when too large).
    let precomputedTable: ContiguousArray<Float>
    /// ‖c‖² of every coarse centroid (squared L2 only), for batched coarse distances ‖x‖² + ‖c‖² − 2⟨x, c⟩.
    let coarseSquaredNorms: ContiguousArray<Float>
    /// The bounds of the 8-bit stored vectors (``IVFPQConfiguration/StoredVectors/scalarQuantized8`` only).
    let vectorQuantizer: ScalarQuantizer?

    /// The largest precomputed table kept, in bytes.
    static let precomputedTableLimit = 512 << 20

    var listCount: Int { coarseCentroids.count / dimension }

    init(
        dimension: Int,
        innerProduct: Bool,
        coarseCentroids: ContiguousArray<Float>,
        quantizer: ProductQuantizer,
        vectorQuantizer: ScalarQuantizer? = nil
    ) {
        self.dimension = dimension
        self.innerProduct = innerProduct
        self.coarseCentroids = coarseCentroids
        self.quantizer = quantizer
        self.vectorQuantizer = vectorQuantizer
        let lists = coarseCentroids.count / dimension
        packedCentroids = PackedMatrix(coarseCentroids, columns: lists, depth: dimension, layout: .transposed)
        var norms = ContiguousArray<Float>()
        if !innerProduct {
            norms.reserveCapacity(lists)
            let centroids = coarseCentroids.span
            for list in 0..<lists {
                norms.append(Kernels.squaredNorm(centroids.extracting(list * dimension..<(list + 1) * dimension)))
            }
        }
        coarseSquaredNorms = norms
        let tableSize = quantizer.subquantizerCount * quantizer.centroidCount
        guard !innerProduct, lists * tableSize * 4 <= Self.precomputedTableLimit else {
            precomputedTable = []
            return
        }
        var table = ContiguousArray<Float>()
        table.reserveCapacity(lists * tableSize)
        var row = ContiguousArray<Float>(repeating: 0, count: tableSize)
        let centroids = coarseCentroids.span
        for list in 0..<lists {
            var out = row.mutableSpan
            quantizer.innerProductTable(
                centroids.extracting(list * dimension..<(list + 1) * dimension),
                scale: 2,
                into: &out
            )
            for j in 0..<tableSize { row[j] += quantizer.squaredNorms[j] }
            table.append(contentsOf: row)
        }
        precomputedTable = table
    }

    /// The coarse list of every row of `vectors` and the codes of their residuals.
    func encode(_ vectors: VectorMatrix, threads: Int) -> (lists: ContiguousArray<Int32>, codes: ContiguousArray<UInt8>)
    {
        let n = vectors.count
        var codes = ContiguousArray<UInt8>(repeating: 0, count: n * quantizer.subquantizerCount)
        let (lists, residuals) = KMeans.residuals(
            of: vectors,
            centroids: coarseCentroids,
            packed: packedCentroids,
            innerProduct: innerProduct,
            threads: threads
        )
        guard n > 0 else { return (lists, codes) }
        var out = codes.mutableSpan
        quantizer.encode(residuals.span, count: n, into: &out, threads: threads)
        return (lists, codes)
    }
}

/// One inverted list: the ids, codes and (optionally) stored vectors of the vectors assigned to one centroid, in
/// parallel columns chunked by 256 entries (see ``ChunkedRows``), so a write during a search copies only the
/// chunks it touches.
struct InvertedList: Sendable {
    /// Entries per chunk as a power of two.
    static let chunkShift = 8

    var ids: ChunkedRows<UInt64>
    /// `M` code bytes per entry.
    var codes: ChunkedRows<UInt8>
    /// The stored vectors for re-ranking, as bytes: `dimension ×` ``IVFPQConfiguration/StoredVectors/componentBytes``
    /// per entry (Float32 or Float16 values as they lie in memory, or 8-bit codes), or empty without them.
    ///
    /// One byte column for every kind keeps a list at three columns (72 bytes), which at 100 vectors a list is
    /// a quarter of a byte a vector less than a column per kind.
    var vectors: ChunkedRows<UInt8>

    /// Creates an empty list for `codeSize` code bytes and `vectorBytes` stored-vector bytes (0 for none) an entry.
    init(codeSize: Int, vectorBytes: Int) {
        ids = ChunkedRows(width: 1, chunkShift: Self.chunkShift)
        codes = ChunkedRows(width: codeSize, chunkShift: Self.chunkShift)
        vectors = ChunkedRows(width: max(1, vectorBytes), chunkShift: Self.chunkShift)
    }

    var count: Int { ids.count }

    /// Moves the last entry into `offset` and drops the last; returns the id that moved, if any.
    mutating func removeEntry(at offset: Int) -> UInt64? {
        let last = ids.count - 1
        let moved: UInt64? = offset != last ? ids[last] : nil
        ids.removeRowByMovingLast(offset)
        codes.removeRowByMovingLast(offset)
        if !vectors.isEmpty { vectors.removeRowByMovingLast(offset) }
        return moved
    }

    /// Gives back the growth slack of every column's last chunk (see ``ChunkedRows/trim()``).
    mutating func trim() {
        ids.trim()
        codes.trim()
        vectors.trim()
    }

    /// Bytes held by the list's columns (their capacity, not just their count).
    var memoryFootprint: Int {
        ids.memoryFootprint + codes.memoryFootprint + vectors.memoryFootprint
    }
}

/// What a search needs, taken under the lock in O(lists) and then read without it.
struct IVFPQContents: Sendable {
    var model: IVFPQModel?
    var lists: [InvertedList] = []
}

/// Everything an ``IVFPQIndex`` guards with its lock.
struct IVFPQState: Sendable {
    var contents = IVFPQContents()
    /// id → list index << 32 | offset in the list.
    var locations = LocationMap()
    var parameters = IVFPQSearchParameters()
    /// Bumped whenever the model changes, so an `add` that encoded with an old model notices.
    var generation = 0

    static func location(list: Int, offset: Int) -> UInt64 { LocationMap.pack(list: list, offset: offset) }

    /// Removes `id` from its list and from the map (moving its list's last entry into its place).
    mutating func removeID(_ id: UInt64) -> Bool {
        guard let location = locations.remove(id, lists: contents.lists) else { return false }
        let list = Int(location >> 32)
        let offset = Int(location & 0xFFFF_FFFF)
        let last = contents.lists[list].count - 1
        if let moved = contents.lists[list].removeEntry(at: offset) {
            locations.relocate(moved, from: Self.location(list: list, offset: last), to: location)
        }
        return true
    }
}
