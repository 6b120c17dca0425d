// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation
import Testing
import _RAGHTTP
import _RAGInternals
import _RAGTestSupport

/// Stopping or cancelling the consumer of a stream ends the HTTP request.
@Suite struct StreamCancellationTests {
    static let firstChunk = Array(
        (#"data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","#
            + #""choices":[{"index":0,"delta":{"content":"Once"},"finish_reason":null}]}"# + "\n\n").utf8
    )

    func model(_ transport: any HTTPTransport, baseURL: URL = OpenAIChatModel.openAIBaseURL) -> OpenAIChatModel {
        OpenAIChatModel(
            model: "gpt-4o",
            baseURL: baseURL,
            apiKey: "k",
            options: HostedServiceOptions(timeout: .seconds(30), maxAttempts: 1),
            transport: transport
        )
    }

    /// Waits until `condition` holds, up to about two seconds.
    func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<200 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func cancellingTheConsumingTaskTerminatesTheBody() async throws {
        let transport = ScriptedStreamTransport([.init(chunks: [Self.firstChunk], hangs: true)])
        let stream = model(transport).stream(ChatRequest(prompt: "Tell a long story"))
        let firstText = Locked<String?>(nil)
        let consumer = Task {
            for try await event in stream {
                if case .text(let text) = event { firstText.withLock { $0 = text } }
            }
        }
        #expect(await eventually { firstText.withLock { $0 } == "Once" })
        consumer.cancel()
        _ = await consumer.result
        #expect(await eventually { transport.terminations == 1 })
    }

    @Test func leavingTheLoopEarlyTerminatesTheBody() async throws {
        let transport = ScriptedStreamTransport([.init(chunks: [Self.firstChunk], hangs: true)])
        for try await event in model(transport).stream(ChatRequest(prompt: "Tell a long story")) {
            if case .metadata = event { continue }
            #expect(event == .text("Once"))
            break
        }
        #expect(await eventually { transport.terminations == 1 })
    }

    @Test func cancellingClosesTheSocket() async throws {
        let server = LoopbackHTTPServer()
        let first = Self.firstChunk
        server.route("POST", "/v1/chat/completions") { _ in
            LoopbackHTTPResponse(
                headers: [("Content-Type", "text/event-stream")],
                body: first + Array(repeating: UInt8(ascii: "\n"), count: 10),
                stallAfterBodyBytes: first.count
            )
        }
        try server.start()
        defer { server.stop() }
        let stream = model(URLSessionTransport(), baseURL: server.baseURL.appendingPathComponent("v1"))
            .stream(ChatRequest(prompt: "Tell a long story"))
        let started = Locked(false)
        let consumer = Task {
            for try await _ in stream { started.withLock { $0 = true } }
        }
        #expect(await eventually { started.withLock { $0 } })
        // Normally the one connection is still open here; on a heavily loaded machine the transport may already
        // have given up on it, so the count is only bounded, and the check that matters is the one after cancel.
        #expect(server.openConnections <= 1)
        consumer.cancel()
        _ = await consumer.result
        #expect(await eventually { server.openConnections == 0 })
    }

    @Test func collectingInACancelledTaskThrowsCancelled() async throws {
        let transport = ScriptedStreamTransport([.init(chunks: [Self.firstChunk], hangs: true)])
        let client = model(transport)
        let consumer = Task { try await client.collect(client.stream(ChatRequest(prompt: "Tell a long story"))) }
        try await Task.sleep(for: .milliseconds(50))
        consumer.cancel()
        let result = await consumer.result
        #expect(throws: GenerationError.self) { try result.get() }
        if case .failure(let error as GenerationError) = result { #expect(error.code == .cancelled) }
    }
}
