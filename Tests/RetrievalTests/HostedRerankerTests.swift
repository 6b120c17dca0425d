// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Retrieval
import Testing
import _RAGInternals
import _RAGNumerics
import _RAGTestSupport

/// ``HostedReranker`` against a fake `/rerank` endpoint on loopback sockets, and ``Reranker/rerank`` on top.
@Suite struct HostedRerankerTests {
    static let key = "rr_SECRET_0123456789abcdef"

    /// A server that scores each document by its length and answers best first, under `resultsKey`.
    static func server(resultsKey: String = "results") throws -> LoopbackHTTPServer {
        let server = LoopbackHTTPServer()
        server.route("POST", "/v1/rerank") { request in
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
            let documents = body["documents"] as? [String] ?? []
            let results = documents.enumerated()
                .map { ["index": $0.offset, "relevance_score": Double($0.element.count) / 100] as [String: Any] }
                .sorted { ($0["relevance_score"] as! Double) > ($1["relevance_score"] as! Double) }
            let data = (try? JSONSerialization.data(withJSONObject: [resultsKey: results, "id": "x"])) ?? Data()
            return .text(String(decoding: data, as: UTF8.self), contentType: "application/json")
        }
        try server.start()
        return server
    }

    func reranker(_ server: LoopbackHTTPServer, topCountField: String = "top_n", attempts: Int = 1) -> HostedReranker {
        HostedReranker(
            model: "rerank-test",
            baseURL: server.baseURL.appendingPathComponent("v1"),
            apiKey: Self.key,
            topCountField: topCountField,
            options: HostedEmbedderOptions(timeout: .seconds(5), maxAttempts: attempts),
            transport: URLSessionTransport()
        ).replacingRetryWaits { _ in }
    }

    @Test("sends query, documents and top_n with the key; maps index + relevance_score back to input order")
    func cohereShape() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let reranker = reranker(server)
        let documents = ["a", "abcd", "ab", "abcdefgh"]
        let scores = try await reranker.scores(query: "q", documents: documents)
        #expect(scores == [0.01, 0.04, 0.02, 0.08])
        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/rerank")
        #expect(request.header("Authorization") == "Bearer \(Self.key)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(Set(body.keys) == ["model", "query", "documents", "top_n"])
        #expect(body["model"] as? String == "rerank-test")
        #expect(body["query"] as? String == "q")
        #expect(body["documents"] as? [String] == documents)
        #expect(body["top_n"] as? Int == 4)
        #expect(!reranker.description.contains(Self.key))

        let ranked = try await reranker.rerank(query: "q", documents: documents, limit: 2)
        #expect(ranked == [.init(index: 3, score: 0.08), .init(index: 1, score: 0.04)])
        #expect(try await reranker.scores(query: "q", documents: []).isEmpty)
    }

    @Test("Voyage shape: top_k in the request, results under data")
    func voyageShape() async throws {
        let server = try Self.server(resultsKey: "data")
        defer { server.stop() }
        let scores = try await reranker(server, topCountField: "top_k").scores(query: "q", documents: ["xyz", "x"])
        #expect(scores == [0.03, 0.01])
        let body = try JSONSerialization.jsonObject(with: Data(server.requests[0].body)) as? [String: Any]
        #expect(body?["top_k"] as? Int == 2 && body?["top_n"] == nil)
    }

    @Test("HTTP errors, retries and malformed answers are rerankingFailed with the cause")
    func failures() async throws {
        let server = LoopbackHTTPServer()
        let calls = Locked(0)
        server.route("POST", "/v1/rerank") { request in
            let body = String(decoding: request.body, as: UTF8.self)
            if body.contains("unauthorized") { return .text(#"{"message": "bad key"}"#, status: 401) }
            if body.contains("flaky") {
                let n = calls.withLock { value -> Int in
                    value += 1
                    return value
                }
                return n == 1
                    ? .text("busy", status: 503) : .text(#"{"results": [{"index": 0, "relevance_score": 0.5}]}"#)
            }
            if body.contains("missing") { return .text(#"{"results": [{"index": 1, "relevance_score": 0.5}]}"#) }
            if body.contains("twice") {
                return .text(#"{"results": [{"index": 0, "relevance_score": 1}, {"index": 0, "relevance_score": 2}]}"#)
            }
            return .text(#"{"unexpected": true}"#)
        }
        try server.start()
        defer { server.stop() }

        let once = reranker(server)
        let unauthorized = await #expect(throws: RetrievalError.self) {
            try await once.scores(query: "unauthorized", documents: ["a"])
        }
        #expect(unauthorized?.code == .rerankingFailed)
        #expect((unauthorized?.underlying as? EmbeddingError)?.code == .unauthorized)
        #expect(!(unauthorized?.description.contains(Self.key) ?? true))

        #expect(try await reranker(server, attempts: 2).scores(query: "flaky", documents: ["a"]) == [0.5])
        #expect(calls.withLock { $0 } == 2)

        for query in ["missing", "twice", "shape"] {
            let error = await #expect(throws: RetrievalError.self) {
                try await once.scores(query: query, documents: ["a", "b"])
            }
            #expect(error?.code == .rerankingFailed && error?.underlying == nil, "\(query)")
        }
    }

    /// A reranker that returns whatever it is told to.
    struct Scripted: Reranker {
        let answer: [Double]
        func scores(query: String, documents: [String]) async throws -> [Double] { answer }
    }

    @Test("rerank orders by score, keeps input order on ties, and rejects a wrong count or a non-finite score")
    func protocolExtension() async throws {
        let ranked = try await Scripted(answer: [0.2, 0.9, 0.2, -1]).rerank(
            query: "q",
            documents: ["a", "b", "c", "d"]
        )
        #expect(ranked.map(\.index) == [1, 0, 2, 3])
        #expect(try await Scripted(answer: []).rerank(query: "q", documents: []).isEmpty)
        let count = await #expect(throws: RetrievalError.self) {
            try await Scripted(answer: [1]).rerank(query: "q", documents: ["a", "b"])
        }
        #expect(count?.code == .rerankingFailed)
        let nan = await #expect(throws: RetrievalError.self) {
            try await Scripted(answer: [1, .nan]).rerank(query: "q", documents: ["a", "b"])
        }
        #expect(nan?.code == .rerankingFailed)
    }
}
