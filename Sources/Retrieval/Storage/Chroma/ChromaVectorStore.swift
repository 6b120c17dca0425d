// SPDX-License-Identifier: Apache-2.0

public import Embedding
public import Foundation
import VectorIndex

/// A ``VectorStore`` on a Chroma server (HTTP API v2): the same collection API, embedders and pipeline, with the
/// objects and vectors held by a server that other processes and machines share.
///
/// ```swift
/// var configuration = ChromaVectorStore.Configuration(baseURL: URL(string: "http://127.0.0.1:8000")!,
///                                                     collection: "photos")
/// let store = try await ChromaVectorStore.connect(configuration, schema: schema)
/// let photos = MultimodalCollection(schema: schema, store: store, blobs: try LocalBlobStore(folder: "/data/blobs"))
/// ```
///
/// ## Layout on the server
/// One Chroma collection `<collection>` holds one record per object (a one-value placeholder embedding, the
/// properties as metadata, the text property of record as the document); one collection `<collection>.<vector>`
/// per named vector, created with the vector's metric as `hnsw.space`, holds the objects that have that vector,
/// with the same metadata so that filters apply inside the server's search. Media stay in the collection's
/// ``BlobStore``.
///
/// ## What differs from the embedded store
/// - **Not atomic across requests.** A batch is written in several idempotent requests (upserts and deletes by id,
///   vectors first, the records last). A failure in the middle throws and may leave part of the batch applied;
///   applying the same batch again completes it. Concurrent readers can see a batch half applied.
/// - **Durability is the server's.** A returned `apply` means the server accepted the writes.
/// - **Queries.** Vector search with filters, reads by id and id-ordered iteration (which lists every id: Chroma
///   has no sorted scan). No keyword (BM25) or hybrid search, and no `like`, `isNull`, ordering of text or UUIDs,
///   or `not` over a condition whose negation would need a null test: those throw
///   ``RetrievalError/Code/unsupported`` naming the operator; see ``capabilities``.
/// - **Search is approximate** (HNSW) once a collection passes Chroma's brute-force threshold.
public final class ChromaVectorStore: VectorStore, CustomStringConvertible {
    /// Where the server is and how to talk to it.
    public struct Configuration: Sendable {
        /// The server, such as `http://127.0.0.1:8000` (the adapter appends `/api/v2/…`).
        public var baseURL: URL
        /// The tenant; created when missing.
        public var tenant: String
        /// The database; created when missing.
        public var database: String
        /// The name of the records collection; vector collections are named `<collection>.<vector>`.
        ///
        /// Chroma names are 3–512 characters from `[a-zA-Z0-9._-]`, starting and ending with a letter or digit.
        public var collection: String
        /// A token sent with every request, if the server requires one.
        public var token: String?
        /// The header carrying ``token``: `nil` for `Authorization: Bearer <token>`, or a header name such as
        /// `X-Chroma-Token`.
        public var tokenHeader: String?
        /// The text property stored as each record's Chroma document (for tools that read Chroma directly).
        public var documentProperty: String?
        /// The most records in one write request (lowered to the server's advertised `max_batch_size`).
        public var maxRecordsPerRequest: Int
        /// The most bytes in one write request; the server refuses bodies over 40 MiB with 413.
        public var maxRequestBytes: Int
        /// Timeouts and retries.
        public var options: HostedServiceOptions

        /// Creates a configuration with the default tenant and database, 1,000 records and 32 MiB per request.
        public init(
            baseURL: URL,
            tenant: String = "default_tenant",
            database: String = "default_database",
            collection: String,
            token: String? = nil,
            tokenHeader: String? = nil,
            documentProperty: String? = nil,
            maxRecordsPerRequest: Int = 1000,
            maxRequestBytes: Int = 32 << 20,
            options: HostedServiceOptions = HostedServiceOptions(timeout: .seconds(30), maxAttempts: 3)
        ) {
            self.baseURL = baseURL
            self.tenant = tenant
            self.database = database
            self.collection = collection
            self.token = token
            self.tokenHeader = tokenHeader
            self.documentProperty = documentProperty
            self.maxRecordsPerRequest = maxRecordsPerRequest
            self.maxRequestBytes = maxRequestBytes
            self.options = options
        }
    }

    /// The configuration.
    public let configuration: Configuration
    /// The named vectors.
    public let layout: [VectorLayout]
    let client: ChromaClient
    let translator: ChromaFilterTranslator
    let recordsID: String
    let vectorIDs: [String: String]
    let maxRecords: Int

    init(
        configuration: Configuration,
        layout: [VectorLayout],
        properties: [Property],
        client: ChromaClient,
        recordsID: String,
        vectorIDs: [String: String],
        maxRecords: Int
    ) {
        self.configuration = configuration
        self.layout = layout
        self.client = client
        self.translator = ChromaFilterTranslator(
            propertyTypes: Dictionary(properties.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        )
        self.recordsID = recordsID
        self.vectorIDs = vectorIDs
        self.maxRecords = maxRecords
    }

    /// `ChromaVectorStore(<base URL>, <tenant>/<database>/<collection>)`, without the token.
    public var description: String {
        "ChromaVectorStore(\(client), \(configuration.tenant)/\(configuration.database)/\(configuration.collection))"
    }

    /// What this store answers: vector search and filtered reads, without keyword or hybrid search and without
    /// the `like` and `isNull` operators.
    public var capabilities: VectorStoreCapabilities {
        VectorStoreCapabilities(
            queryKinds: [.vector, .filter],
            filterOperators: Set(FilterCondition.Operator.allCases).subtracting([.like, .isNull])
        )
    }

    /// Connects to the server for a collection with `schema`, creating the tenant, database and collections
    /// that are missing.
    ///
    /// - Returns: The store; see ``connect(_:layout:properties:transport:)``.
    public static func connect(
        _ configuration: Configuration,
        schema: CollectionSchema,
        transport: any HTTPTransport = DefaultHTTPTransport()
    ) async throws(RetrievalError) -> ChromaVectorStore {
        try await connect(configuration, layout: schema.layout, properties: schema.properties, transport: transport)
    }

    /// Connects to the server for the named vectors in `layout`, creating what is missing.
    ///
    /// - Parameters:
    ///   - configuration: The server, tenant, database and collection name.
    ///   - layout: The named vectors; each becomes a Chroma collection with its metric as `hnsw.space`.
    ///   - properties: The declared properties (filters need to tell text arrays from text).
    ///   - transport: How requests reach the server; a new `DefaultHTTPTransport` by default (sockets for
    ///     `http` URLs on Linux, `URLSession` otherwise).
    /// - Returns: The store, its collections created or found.
    /// - Throws: ``RetrievalError/Code/invalidSchema`` for a name Chroma refuses or an existing collection with
    ///   another metric or dimension; ``RetrievalError/Code/store`` when the server cannot be reached or refuses.
    public static func connect(
        _ configuration: Configuration,
        layout: [VectorLayout],
        properties: [Property] = [],
        transport: any HTTPTransport = DefaultHTTPTransport()
    ) async throws(RetrievalError) -> ChromaVectorStore {
        let client = ChromaClient(
            baseURL: configuration.baseURL,
            token: configuration.token,
            tokenHeader: configuration.tokenHeader,
            options: configuration.options,
            transport: transport
        )
        for name in [configuration.tenant, configuration.database, configuration.collection] {
            try checkName(name)
        }
        let tenant = "tenants/\(configuration.tenant)"
        if try await client.raw(.get, tenant).status == 404 {
            try await createIgnoringConflict(client, "tenants", name: configuration.tenant)
        }
        let database = "\(tenant)/databases/\(configuration.database)"
        if try await client.raw(.get, database).status == 404 {
            try await createIgnoringConflict(client, "\(tenant)/databases", name: configuration.database)
        }
        let records = try await collection(
            client,
            database,
            name: configuration.collection,
            space: "l2",
            dimension: 1
        )
        var vectorIDs: [String: String] = [:]
        for vector in layout {
            let name = "\(configuration.collection).\(vector.name)"
            try checkName(name)
            vectorIDs[vector.name] = try await collection(
                client,
                database,
                name: name,
                space: ChromaRows.space(vector.metric),
                dimension: vector.dimension
            )
        }
        var maxRecords = max(configuration.maxRecordsPerRequest, 1)
        if let limits = try? await client.call(.get, "pre-flight-checks") as? [String: Any],
            let advertised = (limits["max_batch_size"] as? NSNumber)?.intValue, advertised > 0
        {
            maxRecords = min(maxRecords, advertised)
        }
        return ChromaVectorStore(
            configuration: configuration,
            layout: layout,
            properties: properties,
            client: client,
            recordsID: records,
            vectorIDs: vectorIDs,
            maxRecords: maxRecords
        )
    }

    /// Deletes this store's Chroma collections (every object and vector in them).
    public func deleteCollections() async throws(RetrievalError) {
        let base = "tenants/\(configuration.tenant)/databases/\(configuration.database)/collections/"
        for name in [configuration.collection] + layout.map({ "\(configuration.collection).\($0.name)" }) {
            let (status, body) = try await client.raw(.delete, base + name)
            guard (200..<300).contains(status) || status == 404 else {
                throw client.statusError(.delete, base + name, status, body)
            }
        }
    }

    // MARK: - Setup helpers

    static func checkName(_ name: String) throws(RetrievalError) {
        let allowed = name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        let edges = [name.utf8.first, name.utf8.last].allSatisfy { byte in
            byte.map { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
                ?? false
        }
        guard allowed && edges && (3...512).contains(name.utf8.count) else {
            throw RetrievalError(
                .invalidSchema,
                "Chroma names are 3–512 characters from [a-zA-Z0-9._-] starting and ending with a letter or digit; "
                    + "got \"\(name)\""
            )
        }
    }

    private static func createIgnoringConflict(
        _ client: ChromaClient,
        _ path: String,
        name: String
    ) async throws(RetrievalError) {
        let body = ChromaJSON.object([("name", .string(name))]).encoded()
        let (status, answer) = try await client.raw(.post, path, body: body)
        guard (200..<300).contains(status) || status == 409 else {
            throw client.statusError(.post, path, status, answer)
        }
    }

    private static func collection(
        _ client: ChromaClient,
        _ database: String,
        name: String,
        space: String,
        dimension: Int
    ) async throws(RetrievalError) -> String {
        let body = ChromaJSON.object([
            ("name", .string(name)),
            ("configuration", .object([("hnsw", .object([("space", .string(space))]))])),
            ("metadata", .object([("rag:dimension", .int(Int64(dimension)))])),
            ("get_or_create", .bool(true)),
        ])
        let answer = try await client.call(.post, "\(database)/collections", body: body.encoded())
        guard let fields = answer as? [String: Any], let id = fields["id"] as? String else {
            throw RetrievalError(.store, "Chroma answered a collection request without an id")
        }
        let configuration = fields["configuration_json"] as? [String: Any]
        let existing = (configuration?["hnsw"] as? [String: Any])?["space"] as? String
        if let existing, existing != space {
            throw RetrievalError(
                .invalidSchema,
                "the Chroma collection \"\(name)\" exists with space \(existing), not \(space)"
            )
        }
        if let stored = (fields["dimension"] as? NSNumber)?.intValue, stored != dimension {
            throw RetrievalError(
                .invalidSchema,
                "the Chroma collection \"\(name)\" holds \(stored)-value vectors, not \(dimension)"
            )
        }
        return id
    }

    /// The path of a collection's endpoint.
    func path(_ collectionID: String, _ endpoint: String) -> String {
        "tenants/\(configuration.tenant)/databases/\(configuration.database)/collections/\(collectionID)/\(endpoint)"
    }
}
