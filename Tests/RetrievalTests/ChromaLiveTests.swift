// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Retrieval
import Testing
import VectorIndex

/// The Chroma adapter against a live server (`MMRAG_CHROMA_URL`), compared with the embedded store on the same data.
@Suite(.enabled(if: ChromaLive.url != nil, "needs a Chroma server in MMRAG_CHROMA_URL (.ci/run starts one)"))
struct ChromaLiveTests {
    static let properties = [
        Property("n", .integer), Property("x", .double), Property("tag", .text), Property("tags", .textArray),
    ]

    static func objects(_ count: Int, dimension: Int) -> [CollectionObject] {
        var random = SeededRandom(seed: 11)
        return (0..<count).map { i in
            var properties: [String: PropertyValue] = ["n": .integer(Int64(i % 7))]
            if i % 3 != 0 { properties["tag"] = .text(["red", "green", "blue"][i % 3]) }
            if i % 4 != 0 { properties["x"] = .double(Double(i) / 4) }
            if i % 5 != 0 { properties["tags"] = .textArray(i % 2 == 0 ? ["a", "b"] : ["b"]) }
            let date = Date(timeIntervalSince1970: 1_700_000_000 + Double(i))
            let vector = (0..<dimension).map { _ in Float.random(in: -1...1, using: &random) }
            return CollectionObject(
                id: UUID(),
                properties: properties,
                vectors: ["v": vector],
                createdAt: date,
                updatedAt: date
            )
        }
    }

    @Test("filtered reads and searches select what the embedded store selects, for every supported operator")
    func filtersMatchTheEmbeddedStore() async throws {
        let layout = [
            VectorLayout(name: "v", dimension: 4, metric: .squaredL2, reportedMetric: .squaredL2, index: .flat)
        ]
        let chroma = try await ChromaLive.store(layout: layout, properties: Self.properties) {
            $0.maxRecordsPerRequest = 16  // several write requests per batch
        }
        defer { Task { try? await chroma.deleteCollections() } }
        let local = try await LocalVectorStore.create(at: nil, layout: layout)
        let objects = Self.objects(60, dimension: 4)
        for store in [chroma as any VectorStore, local] { try await store.apply(VectorStoreBatch(puts: objects)) }
        #expect(try await chroma.count() == 60)
        let filters: [Filter] = [
            .equal("tag", .text("red")), .notEqual("tag", .text("red")), .lessThan("n", .integer(3)),
            .lessThanOrEqual("x", .integer(5)), .greaterThan("n", .double(2.5)),
            .greaterThanOrEqual("x", .double(7.25)),
            .containsAny("tag", [.text("red"), .text("blue")]), .containsNone("tag", [.text("red")]),
            .containsAll("tags", [.text("a"), .text("b")]), .containsAny("tags", [.text("a")]),
            .containsNone("tags", [.text("a")]), .equal("tags", .text("b")), .notEqual("tags", .text("a")),
            .greaterThan(.createdAt, .date(Date(timeIntervalSince1970: 1_700_000_030))),
            .equal(.id, .uuid(objects[5].id)),
            !(.equal("tag", .text("red")) || .containsAny("n", [.integer(1), .integer(2)])),
        ]
        for filter in filters {
            let want = try await local.objects(matching: filter, after: nil, limit: 100).map(\.id)
            let got = try await chroma.objects(matching: filter, after: nil, limit: 100).map(\.id)
            #expect(got == want, "\(filter)")
            let query = VectorStoreSearch(
                targets: [.init(vector: "v", query: [0.1, 0.2, 0.3, 0.4])],
                k: 5,
                filter: filter
            )
            // Chroma's search is approximate (HNSW): every hit must pass the filter, and at least 4 of the exact 5.
            let wantHits = Set(try await local.search(query).map(\.object.id))
            let gotHits = Set(try await chroma.search(query).map(\.object.id))
            #expect(gotHits.isSubset(of: Set(want)) && gotHits.count == wantHits.count, "\(filter)")
            #expect(gotHits.intersection(wantHits).count >= wantHits.count - 1, "\(filter)")
        }
        await #expect(throws: RetrievalError.self) {
            _ = try await chroma.objects(matching: .isNull("tag"), after: nil, limit: 10)
        }
    }

    @Test("a replaced object loses the properties and vectors it no longer has")
    func replaceDropsOldFields() async throws {
        let layout = [
            VectorLayout(name: "v", dimension: 4, metric: .squaredL2, reportedMetric: .squaredL2, index: .flat)
        ]
        let chroma = try await ChromaLive.store(layout: layout, properties: Self.properties)
        defer { Task { try? await chroma.deleteCollections() } }
        var object = Self.objects(1, dimension: 4)[0]
        object.properties["tag"] = .text("red")
        try await chroma.apply(VectorStoreBatch(puts: [object]))
        object.properties["tag"] = nil
        object.vectors = [:]
        try await chroma.apply(VectorStoreBatch(puts: [object]))
        #expect(try await chroma.objects(matching: .equal("tag", .text("red")), after: nil, limit: 10).isEmpty)
        #expect(try await chroma.objects([object.id]) == [object])
        let hits = try await chroma.search(VectorStoreSearch(targets: [.init(vector: "v", query: [0, 0, 0, 0])], k: 3))
        #expect(hits.isEmpty)
    }

    @Test(
        "distances in every metric equal the embedded store's",
        arguments: [Metric.cosine, .squaredL2, .innerProduct]
    )
    func distances(_ metric: Metric) async throws {
        let layout = [VectorLayout(name: "v", dimension: 8, metric: metric, reportedMetric: metric, index: .flat)]
        let chroma = try await ChromaLive.store(layout: layout, properties: [])
        defer { Task { try? await chroma.deleteCollections() } }
        let local = try await LocalVectorStore.create(at: nil, layout: layout)
        let objects = Self.objects(40, dimension: 8)
        for store in [chroma as any VectorStore, local] { try await store.apply(VectorStoreBatch(puts: objects)) }
        let query = VectorStoreSearch(targets: [.init(vector: "v", query: objects[3].vectors["v"]!)], k: 10)
        let want = Dictionary(
            uniqueKeysWithValues: try await local.search(query).map { ($0.object.id, $0.distances["v"]!) }
        )
        let got = try await chroma.search(query)
        #expect(Set(got.map(\.object.id)) == Set(want.keys))
        for hit in got { #expect(abs(hit.distances["v"]! - want[hit.object.id]!) < 1e-4) }
    }
}

/// A second Chroma server that a test may kill: started from `MMRAG_CHROMA_PYTHON` (the server's venv, set by
/// `.ci/run`) on its own port and data folder.
@Suite(.enabled(if: ChromaLive.python != nil, "needs MMRAG_CHROMA_PYTHON (.ci/run sets it)"))
struct ChromaRestartTests {
    static func start(data: String, port: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ChromaLive.python!)
        process.arguments = [
            "-c",
            "import chromadb_rust_bindings as m; "
                + "m.cli(['chroma','run','--path','\(data)','--host','127.0.0.1','--port','\(port)'])",
        ]
        process.environment = ["RUST_LOG": "error"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func answers(port: Int) async -> Bool {
        let request = HTTPRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v2/heartbeat")!, timeout: .seconds(1))
        return (try? await URLSessionTransport().stream(request))?.head.status == 200
    }

    /// Kills the server and waits (without `waitUntilExit`, which can stall a test's thread) until it is gone.
    static func kill9(_ server: Process) async throws {
        kill(server.processIdentifier, SIGKILL)
        for _ in 0..<100 where server.isRunning { try await Task.sleep(for: .milliseconds(50)) }
    }

    static func waitUntilReady(port: Int) async throws {
        for _ in 0..<300 {
            if await answers(port: port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the Chroma server on port \(port) did not become ready")
    }

    @Test("a server killed mid-run gives typed errors, and after a restart the store carries on with its data")
    func killedAndRestarted() async throws {
        let data = temporaryFolder()
        var port = 18_450 + Int.random(in: 0..<40)
        while await Self.answers(port: port) { port = 18_450 + Int.random(in: 0..<40) }
        var server = try Self.start(data: data, port: port)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        try await Self.waitUntilReady(port: port)
        let layout = [VectorLayout(name: "v", dimension: 4, metric: .cosine, reportedMetric: .cosine, index: .flat)]
        var configuration = ChromaVectorStore.Configuration(
            baseURL: URL(string: "http://127.0.0.1:\(port)")!,
            collection: "restart-" + UUID().uuidString.lowercased()
        )
        configuration.options = HostedServiceOptions(timeout: .seconds(5), maxAttempts: 2, baseDelay: .milliseconds(50))
        let store = try await ChromaVectorStore.connect(configuration, layout: layout)
        let objects = ChromaLiveTests.objects(30, dimension: 4)
        try await store.apply(VectorStoreBatch(puts: Array(objects[..<20])))
        try await Self.kill9(server)
        let error = await #expect(throws: RetrievalError.self) {
            try await store.apply(VectorStoreBatch(puts: Array(objects[20...])))
        }
        #expect(error?.code == .store && error?.underlying is HTTPError)
        await #expect(throws: RetrievalError.self) { _ = try await store.count() }

        server = try Self.start(data: data, port: port)
        try await Self.waitUntilReady(port: port)
        #expect(try await store.count() == 20)
        try await store.apply(VectorStoreBatch(puts: Array(objects[20...])))  // the failed batch, applied again
        #expect(try await store.count() == 30)
        let hit = try await store.search(
            VectorStoreSearch(targets: [.init(vector: "v", query: objects[25].vectors["v"]!)], k: 1)
        )
        #expect(hit.map(\.object.id) == [objects[25].id])
        try await Self.kill9(server)
    }
}
