// SPDX-License-Identifier: Apache-2.0

public import Embedding
import MediaDecoding
import _RAGInternals

public import struct Foundation.UUID

/// A multimodal collection: objects with typed properties and media, embedded into one or more named vectors,
/// searchable any-to-any, kept crash-safe in a folder (or in memory).
///
/// ```swift
/// let schema = try CollectionSchema(
///     properties: [Property("caption", .text), Property("photo", .blob)],
///     vectors: [NamedVector("clip", embedder: clip, sources: [VectorSource("photo")])]
/// )
/// let photos = try await MultimodalCollection.create(at: "/data/photos", schema: schema)
/// try await photos.insert(ObjectInput(properties: ["caption": .text("pigeon")], blobs: ["photo": jpeg]))
/// let hits = try await photos.near(text: "a bird on a roof", limit: 3)
/// ```
///
/// ## Concurrency
/// A collection is `Sendable`: searches and reads run concurrently with each other and with writes; writes
/// embed concurrently and commit one batch at a time, each batch all or nothing.
public final class MultimodalCollection: Sendable {
    /// The properties and named vectors (with the embedders attached when the collection was opened).
    public let schema: CollectionSchema
    /// Where objects and vectors are stored and searched.
    public let store: any VectorStore
    /// Where blob properties' bytes are kept.
    public let blobs: any BlobStore
    /// Decodes blob bytes for embedding (images, audio, video).
    let decoder = MediaDecoder()
    /// Set by ``close()``: every later call throws ``RetrievalError/Code/closed`` before it does any work.
    let isClosed = Locked(false)

    /// Creates a collection over an existing store and blob store (an external engine, say); the schema's named
    /// vectors must match the store's layout.
    public init(schema: CollectionSchema, store: any VectorStore, blobs: any BlobStore) {
        self.schema = schema
        self.store = store
        self.blobs = blobs
    }

    /// Creates a new collection in `folder` (`nil`: in memory, nothing written to disk).
    ///
    /// - Throws: ``RetrievalError/Code/invalidSchema`` when the folder already holds a collection,
    ///   ``RetrievalError/Code/locked`` when another process holds it, file-system failures.
    public static func create(
        at folder: String?,
        schema: CollectionSchema,
        options: LocalVectorStore.Options = LocalVectorStore.Options()
    ) async throws(RetrievalError) -> MultimodalCollection {
        let store = try await LocalVectorStore.create(
            at: folder,
            layout: schema.layout,
            keyword: schema.resolvedKeyword,
            metadata: schema.encoded,
            options: options
        )
        let blobs: any BlobStore =
            try folder.map { (path) throws(RetrievalError) in try LocalBlobStore(folder: path + "/blobs") }
            ?? MemoryBlobStore()
        return MultimodalCollection(schema: schema, store: store, blobs: blobs)
    }

    /// Opens the collection in `folder`, attaching `embedders` to its named vectors by name.
    ///
    /// A named vector without an embedder here can still be searched by vector and by object, and objects can
    /// be inserted with their vectors given. Blobs left behind by an interrupted write are removed.
    ///
    /// - Throws: ``RetrievalError/Code/spaceMismatch`` naming both spaces when an embedder's space differs
    ///   from the one the named vector was created with, ``RetrievalError/Code/unknownVector`` for an embedder
    ///   under a name the collection does not have, and what ``LocalVectorStore/open(at:options:)`` throws.
    public static func open(
        at folder: String,
        embedders: [String: any Embedder] = [:],
        options: LocalVectorStore.Options = LocalVectorStore.Options()
    ) async throws(RetrievalError) -> MultimodalCollection {
        let store = try await LocalVectorStore.open(at: folder, options: options)
        let stored: CollectionSchema
        do throws(FileError) {
            stored = try CollectionSchema.decode(store.metadata[...], path: folder + "/snapshot")
        } catch {
            throw RetrievalError.wrap(error, "cannot read the schema of \(folder)")
        }
        for name in embedders.keys where stored.vector(named: name) == nil {
            throw RetrievalError(
                .unknownVector,
                "the collection has no named vector \"\(name)\" to attach an embedder to"
            )
        }
        var vectors = stored.vectors
        for i in vectors.indices {
            guard let embedder = embedders[vectors[i].name] else { continue }
            guard embedder.space == vectors[i].space else {
                throw RetrievalError(
                    .spaceMismatch,
                    "named vector \"\(vectors[i].name)\" holds vectors of \(vectors[i].space); the embedder given "
                        + "produces \(embedder.space)"
                )
            }
            vectors[i].embedder = embedder
        }
        let collection = MultimodalCollection(
            schema: CollectionSchema(uncheckedProperties: stored.properties, vectors: vectors, keyword: stored.keyword),
            store: store,
            blobs: try LocalBlobStore(folder: folder + "/blobs")
        )
        try await collection.collectUnreferencedBlobs()
        return collection
    }

    // MARK: - Reading

    /// The object stored under `id`, with its vectors, or `nil`.
    public func object(_ id: UUID) async throws(RetrievalError) -> CollectionObject? {
        try await rethrowing { try await self.store.objects([id]).first ?? nil }
    }

    /// The number of objects.
    public func count() async throws(RetrievalError) -> Int {
        try await rethrowing { try await self.store.count() }
    }

    /// Up to `limit` objects in ascending id order, after `cursor` (pass the last id of the previous page).
    public func objects(after cursor: UUID? = nil, limit: Int = 100) async throws(RetrievalError) -> [CollectionObject]
    {
        try await rethrowing { try await self.store.objects(after: cursor, limit: limit) }
    }

    /// The bytes a blob property refers to.
    ///
    /// - Throws: ``RetrievalError/Code/notFound`` when the blob store has no such bytes.
    public func blob(_ reference: BlobReference) async throws(RetrievalError) -> [UInt8] {
        let bytes = try await rethrowing { try await self.blobs.get(reference.key) }
        guard let bytes else { throw RetrievalError(.notFound, "no blob \(reference.key)") }
        return bytes
    }

    /// Closes the collection: its store writes what makes the next open fast (a local collection writes a
    /// snapshot when its log holds writes since the last one) and releases the folder to other writers.
    ///
    /// Closing is optional: every committed write is already durable, and a collection that is never closed (or
    /// whose process is killed) opens by replaying its log. Later calls throw ``RetrievalError/Code/closed``.
    public func close() async throws(RetrievalError) {
        guard !isClosed.withLock({ $0 }) else { return }
        do {
            try await store.close()
        } catch let error as RetrievalError {
            throw error
        } catch {
            throw RetrievalError(.store, "the store failed to close", underlying: error)
        }
        isClosed.withLock { $0 = true }
    }

    /// Removes blobs that no object references (left behind by interrupted writes or by deletes).
    ///
    /// - Returns: How many blobs were removed.
    @discardableResult
    public func collectUnreferencedBlobs() async throws(RetrievalError) -> Int {
        try await rethrowing {
            let keys = try await self.blobs.keys()
            let referenced = try await self.store.referencedBlobs(among: keys)
            let orphans = keys.filter { !referenced.contains($0) }
            try await self.blobs.remove(orphans)
            return orphans.count
        }
    }

    /// The named vector `name`, or the first one when `nil`.
    func namedVector(_ name: String?) throws(RetrievalError) -> NamedVector {
        guard let name else { return schema.vectors[0] }
        guard let vector = schema.vector(named: name) else {
            throw RetrievalError(
                .unknownVector,
                "no named vector \"\(name)\"; the collection has "
                    + schema.vectors.map { "\"\($0.name)\"" }.joined(separator: ", ")
            )
        }
        return vector
    }

    /// Throws ``RetrievalError/Code/closed`` once ``close()`` has run.
    func checkOpen() throws(RetrievalError) {
        guard !isClosed.withLock({ $0 }) else { throw RetrievalError(.closed, "the collection was closed") }
    }

    /// Runs `body`, passing ``RetrievalError``s through and wrapping anything else (a host store's error).
    ///
    /// Every store and blob-store call goes through here, so a closed collection refuses them all.
    func rethrowing<T>(_ body: () async throws -> T) async throws(RetrievalError) -> T {
        try checkOpen()
        do {
            return try await body()
        } catch let error as RetrievalError {
            throw error
        } catch {
            throw RetrievalError(.store, "the store failed", underlying: error)
        }
    }
}
