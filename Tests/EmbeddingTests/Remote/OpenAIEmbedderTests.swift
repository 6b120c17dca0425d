// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Testing
import _RAGHTTP
import _RAGTestSupport

/// ``OpenAIEmbedder`` against fake `/v1/embeddings` endpoints on loopback sockets.
@Suite struct OpenAIEmbedderTests {
    static let key = "sk-test-SECRET-0123456789abcdef"

    func embedder(
        _ fake: FakeEmbeddingServer,
        apiKey: String? = key,
        normalization: EmbeddingSpace.Normalization = .none,
        encodingFormat: OpenAIEmbedder.EncodingFormat = .base64,
        sendsDimensions: Bool = false,
        options: HostedEmbedderOptions = HostedEmbedderOptions(timeout: .seconds(5), maxAttempts: 3),
        slept: DelayRecorder? = nil
    ) -> OpenAIEmbedder {
        OpenAIEmbedder(
            model: "fake-embed",
            dimension: fake.dimension,
            baseURL: fake.baseURL,
            apiKey: apiKey,
            sendsDimensions: sendsDimensions,
            normalization: normalization,
            encodingFormat: encodingFormat,
            options: options,
            transport: URLSessionTransport()
        ).replacingRetryWaits { slept?.record($0) }
    }

    func started(_ fake: FakeEmbeddingServer) throws -> FakeEmbeddingServer {
        try fake.start()
        return fake
    }

    func expected(_ texts: [String], dimension: Int = 4) -> [[Float]] {
        texts.map { FakeEmbeddingServer.vector(for: $0, dimension: dimension) }
    }

    @Test(arguments: [OpenAIEmbedder.EncodingFormat.base64, .float], [false, true])
    func embedsInOrderInEitherFormat(format: OpenAIEmbedder.EncodingFormat, serverIgnoresBase64: Bool) async throws {
        let fake = try started(FakeEmbeddingServer(ignoresBase64: serverIgnoresBase64))
        defer { fake.stop() }
        let texts = ["a", "bb", "ccc"]
        let matrix = try await embedder(fake, encodingFormat: format).embed(texts.map { .text($0) })
        #expect(matrix.rows == expected(texts))
        let body = try #require(fake.bodies.first)
        #expect(body["model"] as? String == "fake-embed")
        #expect(body["input"] as? [String] == texts)
        #expect(body["encoding_format"] as? String == format.rawValue)
        #expect(body["dimensions"] == nil)
        #expect(fake.server.requests.first?.header("Content-Type") == "application/json")
    }

    @Test func anEmptyTextIsRefusedByIndexBeforeAnythingIsSent() async throws {
        let fake = try started(FakeEmbeddingServer())
        defer { fake.stop() }
        do {
            _ = try await embedder(fake).embed([.text("a"), .text(""), .text("c")])
            Issue.record("an empty input was sent")
        } catch {
            #expect(error.code == .invalidInput && error.message.hasPrefix("input 1 is an empty text"), "\(error)")
        }
        #expect(fake.bodies.isEmpty)
    }

    @Test func theUserFieldIsSentOnlyWhenSet() async throws {
        let fake = try started(FakeEmbeddingServer())
        defer { fake.stop() }
        var openAI = embedder(fake)
        _ = try await openAI.embed([.text("a")])
        openAI.user = "user-42"
        _ = try await openAI.embed([.text("b")])
        #expect(fake.bodies.count == 2)
        #expect(fake.bodies.first?["user"] == nil && fake.bodies.last?["user"] as? String == "user-42")
    }

    @Test func batchesAcrossSeveralRequestsAndRestoresOrder() async throws {
        let fake = try started(FakeEmbeddingServer())
        defer { fake.stop() }
        let texts = (0..<7).map { String(repeating: "x", count: $0 + 1) }
        let options = HostedEmbedderOptions(timeout: .seconds(5), maxInputsPerRequest: 3)
        let matrix = try await embedder(fake, options: options).embed(texts.map { .text($0) })
        #expect(matrix.rows == expected(texts))
        #expect(fake.bodies.map { ($0["input"] as? [String])?.count } == [3, 3, 1])
    }

    @Test func characterBudgetSplitsRequests() async throws {
        let fake = try started(FakeEmbeddingServer())
        defer { fake.stop() }
        let texts = ["aaaa", "bbbb", "cccc", "dddddddddd", "e"]
        let options = HostedEmbedderOptions(timeout: .seconds(5), maxCharactersPerRequest: 8)
        let matrix = try await embedder(fake, options: options).embed(texts.map { .text($0) })
        #expect(matrix.rows == expected(texts))
        #expect(
            fake.bodies.map { $0["input"] as? [String] ?? [] } == [["aaaa", "bbbb"], ["cccc"], ["dddddddddd"], ["e"]]
        )
    }

    @Test func sendsDimensionsAndNormalizes() async throws {
        let fake = try started(FakeEmbeddingServer(dimension: 3))
        defer { fake.stop() }
        let row = try await embedder(fake, normalization: .l2, sendsDimensions: true).embed(.text("abcd"))
        #expect(fake.bodies.first?["dimensions"] as? Int == 3)
        let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
        #expect(abs(row[0] / row[2] - 4 / 5) < 1e-5)
    }

    @Test func emptyBatchSendsNothing() async throws {
        let fake = try started(FakeEmbeddingServer())
        defer { fake.stop() }
        let matrix = try await embedder(fake).embed([])
        #expect(matrix.count == 0)
        #expect(fake.server.requests.isEmpty)
    }

    @Test func imagesAreUnsupported() async throws {
        let fake = try started(FakeEmbeddingServer())
        defer { fake.stop() }
        let image = Image(width: 1, height: 1, format: .rgb, samples: .uint8([0, 0, 0]))
        let error = await #expect(throws: EmbeddingError.self) {
            try await embedder(fake).embed([.text("a"), .image(image)])
        }
        #expect(error?.code == .unsupportedModality)
        #expect(fake.server.requests.isEmpty)
    }

    @Test func sendsTheKeyAsBearerOnlyWhenGiven() async throws {
        let fake = try started(FakeEmbeddingServer())
        defer { fake.stop() }
        _ = try await embedder(fake).embed(.text("a"))
        _ = try await embedder(fake, apiKey: nil).embed(.text("a"))
        #expect(fake.server.requests.map { $0.header("Authorization") } == ["Bearer \(Self.key)", nil])
    }

    @Test func retriesAfter429HonouringRetryAfter() async throws {
        let limited = LoopbackHTTPResponse(
            status: 429,
            headers: [("Retry-After", "1"), ("Content-Type", "application/json")],
            body: Array(#"{"error": {"message": "Rate limit reached", "type": "requests"}}"#.utf8)
        )
        let fake = try started(FakeEmbeddingServer(script: [limited]))
        defer { fake.stop() }
        let slept = DelayRecorder()
        let matrix = try await embedder(fake, slept: slept).embed([.text("ab")])
        #expect(matrix.rows == expected(["ab"]))
        #expect(fake.server.requests.count == 2)
        #expect(slept.delays == [.seconds(1)])
    }

    @Test func retriesAfter429WithARealWait() async throws {
        let limited = LoopbackHTTPResponse(status: 429, headers: [("Retry-After", "1")])
        let fake = try started(FakeEmbeddingServer(script: [limited]))
        defer { fake.stop() }
        let options = HostedEmbedderOptions(timeout: .seconds(5), maxAttempts: 2)
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await OpenAIEmbedder(model: "m", dimension: 4, baseURL: fake.baseURL, options: options).embed(
            .text("a")
        )
        #expect(clock.now - start >= .milliseconds(950))
        #expect(fake.server.requests.count == 2)
    }

    @Test func repeated500IsAProviderErrorWithTheMessage() async throws {
        let failure = LoopbackHTTPResponse.text(
            #"{"error": {"message": "The server had an error while processing your request", "type": "server_error"}}"#,
            status: 500,
            contentType: "application/json"
        )
        let fake = try started(FakeEmbeddingServer(script: [failure, failure, failure, failure]))
        defer { fake.stop() }
        let slept = DelayRecorder()
        let error = await #expect(throws: EmbeddingError.self) {
            try await embedder(fake, slept: slept).embed(.text("a"))
        }
        #expect(error?.code == .providerError)
        #expect(error?.description.contains("The server had an error while processing your request") == true)
        #expect(error?.description.contains("server_error") == true)
        #expect(error?.description.contains("HTTP 500") == true)
        #expect(fake.server.requests.count == 3)
        #expect(slept.delays.count == 2)
    }

    @Test func exhausted429IsRateLimited() async throws {
        let limited = LoopbackHTTPResponse.text(#"{"error": "slow down"}"#, status: 429)
        let fake = try started(FakeEmbeddingServer(script: [limited, limited, limited]))
        defer { fake.stop() }
        let error = await #expect(throws: EmbeddingError.self) {
            try await embedder(fake, slept: DelayRecorder()).embed(.text("a"))
        }
        #expect(error?.code == .rateLimited)
        #expect(error?.description.contains("slow down") == true)
    }

    @Test(arguments: [
        #"{"data": [{"index": 0, "embedding": [1, 2, 3"#,
        #"{"object": "list"}"#,
        #"{"data": []}"#,
        #"{"data": [{"index": 0, "embedding": [1, 2, 3]}]}"#,
        #"{"data": [{"index": 5, "embedding": [1, 2, 3, 4]}]}"#,
        #"{"data": [{"index": 0, "embedding": "not base64!"}]}"#,
        "<html>oops</html>",
    ])
    func malformedAnswersAreInvalidResponse(body: String) async throws {
        let fake = try started(FakeEmbeddingServer(script: [.text(body, contentType: "application/json")]))
        defer { fake.stop() }
        let error = await #expect(throws: EmbeddingError.self) { try await embedder(fake).embed(.text("a")) }
        #expect(error?.code == .invalidResponse)
        #expect(fake.server.requests.count == 1)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let fake = try started(FakeEmbeddingServer(script: [.hang]))
        defer { fake.stop() }
        let options = HostedEmbedderOptions(timeout: .milliseconds(500), maxAttempts: 1)
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: EmbeddingError.self) {
            try await embedder(fake, options: options).embed(.text("a"))
        }
        #expect(error?.code == .timeout)
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(450))
        // Alone this takes about 0.5 s; the bound is loose because a parallel run of CPU-bound model tests can
        // keep the executor busy for seconds before the failed task resumes.
        #expect(elapsed < .seconds(600))  // loose: parallel CPU-bound suites can starve the cooperative pool
    }

    @Test func anUnreachableServerIsANetworkError() async throws {
        let fake = try started(FakeEmbeddingServer())
        fake.stop()  // the port is now closed
        let slept = DelayRecorder()
        let error = await #expect(throws: EmbeddingError.self) {
            try await embedder(fake, slept: slept).embed(.text("a"))
        }
        #expect(error?.code == .network)
        #expect(slept.delays.count == 2)
        #expect(error?.description.contains(Self.key) == false)
    }

    @Test func theKeyNeverAppearsInErrorsOrDescriptions() async throws {
        let echo = LoopbackHTTPResponse.text(
            #"{"error": {"message": "Incorrect API key provided: \#(Self.key)", "type": "invalid_request_error"}}"#,
            status: 401
        )
        let fake = try started(FakeEmbeddingServer(script: [echo, .hang]))
        defer { fake.stop() }
        let client = embedder(fake)
        let unauthorized = await #expect(throws: EmbeddingError.self) { try await client.embed(.text("a")) }
        #expect(unauthorized?.code == .unauthorized)
        #expect(unauthorized?.description.contains("Incorrect API key provided: <redacted>") == true)
        let slow = embedder(fake, options: HostedEmbedderOptions(timeout: .milliseconds(300), maxAttempts: 1))
        let timeout = await #expect(throws: EmbeddingError.self) { try await slow.embed(.text("a")) }
        #expect(timeout?.code == .timeout)
        let texts = [
            unauthorized.map { String(describing: $0) }, unauthorized.map { String(reflecting: $0) },
            timeout.map { String(describing: $0) }, timeout.map { String(reflecting: $0) },
            String(describing: client), String(reflecting: client), String(describing: client.options),
        ]
        var dumped = ""
        dump(client, to: &dumped)
        for text in texts.compactMap({ $0 }) + [dumped] { #expect(!text.contains(Self.key)) }
        #expect(fake.server.requests.first?.header("Authorization") == "Bearer \(Self.key)")
    }
}
