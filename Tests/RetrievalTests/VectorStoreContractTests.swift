// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Retrieval
import Testing
import VectorIndex

/// What every ``VectorStore`` must do, run against each implementation.
///
/// An adapter for another engine adds its
/// factory to `stores`; the Chroma adapter's runs when `MMRAG_CHROMA_URL` names a live server (`.ci/run` starts
/// one).
@Suite struct VectorStoreContractTests {
    static let layout = [
        VectorLayout(name: "a", dimension: 3, metric: .squaredL2, reportedMetric: .squaredL2, index: .flat),
        VectorLayout(name: "b", dimension: 2, metric: .cosine, reportedMetric: .cosine, index: .flat),
    ]

    typealias Factory = @Sendable () async throws -> any VectorStore

    static let stores: [(name: String, make: Factory)] = {
        var stores: [(name: String, make: Factory)] = [
            ("local, in memory", { try await LocalVectorStore.create(at: nil, layout: layout) }),
            ("local, in a folder", { try await LocalVectorStore.create(at: temporaryFolder(), layout: layout) }),
        ]
        if ChromaLive.url != nil {
            stores.append(("Chroma server", { try await ChromaLive.store(layout: layout, properties: []) }))
        }
        return stores
    }()

    private func object(
        _ id: UUID,
        _ n: Int64,
        a: [Float]? = nil,
        b: [Float]? = nil,
        blob: String? = nil
    ) throws -> CollectionObject {
        var properties: [String: PropertyValue] = ["n": .integer(n)]
        if let blob { properties["photo"] = .blob(try BlobReference(key: blob, byteCount: 1)) }
        var vectors: [String: [Float]] = [:]
        if let a { vectors["a"] = a }
        if let b { vectors["b"] = b }
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        return CollectionObject(id: id, properties: properties, vectors: vectors, createdAt: date, updatedAt: date)
    }

    @Test(
        "puts, replaces, deletes, reads, counts, iterates, searches and tracks blob references",
        arguments: stores.indices
    )
    func contract(_ which: Int) async throws {
        let store = try await Self.stores[which].make()
        let ids = (0..<5).map { UUID(uuidString: "00000000-0000-0000-0000-00000000000\($0)")! }
        let blob = String(repeating: "ab", count: 32)
        try await store.apply(
            VectorStoreBatch(puts: [
                try object(ids[3], 3, a: [3, 0, 0], b: [1, 0]),
                try object(ids[1], 1, a: [1, 0, 0], blob: blob),
                try object(ids[2], 2, a: [2, 0, 0], b: [0, 1]),
            ])
        )
        #expect(try await store.count() == 3)
        let read = try await store.objects([ids[1], ids[0]])
        #expect(read[0]?.properties["n"] == .integer(1) && read[0]?.vectors["a"] == [1, 0, 0] && read[1] == nil)
        #expect(try await store.objects(after: nil, limit: 10).map(\.id) == [ids[1], ids[2], ids[3]])
        #expect(try await store.objects(after: ids[1], limit: 1).map(\.id) == [ids[2]])
        #expect(try await store.referencedBlobs(among: [blob, String(repeating: "cd", count: 32)]) == [blob])

        // Search: union of each target's k nearest, with distances in every target the object has a vector in.
        let hits = try await store.search(
            VectorStoreSearch(
                targets: [.init(vector: "a", query: [0, 0, 0]), .init(vector: "b", query: [1, 0])],
                k: 1
            )
        )
        let byID = Dictionary(uniqueKeysWithValues: hits.map { ($0.object.id, $0.distances) })
        #expect(Set(byID.keys) == [ids[1], ids[3]])
        #expect(byID[ids[1]] == ["a": 1])
        #expect(byID[ids[3]]?["a"] == 9 && abs(byID[ids[3]]!["b"]!) < 1e-6)

        // Replace and delete in one batch, all or nothing.
        try await store.apply(
            VectorStoreBatch(puts: [try object(ids[1], 10, a: [5, 0, 0])], deletes: [ids[2], ids[4]])
        )
        #expect(try await store.count() == 2)
        #expect(try await store.objects([ids[1]])[0]?.properties["n"] == .integer(10))
        #expect(try await store.referencedBlobs(among: [blob]).isEmpty)
        let nearest = try await store.search(VectorStoreSearch(targets: [.init(vector: "a", query: [5, 0, 0])], k: 1))
        #expect(nearest.map(\.object.id) == [ids[1]] && nearest[0].distances["a"] == 0)

        // A bad batch changes nothing.
        for bad in [
            VectorStoreBatch(puts: [try object(ids[0], 0, a: [1, 2])]),
            VectorStoreBatch(puts: [try object(ids[0], 0, a: [.nan, 0, 0])]),
            VectorStoreBatch(puts: [try object(ids[0], 0, a: [0, -.infinity, 0])]),
            VectorStoreBatch(puts: [try object(ids[0], 0, a: [0, 0, .infinity])]),
            VectorStoreBatch(puts: [try object(ids[0], 0, b: [0, 0])]),
            VectorStoreBatch(puts: [try object(ids[0], 0), try object(ids[3], 0)], insertsOnly: true),
        ] {
            await #expect(throws: RetrievalError.self) { try await store.apply(bad) }
        }
        #expect(try await store.count() == 2)
        #expect(try await store.objects([ids[0]])[0] == nil)
        #expect(try await store.objects([ids[3]])[0]?.properties["n"] == .integer(3))
    }

    @Test(
        "a local store's batch that puts one id twice keeps the second object and only its vectors, after reopening too"
    )
    func oneIDTwiceInABatch() async throws {
        let folder = temporaryFolder()
        let ids = (0..<2).map { UUID(uuidString: "00000000-0000-0000-0000-00000000000\($0)")! }
        let store = try await LocalVectorStore.create(at: folder, layout: Self.layout)
        try await store.apply(
            VectorStoreBatch(puts: [
                try object(ids[0], 1, a: [1, 0, 0], b: [1, 0]),
                try object(ids[1], 3, a: [3, 0, 0], b: [0, 1]),
                try object(ids[0], 2, a: [2, 0, 0]),
            ])
        )
        func check(_ opened: LocalVectorStore) async throws {
            #expect(try await opened.count() == 2)
            let stored = try #require(try await opened.objects([ids[0]]).first ?? nil)
            #expect(stored.properties["n"] == .integer(2))
            #expect(stored.vectors == ["a": [2, 0, 0]])
            let nearA = try await opened.search(
                VectorStoreSearch(targets: [.init(vector: "a", query: [2, 0, 0])], k: 2)
            )
            #expect(nearA.map(\.object.id).sorted { $0.uuidString < $1.uuidString } == ids)
            let nearB = try await opened.search(VectorStoreSearch(targets: [.init(vector: "b", query: [1, 0])], k: 2))
            #expect(nearB.map(\.object.id) == [ids[1]])
        }
        try await check(store)
        try await store.close()
        try await check(try await LocalVectorStore.open(at: folder))
    }
}

@Suite struct AutomaticIndexTests {
    @Test("an automatic index trains IVF-PQ in the background past its threshold, answers throughout, and reloads")
    func automatic() async throws {
        let folder = temporaryFolder()
        // 8-bit stored vectors: the schema and the index file (format version 2) must both read them back.
        let configuration = IVFPQConfiguration(
            listCount: 4,
            subquantizerCount: 2,
            bitsPerCode: 4,
            storedVectors: .scalarQuantized8
        )
        let schema = try captionSchema(
            index: .automatic(
                threshold: 200,
                configuration,
                search: IVFPQSearchParameters(probeCount: 4, refineFactor: 8)
            )
        )
        var random = SeededRandom(seed: 7)
        var vectors: [[Float]] = []
        for _ in 0..<400 { vectors.append((0..<4).map { _ in Float.random(in: -1...1, using: &random) }) }
        var ids: [UUID] = []
        do {
            let collection = try await MultimodalCollection.create(at: folder, schema: schema)
            let store = collection.store as! LocalVectorStore
            ids += try await collection.insert(vectors[..<150].map { ObjectInput(vectors: ["given": $0]) })
            #expect(store.approximateIndexes["given"] == false)
            ids += try await collection.insert(vectors[150...].map { ObjectInput(vectors: ["given": $0]) })
            // Queries work while it trains.
            let during = try await collection.near(vector: vectors[7], in: "given", limit: 1)
            #expect(during.first?.object.id == ids[7])
            await store.waitForIndexing()
            #expect(store.approximateIndexes["given"] == true)
            // All probes and a large refine: the approximate index returns the exact nearest neighbours.
            for i in [0, 123, 399] {
                let hit = try await collection.near(vector: vectors[i], in: "given", limit: 1)
                #expect(hit.first?.object.id == ids[i] && hit.first?.distance == 0)
            }
            try await store.checkpoint()
            try await collection.delete([ids[0]])
        }
        let reopened = try await MultimodalCollection.open(at: folder)
        let store = reopened.store as! LocalVectorStore
        #expect(store.approximateIndexes["given"] == true)
        #expect(reopened.schema.vectors.first?.index == schema.vectors.first?.index)
        #expect(try await reopened.count() == 399)
        let hit = try await reopened.near(vector: vectors[0], in: "given", limit: 1)
        #expect(hit.first?.object.id != ids[0])
    }

}
