// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// The rows a ``FlatIndex`` search reads: vectors (in the index's ``VectorStorage``) and their ids, in chunks of
/// 512 rows.
///
/// Exactly one of ``vectors``, ``halves`` and ``codes`` holds rows: the one the storage names. A search takes a
/// copy of this value under the lock; a write that lands meanwhile copies only the chunks it touches (see
/// ``ChunkedRows``).
struct FlatRows: Sendable {
    /// Rows per chunk as a power of two: 512 rows, the batch scan's block (1.5 MiB of floats at d = 768).
    static let chunkShift = 9

    let dimension: Int
    let storage: VectorStorage
    /// The trained bounds of ``VectorStorage/scalarQuantized8`` storage; `nil` before training.
    var quantizer: ScalarQuantizer?
    /// The stored rows, in chunks that start on a cache line (rows of a multiple of 16 floats are then all
    /// 64-byte aligned, which the scan kernels read fastest).
    var vectors: AlignedChunkedRows<Float>
    var halves: AlignedChunkedRows<UInt16>
    var codes: AlignedChunkedRows<UInt8>
    var ids: ChunkedRows<UInt64>
    /// Whether ``norms`` is kept: for 8-bit rows of a squared-L2 index, whose one-query scan then runs the
    /// inner-product kernel, `‖q − x‖² = ‖q‖² + ‖x‖² − 2 q·x` (half the work per component of the direct form).
    let keepsNorms: Bool
    /// The squared norm of every decoded row when ``keepsNorms`` (otherwise empty), recomputed after a file is read.
    var norms: ChunkedRows<Float>

    init(
        dimension: Int,
        storage: VectorStorage = .float32,
        quantizer: ScalarQuantizer? = nil,
        keepsNorms: Bool = false
    ) {
        self.dimension = dimension
        self.storage = storage
        self.quantizer = quantizer
        self.keepsNorms = keepsNorms && storage == .scalarQuantized8
        vectors = AlignedChunkedRows(width: dimension, chunkShift: Self.chunkShift)
        halves = AlignedChunkedRows(width: dimension, chunkShift: Self.chunkShift)
        codes = AlignedChunkedRows(width: dimension, chunkShift: Self.chunkShift)
        ids = ChunkedRows(width: 1, chunkShift: Self.chunkShift)
        norms = ChunkedRows(width: 1, chunkShift: Self.chunkShift)
    }

    /// Recomputes ``norms`` from the codes (after a file is read).
    mutating func recomputeNorms() {
        guard keepsNorms, let quantizer else { return }
        norms.removeAll()
        for c in codes.chunks.indices {
            norms.append(contentsOf: codes.withChunk(c) { quantizer.squaredNorms(of: $0) })
        }
    }

    /// The number of rows.
    var count: Int { ids.count }

    /// Whether vectors can be stored (every storage but an untrained ``VectorStorage/scalarQuantized8``).
    var isTrained: Bool { storage != .scalarQuantized8 || quantizer != nil }

    /// Calls `body` once per chunk of `values` that `rows` intersects, with the chunk, its ids, the intersected
    /// rows counted inside the chunk, and the global index of the chunk's first row.
    func forEachChunk<Chunk: RowChunk>(
        of values: ChunkedRowStorage<Chunk>,
        in rows: Range<Int>,
        _ body: (Span<Chunk.Element>, ContiguousArray<UInt64>, Range<Int>, Int) -> Void
    ) {
        guard !rows.isEmpty else { return }
        let first = rows.lowerBound >> Self.chunkShift
        let last = (rows.upperBound - 1) >> Self.chunkShift
        for c in first...last {
            let start = c << Self.chunkShift
            let local =
                max(rows.lowerBound, start) - start..<min(rows.upperBound, start + (1 << Self.chunkShift)) - start
            values.withChunk(c) { body($0, ids.chunks[c], local, start) }
        }
    }

    /// ``forEachChunk(of:in:_:)`` over the Float32 vectors.
    func forEachChunk(
        in rows: Range<Int>,
        _ body: (Span<Float>, ContiguousArray<UInt64>, Range<Int>, Int) -> Void
    ) {
        forEachChunk(of: vectors, in: rows, body)
    }

    /// Calls `body` once per chunk that `rows` intersects with the intersected rows as Float32 values (the stored
    /// floats themselves, or compact rows decoded into a scratch buffer), their chunk's ids and the rows counted
    /// inside the chunk.
    func forEachDecodedChunk(
        in rows: Range<Int>,
        _ body: (Span<Float>, ContiguousArray<UInt64>, Range<Int>) -> Void
    ) {
        let d = dimension
        switch storage {
        case .float32:
            forEachChunk(of: vectors, in: rows) { chunk, ids, local, _ in
                body(chunk.extracting(local.lowerBound * d..<local.upperBound * d), ids, local)
            }
        case .float16:
            var scratch = ContiguousArray<Float>(repeating: 0, count: min(rows.count, 1 << Self.chunkShift) * d)
            forEachChunk(of: halves, in: rows) { chunk, ids, local, _ in
                let n = local.count * d
                var out = scratch.mutableSpan
                HalfBits.widen(chunk.extracting(local.lowerBound * d..<local.upperBound * d), into: &out)
                body(scratch.span.extracting(0..<n), ids, local)
            }
        case .scalarQuantized8:
            guard let quantizer else { return }
            var scratch = ContiguousArray<Float>(repeating: 0, count: min(rows.count, 1 << Self.chunkShift) * d)
            forEachChunk(of: codes, in: rows) { chunk, ids, local, _ in
                let n = local.count * d
                var out = scratch.mutableSpan
                quantizer.decode(chunk.extracting(local.lowerBound * d..<local.upperBound * d), into: &out)
                body(scratch.span.extracting(0..<n), ids, local)
            }
        }
    }

    /// Row `row` as Float32 values (decoded from compact storage).
    func vector(atRow row: Int) -> [Float] {
        switch storage {
        case .float32: Array(vectors.row(row))
        case .float16: halves.row(row).map(HalfBits.widen)
        case .scalarQuantized8: quantizer!.decode(codes.row(row))
        }
    }

    /// The bytes held by the rows, ids and quantiser bounds.
    var memoryFootprint: Int {
        vectors.memoryFootprint + halves.memoryFootprint + codes.memoryFootprint + ids.memoryFootprint
            + norms.memoryFootprint
            + (quantizer.map { ($0.minimums.capacity + $0.ranges.capacity) * 4 } ?? 0)
    }

    // MARK: - Mutation

    /// Appends the first `batch.count` rows of `batch` (encoded for this storage).
    mutating func append(_ batch: EncodedRows) {
        switch storage {
        case .float32: vectors.append(contentsOf: batch.floats)
        case .float16: halves.append(contentsOf: batch.halves)
        case .scalarQuantized8:
            codes.append(contentsOf: batch.codes)
            if keepsNorms { norms.append(contentsOf: batch.norms) }
        }
    }

    /// Overwrites `row` with row `index` of `batch`.
    mutating func replaceRow(_ row: Int, with batch: EncodedRows, at index: Int) {
        let range = index * dimension..<(index + 1) * dimension
        switch storage {
        case .float32: vectors.replaceRow(row, with: batch.floats[range])
        case .float16: halves.replaceRow(row, with: batch.halves[range])
        case .scalarQuantized8:
            codes.replaceRow(row, with: batch.codes[range])
            if keepsNorms { norms.replaceRow(row, with: CollectionOfOne(batch.norms[index])) }
        }
    }

    /// Moves the last row into `row` (unless it is the last) and drops the last row.
    mutating func removeRowByMovingLast(_ row: Int) {
        ids.removeRowByMovingLast(row)
        switch storage {
        case .float32: vectors.removeRowByMovingLast(row)
        case .float16: halves.removeRowByMovingLast(row)
        case .scalarQuantized8:
            codes.removeRowByMovingLast(row)
            if keepsNorms { norms.removeRowByMovingLast(row) }
        }
    }
}

/// A validated batch encoded for one ``VectorStorage``: only the array the storage names holds rows.
struct EncodedRows: Sendable {
    var floats = ContiguousArray<Float>()
    var halves = ContiguousArray<UInt16>()
    var codes = ContiguousArray<UInt8>()
    /// The squared norms of the decoded 8-bit rows, when the rows keep them.
    var norms = ContiguousArray<Float>()

    /// Encodes `vectors` (prepared: finite, unit length for cosine) for `storage`.
    ///
    /// - Throws: ``VectorIndexError/Code/invalidVector`` for a component beyond the Float16 range, and
    ///   ``VectorIndexError/Code/untrained`` for untrained ``VectorStorage/scalarQuantized8`` storage.
    init(
        _ vectors: VectorMatrix,
        storage: VectorStorage,
        quantizer: ScalarQuantizer?,
        keepsNorms: Bool
    ) throws(VectorIndexError) {
        switch storage {
        case .float32:
            floats = vectors.values
        case .float16:
            let values = vectors.values
            halves.reserveCapacity(values.count)
            for (i, x) in values.enumerated() {
                // 65,520 and beyond round to infinity.
                guard abs(x) < 65_520 else {
                    throw VectorIndexError(
                        .invalidVector,
                        "vector \(i / vectors.dimension) has the component \(x), beyond the Float16 range of ±65,504"
                    )
                }
                halves.append(HalfBits.narrow(x))
            }
        case .scalarQuantized8:
            guard let quantizer else {
                throw VectorIndexError(
                    .untrained,
                    "a scalarQuantized8 index must be trained before vectors are added; call train(_:threads:)"
                )
            }
            quantizer.encode(vectors, appendingTo: &codes)
            if keepsNorms { norms = quantizer.squaredNorms(of: codes.span) }
        }
    }

    init() {}

    /// Rows `rows` of this batch of rows of `dimension` components.
    func rows(_ rows: [Int], dimension d: Int) -> EncodedRows {
        var subset = EncodedRows()
        for r in rows {
            let range = r * d..<(r + 1) * d
            if !floats.isEmpty { subset.floats.append(contentsOf: floats[range]) }
            if !halves.isEmpty { subset.halves.append(contentsOf: halves[range]) }
            if !codes.isEmpty { subset.codes.append(contentsOf: codes[range]) }
            if !norms.isEmpty { subset.norms.append(norms[r]) }
        }
        return subset
    }
}

/// Everything a ``FlatIndex`` guards with its lock: the rows searches read and the id → row map they do not.
struct FlatStorage: Sendable {
    var rows: FlatRows
    var rowOfID: [UInt64: Int] = [:]

    init(
        dimension: Int,
        storage: VectorStorage = .float32,
        quantizer: ScalarQuantizer? = nil,
        keepsNorms: Bool = false
    ) {
        rows = FlatRows(dimension: dimension, storage: storage, quantizer: quantizer, keepsNorms: keepsNorms)
    }

    init(rows: FlatRows, rowOfID: [UInt64: Int]) {
        self.rows = rows
        self.rowOfID = rowOfID
    }

    var dimension: Int { rows.dimension }

    /// Appends `batch` (encoded for this storage) under `ids` (none stored yet).
    mutating func append(_ batch: EncodedRows, ids newIDs: [UInt64]) {
        rows.append(batch)
        for id in newIDs {
            rowOfID[id] = rows.ids.count
            rows.ids.append(contentsOf: CollectionOfOne(id))
        }
    }

    /// Overwrites `row` with row `index` of `batch`.
    mutating func replace(row: Int, with batch: EncodedRows, at index: Int) {
        rows.replaceRow(row, with: batch, at: index)
    }

    /// Removes `id` by moving the last row into its place; returns whether it was stored.
    mutating func remove(_ id: UInt64) -> Bool {
        guard let row = rowOfID.removeValue(forKey: id) else { return false }
        let last = rows.count - 1
        if row != last { rowOfID[rows.ids[last]] = row }
        rows.removeRowByMovingLast(row)
        return true
    }
}
