// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Retrieval
import Testing
import VectorIndex

/// Keyword, hybrid, reranked, diversified and grouped queries on collections.
@Suite struct KeywordCollectionTests {
    static let texts = [
        "Fast JSON parser for Swift", "A JSON schema validator", "Parse YAML and JSON quickly",
        "Image thumbnails in Swift", "Swift bindings for a fast image codec", "Audio resampling library",
        "Streaming JSON encoder", "YAML configuration loader", "json json json tiny parser", "Video frame reader",
    ]

    /// A collection of `texts` as titles, categories by index, vectors on a line.
    private func library(folder: String? = nil) async throws -> (MultimodalCollection, [UUID]) {
        let collection = try await MultimodalCollection.create(at: folder, schema: try catalogSchema())
        let ids = try await collection.insert(
            Self.texts.enumerated().map { i, text in
                ObjectInput(
                    id: catalogID(i),
                    properties: [
                        "title": .text(text), "category": .text(["data", "media"][i % 2]),
                        "tags": .textArray(i % 3 == 0 ? ["parser"] : []),
                    ],
                    vectors: ["given": [Float(i), 0, 0, 0]]
                )
            }
        )
        return (collection, ids)
    }

    /// The same documents in a bare keyword index: the reference the collection must equal.
    private func reference(_ objects: [CollectionObject]) throws -> (BM25Index, [UInt64: UUID]) {
        var index = try BM25Index(properties: ["title", "category", "tags"])
        var ids: [UInt64: UUID] = [:]
        for (key, object) in objects.enumerated() {
            var texts: [String: [String]] = [:]
            for name in ["title", "category"] { if let text = object.properties[name]?.text { texts[name] = [text] } }
            if case .textArray(let tags)? = object.properties["tags"] { texts["tags"] = tags }
            index.upsert(UInt64(key), textArrays: texts)
            ids[UInt64(key)] = object.id
        }
        return (index, ids)
    }

    private func expectSameRanking(
        _ results: [QueryResult],
        _ reference: [KeywordMatch],
        _ ids: [UInt64: UUID],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(results.count == reference.count, sourceLocation: sourceLocation)
        for (result, match) in zip(results, reference) {
            #expect(abs(result.score - match.score) < 1e-5, sourceLocation: sourceLocation)
            #expect(result.keywordScore == result.score && result.distance == nil, sourceLocation: sourceLocation)
        }
        // Equal scores may order differently (keys are assigned differently); the sets of ids per score agree.
        let got = Dictionary(grouping: results, by: { Int(($0.score * 1e4).rounded()) }).mapValues {
            Set($0.map(\.object.id))
        }
        let want = Dictionary(grouping: reference, by: { Int(($0.score * 1e4).rounded()) })
            .mapValues { Set($0.map { ids[$0.key]! }) }
        #expect(got == want, sourceLocation: sourceLocation)
    }

    @Test("BM25 on a collection scores as the keyword index over the same objects, after writes and a reopen")
    func bm25MatchesTheIndex() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bm25-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let (collection, ids) = try await library(folder: folder)
            for text in ["json parser", "swift", "yaml json", "image codec fast", "nothing here"] {
                let (index, keys) = try reference(try await collection.objects(limit: 100))
                let expected = try index.search(KeywordQuery(text, limit: 5))
                expectSameRanking(try await collection.bm25(text, limit: 5), expected, keys)
            }
            // Deleting and updating changes N, n(t) and the lengths: scores follow.
            _ = try await collection.delete([ids[0]])
            try await collection.update(ids[2], properties: ["title": .text("json json")])
            let (index, keys) = try reference(try await collection.objects(limit: 100))
            expectSameRanking(
                try await collection.bm25("json", limit: 10),
                try index.search(KeywordQuery("json", limit: 10)),
                keys
            )
        }
        let reopened = try await MultimodalCollection.open(at: folder)
        let (index, keys) = try reference(try await reopened.objects(limit: 100))
        expectSameRanking(
            try await reopened.bm25("json parser", limit: 10),
            try index.search(KeywordQuery("json parser", limit: 10)),
            keys
        )
    }

    @Test("boosts, the and operator, filters (which keep the idf), offsets and errors")
    func bm25Options() async throws {
        let (collection, _) = try await library()
        let objects = try await collection.objects(limit: 100)
        let (index, keys) = try reference(objects)
        let boosted = [KeywordProperty("title", boost: 2), KeywordProperty("tags")]
        var query = BM25Query("json parser", properties: boosted)
        query.matching = .and
        expectSameRanking(
            try await collection.search(query),
            try index.search(KeywordQuery("json parser", properties: boosted, matching: .and)),
            keys
        )
        // A filter restricts the results; each remaining score is its unfiltered score.
        let unfiltered = try await collection.bm25("json", limit: 10)
        let filtered = try await collection.bm25("json", filter: .equal("category", .text("data")), limit: 10)
        #expect(!filtered.isEmpty && filtered.count < unfiltered.count)
        for result in filtered {
            #expect(result.object.properties["category"] == .text("data"))
            #expect(unfiltered.first { $0.object.id == result.object.id }?.score == result.score)
        }
        var paged = BM25Query("json")
        paged.offset = 1
        paged.limit = 2
        #expect(try await collection.search(paged).map(\.object.id) == unfiltered[1..<3].map(\.object.id))
        await expectCode(.unknownProperty) {
            _ = try await collection.bm25("json", properties: [KeywordProperty("year")])
        }
        await expectCode(.invalidQuery) {
            _ = try await collection.bm25("json", properties: [KeywordProperty("title", boost: -1)])
        }
        // Without text properties there is no keyword index.
        let plain = try await MultimodalCollection.create(
            at: nil,
            schema: try CollectionSchema(
                properties: [Property("year", .integer)],
                vectors: [NamedVector("v", space: EmbeddingSpace(modelID: "v", dimension: 2, normalization: .none))]
            )
        )
        await expectCode(.unsupported) { _ = try await plain.bm25("json") }
        // Keyword settings must name text properties.
        #expect(throws: RetrievalError.self) {
            try catalogSchema(keyword: KeywordSettings(properties: ["year"]))
        }
    }

    @Test("hybrid results are the fusion of the two legs, with both components and the fused score")
    func hybridIsTheFusionOfItsLegs() async throws {
        let (collection, _) = try await library()
        let probe: [Float] = [3.2, 0, 0, 0]
        for fusion in HybridFusion.allCases {
            for alpha in [0, 0.25, 0.75, 1] {
                var query = HybridQuery("json parser", vector: NearQuery.Target(vector: "given", .vector(probe)))
                query.alpha = alpha
                query.fusion = fusion
                query.limit = 6
                let results = try await collection.search(query)
                // The reference: each leg alone, fused by the fusion rule.
                let vectorLeg = try await collection.near(vector: probe, in: "given", limit: 6)
                let keywordLeg = try await collection.bm25("json parser", limit: 6)
                var position: [UUID: UInt64] = [:]
                for id in (vectorLeg + keywordLeg).map(\.object.id) where position[id] == nil {
                    position[id] = UInt64(position.count)
                }
                let fused = try fusion.fuse(
                    vector: alpha > 0
                        ? vectorLeg.map { FusionCandidate(key: position[$0.object.id]!, score: Double($0.score)) } : [],
                    keyword: alpha < 1
                        ? keywordLeg.map { FusionCandidate(key: position[$0.object.id]!, score: Double($0.score)) }
                        : [],
                    alpha: alpha
                )
                let expected = fused.prefix(6)
                #expect(results.count == expected.count, "\(fusion) \(alpha)")
                for (result, match) in zip(results, expected) {
                    #expect(abs(Double(result.score) - match.score) < 1e-6, "\(fusion) \(alpha)")
                    #expect((result.distance != nil) == (match.vector != nil))
                    #expect((result.keywordScore != nil) == (match.keyword != nil))
                }
                #expect(Set(results.map { position[$0.object.id]! }) == Set(expected.map(\.key)))
            }
        }
        // maxVectorDistance cuts only the vector leg: far keyword matches stay.
        var cut = HybridQuery("json", vector: NearQuery.Target(vector: "given", .vector([0, 0, 0, 0])))
        cut.maxVectorDistance = 1.5
        cut.limit = 10
        let results = try await collection.search(cut)
        #expect(results.allSatisfy { ($0.distance ?? 0) <= 1.5 })
        #expect(results.contains { $0.distance == nil && $0.keywordScore != nil })
        var bad = HybridQuery("json", vector: "given")
        bad.alpha = 1.5
        await expectCode(.invalidQuery) { _ = try await collection.search(bad) }
    }

    /// Scores a document by its length: long documents first.
    struct LengthReranker: Reranker {
        func scores(query: String, documents: [String]) async throws -> [Double] { documents.map { Double($0.count) } }
    }

    @Test("reranking, diversity, group-by and autocut apply to every query kind")
    func refinements() async throws {
        let (collection, _) = try await library()
        // Rerank a keyword query by document length.
        var keyword = BM25Query("json")
        keyword.rerank = Rerank(LengthReranker(), property: "title")
        let reranked = try await collection.search(keyword)
        let lengths = reranked.map { Float($0.object.properties["title"]!.text!.count) }
        #expect(lengths == lengths.sorted(by: >) && reranked.map(\.rerankScore) == lengths.map { $0 })
        #expect(reranked.allSatisfy { $0.keywordScore != nil })
        // A vector query without text needs the rerank query spelled out.
        var near = NearQuery(target: .init(vector: "given", .vector([0, 0, 0, 0])))
        near.rerank = Rerank(LengthReranker(), property: "title")
        await expectCode(.invalidQuery) { _ = try await collection.search(near) }
        near.rerank = Rerank(LengthReranker(), property: "title", query: "anything")
        #expect(try await collection.search(near).count == 10)
        // Diversity: the collection's order is maximal marginal relevance over the candidates.
        var diverse = NearQuery(target: .init(vector: "given", .vector([1, 1, 0, 0])))
        diverse.limit = 4
        diverse.diversity = Diversity(lambda: 0.3, candidates: 10)
        let picked = try await collection.search(diverse)
        let candidates = try await collection.near(vector: [1, 1, 0, 0], in: "given", limit: 10)
        let vectors = try await collection.store.objects(candidates.map(\.object.id)).map { $0!.vectors["given"]! }
        let order = try MaximalMarginalRelevance.select(
            query: [1, 1, 0, 0],
            candidates: VectorMatrix(values: ContiguousArray(vectors.joined()), dimension: 4),
            count: 4,
            lambda: 0.3
        )
        #expect(picked.map(\.object.id) == order.map { candidates[$0].object.id })
        #expect(picked.allSatisfy { $0.object.vectors.isEmpty })
        // Group-by on a hybrid query: groups ordered by their best result, members in rank order.
        let groups = try await collection.search(
            HybridQuery("json swift", vector: NearQuery.Target(vector: "given", .vector([0, 0, 0, 0]))),
            groupBy: GroupBy("category", groups: 2, objectsPerGroup: 2)
        )
        #expect(groups.count == 2 && groups.allSatisfy { $0.results.count == 2 })
        #expect(Set(groups.map(\.value)) == [.text("data"), .text("media")])
        for group in groups {
            #expect(group.results.allSatisfy { $0.object.properties["category"] == group.value })
            #expect(group.results.map(\.score) == group.results.map(\.score).sorted(by: >))
        }
        #expect(groups[0].results[0].score >= groups[1].results[0].score)
        await expectCode(.unknownProperty) {
            _ = try await collection.search(
                BM25Query("json"),
                groupBy: GroupBy("colour", groups: 1, objectsPerGroup: 1)
            )
        }
        // Autocut on keyword scores: "json json json tiny parser" stands apart.
        var cut = BM25Query("json")
        cut.autocut = 1
        let autocut = try await collection.search(cut)
        let all = try await collection.bm25("json")
        #expect(autocut.count == Autocut.count(of: all.map { Double($0.score) }, jumps: 1))
    }
}
