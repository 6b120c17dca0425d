// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

/// An exact vector index: every search scores the query against every stored vector.
///
/// Use it up to a few hundred thousand vectors, as the ground truth for approximate indexes, and as the
/// re-ranking stage behind them. A single-query search is one SIMD pass over memory; a batch of queries runs
/// as a blocked matrix product on all cores.
///
/// ```swift
/// let index = try FlatIndex(dimension: 3, metric: .cosine)
/// try index.add(VectorMatrix(rows: [[1, 0, 0], [0, 1, 0]]), ids: [10, 20])
/// let best = try index.search([0.9, 0.1, 0], k: 1)  // [10: 0.9938837]
/// ```
///
/// ## Concurrency
/// The index is `Sendable`. Mutations take a lock (a POSIX mutex) for the time it takes to change the storage; a search takes
/// it only to take a snapshot (copy-on-write storage), so searches never wait for each other and see either
/// all or none of a concurrent `add`. Storage is kept in chunks of 512 rows: a write that lands while a search
/// holds a snapshot copies only the chunks it touches, not the index.
public final class FlatIndex: VectorSearchIndex {
    /// The length of every stored vector.
    public let dimension: Int
    /// How vectors are compared.
    public let metric: Metric

    let state: Locked<FlatStorage>

    /// Creates an empty index.
    ///
    /// - Throws: ``VectorIndexError/Code/invalidArgument`` when `dimension < 1`.
    public init(dimension: Int, metric: Metric) throws(VectorIndexError) {
        guard dimension >= 1 else {
            throw VectorIndexError(.invalidArgument, "dimension must be at least 1, got \(dimension)")
        }
        self.dimension = dimension
        self.metric = metric
        state = Locked(FlatStorage(dimension: dimension))
    }

    init(dimension: Int, metric: Metric, storage: FlatStorage) {
        self.dimension = dimension
        self.metric = metric
        state = Locked(storage)
    }

    /// An independent index holding the same vectors; cheap, because the two share storage chunks until either
    /// writes to them.
    package func copy() -> FlatIndex {
        FlatIndex(dimension: dimension, metric: metric, storage: state.withLock { $0 })
    }

    /// The number of stored vectors.
    public var count: Int { state.withLock { $0.rows.count } }

    /// Whether a vector is stored under `id`.
    public func contains(_ id: UInt64) -> Bool { state.withLock { $0.rowOfID[id] != nil } }

    /// The ids of all stored vectors, in storage order.
    public var ids: [UInt64] { Array(snapshot().ids.joined()) }

    /// The vector stored under `id` (unit length for ``Metric/cosine``), or `nil`.
    public func vector(for id: UInt64) -> [Float]? {
        state.withLock { storage in
            storage.rowOfID[id].map { Array(storage.rows.vectors.row($0)) }
        }
    }

    /// A snapshot of the rows, taken under the lock in O(1); later writes copy only the chunks they touch.
    func snapshot() -> FlatRows { state.withLock { $0.rows } }

    // MARK: - Mutation

    /// Adds `vectors` under `ids`, all or nothing.
    ///
    /// Cosine indexes store each vector scaled to unit length.
    ///
    /// - Throws: ``VectorIndexError/Code/dimensionMismatch``, ``VectorIndexError/Code/invalidVector`` (NaN,
    ///   infinity, or a zero vector in a cosine index), ``VectorIndexError/Code/invalidArgument`` when the counts
    ///   differ, ``VectorIndexError/Code/duplicateID`` when an id is already stored or repeats in `ids`.
    /// - Complexity: O(n·d) for n new vectors.
    public func add(_ vectors: VectorMatrix, ids: [UInt64]) throws(VectorIndexError) {
        let prepared = try prepare(vectors, ids: ids)
        try state.withLock { (storage: inout FlatStorage) throws(VectorIndexError) in
            if let existing = ids.first(where: { storage.rowOfID[$0] != nil }) {
                throw VectorIndexError(.duplicateID, "id \(existing) is already in the index; use upsert to replace")
            }
            storage.append(prepared, ids: ids)
        }
    }

    /// Adds `vectors` under `ids`, replacing the vectors of ids that are already stored; all or nothing.
    ///
    /// - Throws: As ``add(_:ids:)``, except that stored ids are replaced instead of rejected.
    public func upsert(_ vectors: VectorMatrix, ids: [UInt64]) throws(VectorIndexError) {
        let prepared = try prepare(vectors, ids: ids)
        state.withLock { storage in
            var fresh: [Int] = []
            for (i, id) in ids.enumerated() {
                if let row = storage.rowOfID[id] {
                    storage.replace(row: row, with: prepared, at: i)
                } else {
                    fresh.append(i)
                }
            }
            if fresh.count == ids.count {
                storage.append(prepared, ids: ids)
            } else if !fresh.isEmpty {
                var rows = VectorMatrix(dimension: dimension)
                rows.reserveCapacity(fresh.count)
                for i in fresh { try? rows.append(prepared[i]) }
                storage.append(rows, ids: fresh.map { ids[$0] })
            }
        }
    }

    /// Removes the vectors stored under `ids`; unknown ids are skipped.
    ///
    /// - Returns: How many vectors were removed.
    /// - Complexity: O(d) per removed vector (the last row moves into the hole).
    @discardableResult
    public func remove(_ ids: [UInt64]) -> Int {
        state.withLock { storage in
            var removed = 0
            for id in ids where storage.remove(id) { removed += 1 }
            return removed
        }
    }

    /// Removes every vector.
    public func removeAll() {
        state.withLock { $0 = FlatStorage(dimension: dimension) }
    }

    /// Validates a batch and returns it ready to store (normalised for cosine).
    func prepare(_ vectors: VectorMatrix, ids: [UInt64]) throws(VectorIndexError) -> VectorMatrix {
        try VectorValidation.prepare(vectors, ids: ids, dimension: dimension, metric: metric)
    }
}

/// The rows a ``FlatIndex`` search reads: vectors and their ids, in chunks of 512 rows.
///
/// A search takes a copy of this value under the lock; a write that lands meanwhile copies only the chunks it
/// touches (see ``ChunkedRows``).
struct FlatRows: Sendable {
    /// Rows per chunk as a power of two: 512 rows, the batch scan's block (1.5 MiB of floats at d = 768).
    static let chunkShift = 9

    let dimension: Int
    var vectors: ChunkedRows<Float>
    var ids: ChunkedRows<UInt64>

    init(dimension: Int) {
        self.dimension = dimension
        vectors = ChunkedRows(width: dimension, chunkShift: Self.chunkShift)
        ids = ChunkedRows(width: 1, chunkShift: Self.chunkShift)
    }

    /// The number of rows.
    var count: Int { ids.count }

    /// Calls `body` once per chunk that `rows` intersects, with the chunk's vectors and ids, the intersected
    /// rows counted inside the chunk, and the global index of the chunk's first row.
    func forEachChunk(
        in rows: Range<Int>,
        _ body: (ContiguousArray<Float>, ContiguousArray<UInt64>, Range<Int>, Int) -> Void
    ) {
        guard !rows.isEmpty else { return }
        let first = rows.lowerBound >> Self.chunkShift
        let last = (rows.upperBound - 1) >> Self.chunkShift
        for c in first...last {
            let start = c << Self.chunkShift
            let local =
                max(rows.lowerBound, start) - start..<min(rows.upperBound, start + (1 << Self.chunkShift)) - start
            body(vectors.chunks[c], ids.chunks[c], local, start)
        }
    }
}

/// Everything a ``FlatIndex`` guards with its lock: the rows searches read and the id → row map they do not.
struct FlatStorage: Sendable {
    var rows: FlatRows
    var rowOfID: [UInt64: Int] = [:]

    init(dimension: Int) {
        rows = FlatRows(dimension: dimension)
    }

    init(rows: FlatRows, rowOfID: [UInt64: Int]) {
        self.rows = rows
        self.rowOfID = rowOfID
    }

    var dimension: Int { rows.dimension }

    /// Appends `vectors` (prepared) under `ids` (none stored yet).
    mutating func append(_ vectors: VectorMatrix, ids newIDs: [UInt64]) {
        rows.vectors.append(contentsOf: vectors.values)
        for id in newIDs {
            rowOfID[id] = rows.ids.count
            rows.ids.append(contentsOf: CollectionOfOne(id))
        }
    }

    /// Overwrites `row` with row `index` of `vectors`.
    mutating func replace(row: Int, with vectors: VectorMatrix, at index: Int) {
        rows.vectors.replaceRow(row, with: vectors[index])
    }

    /// Removes `id` by moving the last row into its place; returns whether it was stored.
    mutating func remove(_ id: UInt64) -> Bool {
        guard let row = rowOfID.removeValue(forKey: id) else { return false }
        let last = rows.count - 1
        if row != last { rowOfID[rows.ids[last]] = row }
        rows.ids.removeRowByMovingLast(row)
        rows.vectors.removeRowByMovingLast(row)
        return true
    }
}
