// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import VectorIndex
import _RAGInternals

@testable import Retrieval

/// A Chroma server scripted in memory: answers the adapter's setup calls and fails writes as a test says.
final class ScriptedChroma: HTTPTransport, Sendable {
    /// What `/upsert` does on each call (then `{}` once the script runs out).
    enum Step: Sendable {
        case status(Int, String)
        case cut
    }
    let script: Locked<[Step]>
    let upserts = Locked<[[UInt8]]>([])

    init(_ script: [Step]) { self.script = Locked(script) }

    func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        let path = request.url.path
        func answer(_ status: Int, _ body: String) -> HTTPStreamingResponse {
            HTTPStreamingResponse(
                head: HTTPResponseHead(status: status, url: request.url),
                body: .just(Array(body.utf8))
            )
        }
        if path.hasSuffix("/collections") {
            return answer(200, #"{"id":"\#(UUID().uuidString)","configuration_json":{"hnsw":{"space":"l2"}}}"#)
        }
        if path.hasSuffix("/pre-flight-checks") { return answer(200, #"{"max_batch_size":5461}"#) }
        if path.hasSuffix("/get") { return answer(200, #"{"ids":[]}"#) }
        if path.hasSuffix("/upsert") {
            upserts.withLock { $0.append(request.body) }
            let step = script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            switch step {
            case .status(let status, let body)?: return answer(status, body)
            case .cut?: throw HTTPError(.connection, "\(request) lost its connection mid-response")
            case nil: return answer(200, "{}")
            }
        }
        return answer(200, "{}")
    }
}

@Suite struct ChromaFailureTests {
    static let layout = [
        VectorLayout(name: "v", dimension: 2, metric: .squaredL2, reportedMetric: .squaredL2, index: .flat)
    ]

    static func store(_ transport: ScriptedChroma, attempts: Int = 3) async throws -> ChromaVectorStore {
        var configuration = ChromaVectorStore.Configuration(
            baseURL: URL(string: "http://127.0.0.1:1")!,
            collection: "scripted"
        )
        configuration.options = HostedServiceOptions(
            timeout: .seconds(5),
            maxAttempts: attempts,
            baseDelay: .milliseconds(1)
        )
        return try await ChromaVectorStore.connect(configuration, layout: layout, transport: transport)
    }

    static let batch = VectorStoreBatch(puts: [
        CollectionObject(
            id: UUID(),
            properties: [:],
            vectors: ["v": [1, 2]],
            createdAt: Date(),
            updatedAt: Date()
        )
    ])

    @Test("a connection cut mid-response and a 503 are retried: the idempotent upsert goes through")
    func retried() async throws {
        let transport = ScriptedChroma([.cut, .status(503, #"{"error":"ChromaError","message":"busy"}"#)])
        let store = try await Self.store(transport)
        try await store.apply(Self.batch)
        // Vectors: cut, 503, success; records: success.
        #expect(transport.upserts.withLock { $0.count } == 4)
        #expect(transport.upserts.withLock { Set($0[0..<3]).count } == 1)
    }

    @Test(
        "error answers are store errors quoting the server: JSON bodies and 413's plain text",
        arguments: [
            (400, #"{"error":"InvalidArgumentError","message":"Collection expecting embedding with dimension of 3"}"#),
            (413, "Payload too large"),
            (500, #"{"error":"InternalError","message":"Error executing plan"}"#),
        ]
    )
    func statuses(_ status: Int, _ body: String) async throws {
        let transport = ScriptedChroma(Array(repeating: .status(status, body), count: 5))
        let store = try await Self.store(transport, attempts: 2)
        let error = await #expect(throws: RetrievalError.self) { try await store.apply(Self.batch) }
        #expect(error?.code == .store)
        #expect(error?.message.contains("HTTP \(status)") == true)
        // 5xx is retried (the upsert is idempotent); 4xx is not.
        #expect(transport.upserts.withLock { $0.count } == (status >= 500 ? 2 : 1))
    }
}
