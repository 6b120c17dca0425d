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

    /// The settings the index was created with: how it stores vectors.
    public let configuration: FlatIndexConfiguration

    let state: Locked<FlatStorage>

    /// Creates an empty index that keeps its vectors as `storage` says.
    ///
    /// ``VectorStorage/float32`` (the default) and ``VectorStorage/float16`` indexes are ready at once; a
    /// ``VectorStorage/scalarQuantized8`` index must be trained (``train(_:threads:)``) before vectors are added.
    ///
    /// - Throws: ``VectorIndexError/Code/invalidArgument`` when `dimension < 1`.
    public convenience init(
        dimension: Int,
        metric: Metric,
        storage: VectorStorage = .float32
    ) throws(VectorIndexError) {
        try self.init(dimension: dimension, metric: metric, configuration: FlatIndexConfiguration(storage: storage))
    }

    /// Creates an empty index with `configuration` (the ``TrainableVectorIndex`` initialiser).
    ///
    /// - Throws: ``VectorIndexError/Code/invalidArgument`` when `dimension < 1`.
    public init(dimension: Int, metric: Metric, configuration: FlatIndexConfiguration) throws(VectorIndexError) {
        guard dimension >= 1 else {
            throw VectorIndexError(.invalidArgument, "dimension must be at least 1, got \(dimension)")
        }
        self.dimension = dimension
        self.metric = metric
        self.configuration = configuration
        state = Locked(
            FlatStorage(
                dimension: dimension,
                storage: configuration.storage,
                keepsNorms: metric == .squaredL2
            )
        )
    }

    init(dimension: Int, metric: Metric, storage: FlatStorage) {
        self.dimension = dimension
        self.metric = metric
        self.configuration = FlatIndexConfiguration(storage: storage.rows.storage)
        state = Locked(storage)
    }

    /// An independent index holding the same vectors; cheap, because the two share storage chunks until either
    /// writes to them.
    package func copy() -> FlatIndex {
        FlatIndex(dimension: dimension, metric: metric, storage: state.withLock { $0 })
    }

    /// How the index keeps its vectors.
    public var storage: VectorStorage { configuration.storage }

    /// The number of stored vectors.
    public var count: Int { state.withLock { $0.rows.count } }

    /// Whether a vector is stored under `id`.
    public func contains(_ id: UInt64) -> Bool { state.withLock { $0.rowOfID[id] != nil } }

    /// The ids of all stored vectors, in storage order.
    public var ids: [UInt64] { Array(snapshot().ids.joined()) }

    /// The vector stored under `id`, or `nil`.
    ///
    /// With ``VectorStorage/float32`` storage this is the vector as added (unit length for ``Metric/cosine``);
    /// with ``VectorStorage/float16`` that vector rounded to half precision and widened back (exact); with
    /// ``VectorStorage/scalarQuantized8`` its reconstruction from the codes (FAISS's formula, see
    /// ``VectorStorage``).
    public func vector(for id: UInt64) -> [Float]? {
        state.withLock { storage in
            storage.rowOfID[id].map { storage.rows.vector(atRow: $0) }
        }
    }

    /// The bytes the index holds: the stored rows (chunk capacity), the ids, the id → row map (estimated from its
    /// capacity, 16 bytes a slot) and, for ``VectorStorage/scalarQuantized8``, the trained bounds.
    ///
    /// Per vector that is about ``dimension`` times the storage's ``VectorStorage/bytesPerComponent`` bytes, plus
    /// 8 for the id, plus the map's share (and 4 for a row norm in a squared-L2 8-bit index).
    public var memoryFootprint: Int {
        state.withLock { $0.rows.memoryFootprint + $0.rowOfID.capacity * 16 }
    }

    /// A snapshot of the rows, taken under the lock in O(1); later writes copy only the chunks they touch.
    func snapshot() -> FlatRows { state.withLock { $0.rows } }

    // MARK: - Mutation

    /// Adds `vectors` under `ids`, all or nothing.
    ///
    /// Cosine indexes store each vector scaled to unit length; compact storage then encodes it (see
    /// ``VectorStorage``).
    ///
    /// - Throws: ``VectorIndexError/Code/dimensionMismatch``, ``VectorIndexError/Code/invalidVector`` (NaN,
    ///   infinity, a zero vector in a cosine index, or a component beyond ±65,504 with Float16 storage),
    ///   ``VectorIndexError/Code/invalidArgument`` when the counts differ, ``VectorIndexError/Code/duplicateID``
    ///   when an id is already stored or repeats in `ids`, ``VectorIndexError/Code/untrained`` for an untrained
    ///   ``VectorStorage/scalarQuantized8`` index.
    /// - Complexity: O(n·d) for n new vectors.
    public func add(_ vectors: VectorMatrix, ids: [UInt64]) throws(VectorIndexError) {
        let prepared = try encode(prepare(vectors, ids: ids))
        try state.withLock { (storage: inout FlatStorage) throws(VectorIndexError) in
            let batch = try prepared.current(for: storage.rows)
            if let existing = ids.first(where: { storage.rowOfID[$0] != nil }) {
                throw VectorIndexError(.duplicateID, "id \(existing) is already in the index; use upsert to replace")
            }
            storage.append(batch, ids: ids)
        }
    }

    /// Adds `vectors` under `ids`, replacing the vectors of ids that are already stored; all or nothing.
    ///
    /// - Throws: As ``add(_:ids:)``, except that stored ids are replaced instead of rejected.
    public func upsert(_ vectors: VectorMatrix, ids: [UInt64]) throws(VectorIndexError) {
        let prepared = try encode(prepare(vectors, ids: ids))
        let d = dimension
        try state.withLock { (storage: inout FlatStorage) throws(VectorIndexError) in
            let batch = try prepared.current(for: storage.rows)
            var fresh: [Int] = []
            for (i, id) in ids.enumerated() {
                if let row = storage.rowOfID[id] {
                    storage.replace(row: row, with: batch, at: i)
                } else {
                    fresh.append(i)
                }
            }
            if fresh.count == ids.count {
                storage.append(batch, ids: ids)
            } else if !fresh.isEmpty {
                storage.append(batch.rows(fresh, dimension: d), ids: fresh.map { ids[$0] })
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

    /// Removes every vector (a trained ``VectorStorage/scalarQuantized8`` index stays trained).
    public func removeAll() {
        state.withLock {
            $0 = FlatStorage(
                dimension: dimension,
                storage: $0.rows.storage,
                quantizer: $0.rows.quantizer,
                keepsNorms: $0.rows.keepsNorms
            )
        }
    }

    /// Validates a batch and returns it ready to store (normalised for cosine).
    func prepare(_ vectors: VectorMatrix, ids: [UInt64]) throws(VectorIndexError) -> VectorMatrix {
        try VectorValidation.prepare(vectors, ids: ids, dimension: dimension, metric: metric)
    }
}

/// A validated batch encoded outside the lock with the quantiser it was encoded for, re-encoded under the lock in
/// the rare case that training replaced the quantiser in between.
struct PreparedBatch: Sendable {
    let vectors: VectorMatrix
    let quantizer: ScalarQuantizer?
    let encoded: EncodedRows

    /// The batch encoded for `rows`' current quantiser.
    func current(for rows: FlatRows) throws(VectorIndexError) -> EncodedRows {
        guard rows.storage == .scalarQuantized8, rows.quantizer != quantizer else { return encoded }
        return try EncodedRows(vectors, storage: rows.storage, quantizer: rows.quantizer, keepsNorms: rows.keepsNorms)
    }
}

extension FlatIndex {
    /// Encodes a prepared batch for this index's storage (outside the lock).
    func encode(_ vectors: VectorMatrix) throws(VectorIndexError) -> PreparedBatch {
        let quantizer = storage == .scalarQuantized8 ? state.withLock { $0.rows.quantizer } : nil
        let encoded = try EncodedRows(
            vectors,
            storage: storage,
            quantizer: quantizer,
            keepsNorms: metric == .squaredL2
        )
        return PreparedBatch(vectors: vectors, quantizer: quantizer, encoded: encoded)
    }
}
