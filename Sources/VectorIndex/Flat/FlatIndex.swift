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
/// all or none of a concurrent `add`. A write that lands while a search holds a snapshot copies the storage once.
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

    /// The number of stored vectors.
    public var count: Int { state.withLock { $0.ids.count } }

    /// Whether a vector is stored under `id`.
    public func contains(_ id: UInt64) -> Bool { state.withLock { $0.rowOfID[id] != nil } }

    /// The ids of all stored vectors, in storage order.
    public var ids: [UInt64] { state.withLock { Array($0.ids) } }

    /// The vector stored under `id` (unit length for ``Metric/cosine``), or `nil`.
    public func vector(for id: UInt64) -> [Float]? {
        state.withLock { storage in
            storage.rowOfID[id].map { Array(storage.vectors[$0 * dimension..<($0 + 1) * dimension]) }
        }
    }

    /// A snapshot of the storage, taken under the lock in O(1).
    func snapshot() -> FlatStorage { state.withLock { $0 } }

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

    /// Adds one vector under `id`.
    ///
    /// - Throws: See ``add(_:ids:)``.
    public func add(_ vector: [Float], id: UInt64) throws(VectorIndexError) {
        guard vector.count == dimension else {
            throw VectorIndexError(.dimensionMismatch, "vector has \(vector.count) values, the index has \(dimension)")
        }
        try add(VectorMatrix(values: vector, dimension: dimension), ids: [id])
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

/// The mutable contents of a ``FlatIndex``: rows, their ids and an id → row map.
struct FlatStorage: Sendable {
    let dimension: Int
    var vectors: ContiguousArray<Float> = []
    var ids: ContiguousArray<UInt64> = []
    var rowOfID: [UInt64: Int] = [:]

    init(dimension: Int) {
        self.dimension = dimension
    }

    mutating func append(_ rows: VectorMatrix, ids newIDs: [UInt64]) {
        vectors.append(contentsOf: rows.values)
        for id in newIDs {
            rowOfID[id] = ids.count
            ids.append(id)
        }
    }

    mutating func replace(row: Int, with rows: VectorMatrix, at index: Int) {
        let source = rows[index]
        var j = row * dimension
        for v in source {
            vectors[j] = v
            j += 1
        }
    }

    /// Removes `id` by moving the last row into its place; returns whether it was stored.
    mutating func remove(_ id: UInt64) -> Bool {
        guard let row = rowOfID.removeValue(forKey: id) else { return false }
        let last = ids.count - 1
        if row != last {
            let movedID = ids[last]
            ids[row] = movedID
            rowOfID[movedID] = row
            for j in 0..<dimension { vectors[row * dimension + j] = vectors[last * dimension + j] }
        }
        ids.removeLast()
        vectors.removeLast(dimension)
        return true
    }
}
