// SPDX-License-Identifier: Apache-2.0

/// The seam for vector indexes: add vectors under ids, remove them, and find the closest to a query.
///
/// ``FlatIndex`` is the exact implementation. A host can plug in another (an HNSW graph, a GPU index, a remote
/// service) by conforming to this protocol; the retrieval layer only talks to indexes through it.
///
/// ```swift
/// func nearest(in index: some VectorSearchIndex, to query: [Float]) throws -> UInt64? {
///     try index.search(query, k: 1, filter: nil).first?.id
/// }
/// ```
public protocol VectorSearchIndex: Sendable {
    /// The length of every stored vector.
    var dimension: Int { get }
    /// How vectors are compared.
    var metric: Metric { get }
    /// The number of stored vectors.
    var count: Int { get }

    /// Adds `vectors` under `ids`, all or nothing.
    ///
    /// - Throws: ``VectorIndexError`` for a wrong dimension, a non-finite component, mismatched counts or an
    ///   id that is already stored (nothing is added then).
    func add(_ vectors: VectorMatrix, ids: [UInt64]) throws(VectorIndexError)

    /// Removes the vectors stored under `ids` and returns how many were removed (unknown ids are skipped).
    func remove(_ ids: [UInt64]) -> Int

    /// The `k` stored vectors closest to `query` that pass `filter`, best first.
    ///
    /// - Throws: ``VectorIndexError`` for an empty, non-finite or wrong-length query, or a negative `k`.
    func search(_ query: [Float], k: Int, filter: SearchFilter?) throws(VectorIndexError) -> [SearchResult]
}
