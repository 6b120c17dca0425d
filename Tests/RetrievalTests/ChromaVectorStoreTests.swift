// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import VectorIndex

@testable import Retrieval

/// The Chroma adapter: filter translation, batch splitting and distance conversion offline; filters and metrics
/// against the embedded store (the reference) and failures on a live server when `MMRAG_CHROMA_URL` is set.
@Suite struct ChromaVectorStoreTests {
    static let translator = ChromaFilterTranslator(
        propertyTypes: ["n": .integer, "x": .double, "tag": .text, "tags": .textArray, "when": .date, "photo": .blob]
    )

    static func clause(_ filter: Filter) throws -> String {
        switch try translator.translate(filter) {
        case .all: "all"
        case .none: "none"
        case .clause(let json): json.text
        }
    }

    @Test("every operator Chroma can express translates into one-key where clauses")
    func translation() throws {
        #expect(try Self.clause(.equal("tag", .text("a"))) == #"{"tag":{"$eq":"a"}}"#)
        #expect(try Self.clause(.notEqual("tag", .text("a"))) == #"{"tag":{"$ne":"a"}}"#)
        #expect(try Self.clause(.equal("tags", .text("a"))) == #"{"tags":{"$contains":"a"}}"#)
        #expect(try Self.clause(.notEqual("tags", .text("a"))) == #"{"tags":{"$not_contains":"a"}}"#)
        #expect(try Self.clause(.lessThan("n", .integer(3))) == #"{"n":{"$lt":3}}"#)
        #expect(try Self.clause(.lessThanOrEqual("x", .integer(3))) == #"{"x":{"$lte":3.0}}"#)
        #expect(try Self.clause(.greaterThan("n", .double(2.5))) == #"{"n":{"$gte":3}}"#)
        #expect(try Self.clause(.lessThan("n", .double(2.5))) == #"{"n":{"$lte":2}}"#)
        #expect(try Self.clause(.greaterThanOrEqual("n", .double(2))) == #"{"n":{"$gte":2}}"#)
        #expect(try Self.clause(.equal("n", .double(2.5))) == "none")
        #expect(try Self.clause(.notEqual("n", .double(2.5))) == "all")
        let date = Date(timeIntervalSince1970: 1_700_000_000.5)
        #expect(try Self.clause(.greaterThan(.createdAt, .date(date))) == #"{"rag:created":{"$gt":1700000000.5}}"#)
        #expect(try Self.clause(.containsAny("tag", [.text("a"), .text("b")])) == #"{"tag":{"$in":["a","b"]}}"#)
        #expect(try Self.clause(.containsNone("tag", [.text("a")])) == #"{"tag":{"$nin":["a"]}}"#)
        #expect(
            try Self.clause(.containsAll("tags", [.text("a"), .text("b")]))
                == #"{"$and":[{"tags":{"$contains":"a"}},{"tags":{"$contains":"b"}}]}"#
        )
        #expect(
            try Self.clause(.containsAny("tags", [.text("a"), .text("b")]))
                == #"{"$or":[{"tags":{"$contains":"a"}},{"tags":{"$contains":"b"}}]}"#
        )
        #expect(try Self.clause(.containsAll("tag", [.text("a"), .text("b")])) == "none")
        #expect(try Self.clause(.containsAny("tag", [])) == "none")
        #expect(try Self.clause(.containsNone("tag", [])) == "all")
        let id = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
        #expect(try Self.clause(.equal(.id, .uuid(id))) == #"{"rag:id":{"$eq":"\#(id.uuidString)"}}"#)
        // Logic: several conditions always under an explicit $and (Chroma rejects several top-level keys).
        #expect(
            try Self.clause(.equal("tag", .text("a")) && .lessThan("n", .integer(5)))
                == #"{"$and":[{"tag":{"$eq":"a"}},{"n":{"$lt":5}}]}"#
        )
        #expect(try Self.clause(.or([])) == "none" && Self.clause(.and([])) == "all")
        #expect(try Self.clause(.or([.and([]), .equal("tag", .text("a"))])) == "all")
        // Exact negations: equal ↔ notEqual, containsAny ↔ containsNone, De Morgan.
        #expect(try Self.clause(!.equal("tag", .text("a"))) == #"{"tag":{"$ne":"a"}}"#)
        #expect(
            try Self.clause(!(.equal("tag", .text("a")) || .containsAny("n", [.integer(1)])))
                == #"{"$and":[{"tag":{"$ne":"a"}},{"n":{"$nin":[1]}}]}"#
        )
    }

    @Test(
        "what Chroma cannot express exactly is an unsupported error naming the operator",
        arguments: [
            Filter.like("tag", "a*"), .isNull("tag"), .isNull("tag", false), .lessThan("tag", .text("m")),
            .lessThan(.id, .uuid(UUID())), !.lessThan("n", .integer(3)), !.containsAll("tags", [.text("a")]),
            .equal("photo", .text("k")),
        ]
    )
    func unsupported(_ filter: Filter) throws {
        let error = #expect(throws: RetrievalError.self) { try Self.translator.translate(filter) }
        #expect(error?.code == .unsupported)
        let name: String =
            switch filter {
            case .condition(let c): c.operator.rawValue
            case .not(.condition(let c)): c.operator.rawValue
            default: ""
            }
        #expect(error?.message.contains(name) == true)
    }

    @Test("writes split under the record count and the body size, and one oversized record is refused")
    func batchSplitting() throws {
        let rows = (0..<10).map { i in
            ChromaRows.Row(
                id: Array("\"\(i)\"".utf8),
                embedding: Array(repeating: UInt8(ascii: "1"), count: 100),
                metadata: Array("{}".utf8),
                document: Array("null".utf8)
            )
        }
        let byCount = try ChromaRows.upsertBodies(rows, maxCount: 3, maxBytes: 1 << 20)
        #expect(byCount.count == 4)
        let bySize = try ChromaRows.upsertBodies(rows, maxCount: 100, maxBytes: 64 + 2 * rows[0].size)
        #expect(bySize.count == 5 && bySize.allSatisfy { $0.count <= 64 + 2 * rows[0].size })
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(bySize[0])) as? [String: [Any]])
        #expect(decoded["ids"]?.count == 2 && decoded["documents"]?.count == 2)
        #expect(throws: RetrievalError.self) { try ChromaRows.upsertBodies(rows, maxCount: 10, maxBytes: 100) }
    }

    @Test("Chroma distances become the project's: cosine clamped at 0, squared L2 as is, ip 1 − dot → −dot")
    func distances() {
        #expect(ChromaRows.distance(chroma: -4.7683716e-7, metric: .cosine) == 0)
        #expect(ChromaRows.distance(chroma: 0.4, metric: .cosine) == Float(0.4))
        #expect(ChromaRows.distance(chroma: 6.4, metric: .squaredL2) == Float(6.4))
        #expect(ChromaRows.distance(chroma: -2, metric: .innerProduct) == -3)
        #expect(Metric.innerProduct.distance(fromScore: 3) == ChromaRows.distance(chroma: -2, metric: .innerProduct))
    }

    @Test("objects round-trip through metadata exactly, with filterable fields beside the encoded object")
    func rows() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        let object = CollectionObject(
            id: UUID(),
            properties: [
                "n": .integer(3), "x": .double(2), "tags": .textArray([]), "when": .date(date), "ok": .bool(true),
            ],
            vectors: [:],
            createdAt: date,
            updatedAt: date
        )
        let metadata = try JSONSerialization.jsonObject(with: Data(ChromaRows.metadata(object).encoded()))
        #expect(try ChromaRows.object(fromMetadata: metadata) == object)
        let fields = try #require(metadata as? [String: Any])
        #expect(fields["tags"] == nil && (fields["n"] as? NSNumber)?.intValue == 3)
        #expect(ChromaRows.metadata(object).text.contains(#""x":2.0"#))
    }

    @Test("an unreachable server is a store error carrying the transport's error")
    func serverDown() async throws {
        var configuration = ChromaVectorStore.Configuration(
            baseURL: URL(string: "http://127.0.0.1:9")!,
            collection: "unreachable"
        )
        configuration.options = .init(timeout: .seconds(5), maxAttempts: 1)
        let error = await #expect(throws: RetrievalError.self) {
            _ = try await ChromaVectorStore.connect(configuration, layout: [])
        }
        #expect(error?.code == .store && error?.underlying != nil)
    }
}
