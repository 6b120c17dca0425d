// SPDX-License-Identifier: Apache-2.0

/// The seam for in-process vector indexes: store vectors under ids, replace and remove them, read them back,
/// find the closest to one query or a batch, and save to or load from a file.
///
/// ``FlatIndex`` (exact) and ``IVFPQIndex`` (approximate, compressed) conform. Another in-process engine (an
/// HNSW graph, a GPU index) can conform too. Every requirement is synchronous and CPU-bound except the file
/// operations: the caller chooses the executor. A remote engine does not belong behind this protocol (a
/// network call would block a thread and could fail in ways ``VectorIndexError`` does not describe); it
/// belongs behind the retrieval layer's asynchronous vector-store seam.
///
/// Code written against this protocol never needs to know which index it holds:
///
/// ```swift
/// func replay(_ batch: VectorMatrix, ids: [UInt64], into index: some VectorSearchIndex) throws(VectorIndexError) {
///     try index.upsert(batch, ids: ids)  // idempotent: replaying the same batch twice gives the same index
/// }
/// func nearest(in index: some VectorSearchIndex, to queries: VectorMatrix) throws(VectorIndexError) -> [UInt64?] {
///     try index.search(queries, k: 1, filter: nil).map { $0.first?.id }
/// }
/// ```
///
/// Indexes that must learn from data before they can store it also conform to ``TrainableVectorIndex``.
public protocol VectorSearchIndex: Sendable {
    /// The length of every stored vector.
    var dimension: Int { get }
    /// How vectors are compared.
    var metric: Metric { get }
    /// The number of stored vectors.
    var count: Int { get }

    /// Adds `vectors` under `ids`, all or nothing.
    ///
    /// - Throws: ``VectorIndexError`` for a wrong dimension, a non-finite component, mismatched counts, an id
    ///   that repeats in `ids` or is already stored (nothing is added then), or an untrained index.
    func add(_ vectors: VectorMatrix, ids: [UInt64]) throws(VectorIndexError)

    /// Adds `vectors` under `ids`, replacing the vectors of ids that are already stored; all or nothing.
    ///
    /// Upserting the same batch twice leaves the index as upserting it once, so a log can be replayed over an
    /// index that already holds part of it.
    ///
    /// - Throws: As ``add(_:ids:)``, except that stored ids are replaced instead of rejected.
    func upsert(_ vectors: VectorMatrix, ids: [UInt64]) throws(VectorIndexError)

    /// Removes the vectors stored under `ids` and returns how many were removed (unknown ids are skipped).
    @discardableResult
    func remove(_ ids: [UInt64]) -> Int

    /// Removes every vector (a trained index stays trained).
    func removeAll()

    /// Whether a vector is stored under `id`.
    func contains(_ id: UInt64) -> Bool

    /// The vector stored under `id`, or `nil` when there is none.
    ///
    /// Cosine indexes return the unit-length vector they store. An index that keeps only a compressed form
    /// returns its reconstruction; each conforming type documents which it returns.
    func vector(for id: UInt64) -> [Float]?

    /// The `k` stored vectors closest to `query` that pass `filter`, best first.
    ///
    /// - Throws: ``VectorIndexError`` for an empty, non-finite or wrong-length query, a negative `k`, or an
    ///   untrained index.
    func search(_ query: [Float], k: Int, filter: SearchFilter?) throws(VectorIndexError) -> [SearchResult]

    /// The `k` stored vectors closest to every row of `queries` that pass `filter`: one list per query, in
    /// query order, each best first.
    ///
    /// Scores can differ from single-query searches by rounding (batches may run as matrix products).
    ///
    /// - Throws: As `search(_:k:filter:)` (one query), naming the first bad query.
    func search(_ queries: VectorMatrix, k: Int, filter: SearchFilter?) throws(VectorIndexError) -> [[SearchResult]]

    /// Saves the index to the file at `path` atomically: a crash or an error leaves any previous file intact.
    ///
    /// - Throws: ``VectorIndexError/Code/fileSystem`` when the file cannot be written.
    func save(to path: String) async throws(VectorIndexError)

    /// Loads an index saved with ``save(to:)``.
    ///
    /// - Throws: ``VectorIndexError/Code/fileSystem`` when the file cannot be read,
    ///   ``VectorIndexError/Code/corruptFile`` or ``VectorIndexError/Code/unsupportedVersion`` when its bytes
    ///   are not an index file this library reads.
    static func load(from path: String) async throws(VectorIndexError) -> Self
}

extension VectorSearchIndex {
    /// Adds one vector under `id`.
    ///
    /// - Throws: As ``add(_:ids:)``; ``VectorIndexError/Code/dimensionMismatch`` when `vector.count` is not
    ///   ``dimension``.
    public func add(_ vector: [Float], id: UInt64) throws(VectorIndexError) {
        try add(singleRow(vector), ids: [id])
    }

    /// Adds or replaces one vector under `id`.
    ///
    /// - Throws: As ``upsert(_:ids:)``; ``VectorIndexError/Code/dimensionMismatch`` when `vector.count` is not
    ///   ``dimension``.
    public func upsert(_ vector: [Float], id: UInt64) throws(VectorIndexError) {
        try upsert(singleRow(vector), ids: [id])
    }

    private func singleRow(_ vector: [Float]) throws(VectorIndexError) -> VectorMatrix {
        guard vector.count == dimension else {
            throw VectorIndexError(.dimensionMismatch, "vector has \(vector.count) values, the index has \(dimension)")
        }
        return try VectorMatrix(values: vector, dimension: dimension)
    }
}
