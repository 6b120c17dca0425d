// SPDX-License-Identifier: Apache-2.0

public import VectorIndex

public import struct Foundation.UUID

/// The seam between a ``MultimodalCollection`` and where its objects and vectors live: storage plus nearest-neighbour
/// search, durable and atomic per batch.
///
/// The collection validates objects, embeds them, stores blobs, and composes queries (several targets, limits,
/// cut-offs); a store keeps objects by id, indexes each named vector and answers candidate searches. The
/// built-in ``LocalVectorStore`` keeps everything in a folder (or in memory); an adapter for an external engine
/// conforms when one machine is not enough. `VectorStoreContract` in the test suite is what every store must pass.
///
/// ```swift
/// let store = try await LocalVectorStore.create(at: "/data/photos", layout: schema.layout)
/// try await store.apply(VectorStoreBatch(puts: [object], deletes: []))
/// let hits = try await store.search(VectorStoreSearch(targets: [.init(vector: "clip", query: q)], k: 10))
/// ```
public protocol VectorStore: Sendable {
    /// Applies puts (insert or replace by id) and deletes together: after it returns they are durable, and no
    /// reader sees some of them without the others.
    ///
    /// - Throws: ``RetrievalError`` when the batch cannot be stored; nothing of it is then applied.
    func apply(_ batch: VectorStoreBatch) async throws

    /// The objects stored under `ids` (`nil` for unknown ids), in the order asked.
    func objects(_ ids: [UUID]) async throws -> [CollectionObject?]

    /// Up to `limit` objects in ascending id order, starting after `cursor` (from the start when `nil`).
    func objects(after cursor: UUID?, limit: Int) async throws -> [CollectionObject]

    /// The number of stored objects.
    func count() async throws -> Int

    /// Candidates for a vector query: the union of each target's `k` nearest objects, each with its distance in
    /// every target (so that the caller can join targets), unordered.
    func search(_ request: VectorStoreSearch) async throws -> [VectorStoreHit]

    /// Whether any stored object references each of `keys`; used to collect unreferenced blobs.
    func referencedBlobs(among keys: [String]) async throws -> Set<String>

    /// Up to `limit` objects that pass `filter`, in ascending id order, starting after `cursor`.
    ///
    /// - Throws: ``RetrievalError/Code/unsupported`` naming the condition when the store cannot express it.
    func objects(matching filter: Filter, after cursor: UUID?, limit: Int) async throws -> [CollectionObject]

    /// The best keyword (BM25F) matches among the objects that pass the request's filter, best first.
    ///
    /// - Throws: ``RetrievalError/Code/unsupported`` when the store has no keyword index.
    func keywordSearch(_ request: KeywordStoreSearch) async throws -> [KeywordStoreHit]

    /// Which query kinds and filter operators the store answers; ``VectorStoreCapabilities/standard`` unless the
    /// store says otherwise.
    var capabilities: VectorStoreCapabilities { get }

    /// Finishes with the store: makes the next open fast and releases what the store holds (files, locks,
    /// connections). Later calls may throw ``RetrievalError/Code/closed``.
    func close() async throws
}

extension VectorStore {
    /// Does nothing: a store with nothing to release inherits this.
    public func close() async throws {}

    /// Refuses: a store without keyword search inherits this.
    public func keywordSearch(_ request: KeywordStoreSearch) async throws -> [KeywordStoreHit] {
        throw RetrievalError(.unsupported, "this store has no keyword (BM25) search")
    }
}

/// A keyword search for ``VectorStore/keywordSearch(_:)``.
public struct KeywordStoreSearch: Sendable {
    /// The text, searched properties, operator and limit.
    public var query: KeywordQuery
    /// Only objects that pass this filter are returned (`nil`: all); it does not change the idf.
    public var filter: Filter?
    /// Whether hits carry the objects' vectors.
    public var includeVectors: Bool

    /// Creates a keyword search.
    public init(query: KeywordQuery, filter: Filter? = nil, includeVectors: Bool = false) {
        self.query = query
        self.filter = filter
        self.includeVectors = includeVectors
    }
}

/// One match of ``VectorStore/keywordSearch(_:)``.
public struct KeywordStoreHit: Sendable {
    /// The object.
    public var object: CollectionObject
    /// Its BM25F score; higher is better.
    public var score: Float

    /// Creates a hit.
    public init(object: CollectionObject, score: Float) {
        self.object = object
        self.score = score
    }
}

/// Writes for ``VectorStore/apply(_:)``.
public struct VectorStoreBatch: Sendable {
    /// Objects to insert or replace, by id.
    public var puts: [CollectionObject]
    /// Ids to delete (unknown ids are skipped).
    public var deletes: [UUID]
    /// When `true`, every put must have a new id: the store refuses the whole batch with
    /// ``RetrievalError/Code/duplicateID`` if one is already stored (checked atomically with the write).
    public var insertsOnly: Bool

    /// Creates a batch.
    public init(puts: [CollectionObject] = [], deletes: [UUID] = [], insertsOnly: Bool = false) {
        self.puts = puts
        self.deletes = deletes
        self.insertsOnly = insertsOnly
    }
}

/// A candidate search for ``VectorStore/search(_:)``.
public struct VectorStoreSearch: Sendable {
    /// One named vector and the query vector to compare with it.
    public struct Target: Sendable {
        /// The named vector.
        public var vector: String
        /// The query, of the named vector's dimension.
        public var query: [Float]

        /// Creates a target.
        public init(vector: String, query: [Float]) {
            self.vector = vector
            self.query = query
        }
    }

    /// The targets (at least one).
    public var targets: [Target]
    /// How many nearest objects to take from each target.
    public var k: Int
    /// Whether hits carry the objects' vectors.
    public var includeVectors: Bool
    /// Only objects that pass this filter are candidates; `nil` allows all.
    ///
    /// When at least `k` objects pass, each target yields `k` of them.
    public var filter: Filter?

    /// Creates a search.
    public init(targets: [Target], k: Int, includeVectors: Bool = false, filter: Filter? = nil) {
        self.targets = targets
        self.k = k
        self.includeVectors = includeVectors
        self.filter = filter
    }
}

/// One candidate from ``VectorStore/search(_:)``.
public struct VectorStoreHit: Sendable {
    /// The object.
    public var object: CollectionObject
    /// The object's distance to the query in each target, by named vector (a target in which the object has no
    /// vector is absent).
    public var distances: [String: Float]

    /// Creates a hit.
    public init(object: CollectionObject, distances: [String: Float]) {
        self.object = object
        self.distances = distances
    }
}

extension Metric {
    /// A score in this metric as a distance (smaller is closer): `1 − cos` for cosine, `−dot` for the inner
    /// product, the squared distance itself for squared L2 — the conventions of vector databases.
    public func distance(fromScore score: Float) -> Float {
        switch self {
        case .cosine: 1 - score
        case .innerProduct: -score
        case .squaredL2: score
        }
    }
}
