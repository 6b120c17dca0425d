// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation
import Testing
import _RAGHTTP
import _RAGTestSupport

/// ``OpenAIChatModel`` against API-SHAPES §5.1: the request body and headers, whole and streamed answers, errors.
@Suite struct OpenAIChatModelTests {
    static let key = "sk-test-SECRET-0123456789abcdef"
    static let base = URL(string: "https://api.openai.com/v1")!

    func model(
        _ transport: any HTTPTransport,
        model: String = "gpt-4o",
        baseURL: URL = base,
        options: HostedServiceOptions = HostedServiceOptions(timeout: .seconds(5), maxAttempts: 3),
        slept: DelayLog? = nil
    ) -> OpenAIChatModel {
        OpenAIChatModel(
            model: model,
            baseURL: baseURL,
            apiKey: Self.key,
            imagePolicy: ImagePolicy(),
            options: options,
            transport: transport
        ).replacingRetryWaits { slept?.record($0) }
    }

    /// The request of API-SHAPES §5.1: a system prompt, a text part, a data-URL image and a URL image.
    static let documentedRequest = ChatRequest(
        system: "Answer using the retrieved context.",
        messages: [
            .user([
                .text("What is in this image?"),
                .image(ChatImage(data: jfifBytes, mediaType: "image/jpeg", detail: .auto)),
                .image(ChatImage(url: URL(string: "https://example.com/cat.png")!, detail: .low)),
            ])
        ],
        options: ChatOptions(maxTokens: 300)
    )

    @Test func streamedRequestMatchesTheDocumentedShape() async throws {
        let transport = ScriptedStreamTransport([.body(try fixture("openai-chat-stream.sse"))])
        _ = await events(model(transport).stream(Self.documentedRequest))
        let request = try #require(transport.requests.first)
        #expect(request.method == .post)
        #expect(request.url.absoluteString == "https://api.openai.com/v1/chat/completions")
        #expect(request.headers["Authorization"] == "Bearer \(Self.key)")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Accept"] == "text/event-stream")
        let b64 = Data(jfifBytes).base64EncodedString()
        let expected = try json(
            """
            {"model":"gpt-4o",
             "messages":[
              {"role":"system","content":"Answer using the retrieved context."},
              {"role":"user","content":[
                {"type":"text","text":"What is in this image?"},
                {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,\(b64)","detail":"auto"}},
                {"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"low"}}]}],
             "max_tokens":300, "stream":true, "stream_options":{"include_usage":true}}
            """
        )
        #expect(try body(request) == expected)
    }

    @Test func optionsMapToTheirFields() throws {
        let options = ChatOptions(
            temperature: 0.2,
            topP: 0.9,
            maxTokens: 50,
            stopSequences: ["END"],
            seed: 7,
            responseFormat: .jsonObject
        )
        let request = ChatRequest(prompt: "hi", options: options)
        let transport = ScriptedStreamTransport([])
        let sent = try model(transport).body(request, stream: false)
        let expected = try json(
            """
            {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stream":false,"temperature":0.2,
             "top_p":0.9,"max_tokens":50,"stop":["END"],"seed":7,"response_format":{"type":"json_object"}}
            """
        )
        #expect(sent == expected)
        // Reasoning models on OpenAI's own API take max_completion_tokens; other servers keep max_tokens.
        let o3 = try model(transport, model: "o3-mini").body(request, stream: false)
        #expect(o3["max_completion_tokens"] == .int(50) && o3["max_tokens"].isNull)
        let local = try model(transport, model: "o3-mini", baseURL: URL(string: "http://localhost:8000/v1")!)
            .body(request, stream: false)
        #expect(local["max_tokens"] == .int(50))
    }

    @Test func completeParsesTheWholeAnswer() async throws {
        let server = LoopbackHTTPServer()
        let answer = try fixture("openai-chat-completion.json")
        server.route("POST", "/v1/chat/completions") { _ in
            LoopbackHTTPResponse(
                headers: [("Content-Type", "application/json"), ("x-request-id", "req_123")],
                body: answer
            )
        }
        try server.start()
        defer { server.stop() }
        let client = model(URLSessionTransport(), baseURL: server.baseURL.appendingPathComponent("v1"))
        let response = try await client.complete(ChatRequest(prompt: "Describe the image"))
        #expect(response.text == "The image shows a wooden boardwalk through a meadow.")
        #expect(response.finishReason == .stop)
        #expect(response.finishReason.providerValue == "stop")
        #expect(response.usage == TokenUsage(inputTokens: 1117, outputTokens: 46, totalTokens: 1163))
        #expect(response.requestID == "req_123")
        #expect(response.model == "gpt-4o-2024-08-06")
        let sent = try json(try #require(server.requests.first).body)
        #expect(sent["stream"] == false && sent["stream_options"].isNull)
    }

    @Test func streamedRequestIDPrefersTheHeaderAndCollectKeepsIt() async throws {
        var answer = ScriptedStreamTransport.Answer.body(try fixture("openai-chat-stream.sse"), chunkSize: 3)
        answer.headers = ["x-request-id": "req_stream_9"]
        let client = model(ScriptedStreamTransport([answer]))
        let response = try await client.collect(client.stream(ChatRequest(prompt: "Describe")))
        #expect(response.requestID == "req_stream_9")
        #expect(response.model == "gpt-4o")
        #expect(response.text == "A cat on a mat [1].")
    }

    @Test(arguments: [Int.max, 1, 7])
    func streamYieldsTextThenUsageThenFinish(chunkSize: Int) async throws {
        let transport = ScriptedStreamTransport([.body(try fixture("openai-chat-stream.sse"), chunkSize: chunkSize)])
        let (received, error) = await events(model(transport).stream(ChatRequest(prompt: "Describe")))
        #expect(error == nil)
        #expect(
            received == [
                .metadata(ResponseMetadata(requestID: "chatcmpl-1", model: "gpt-4o")),
                .text("A cat"), .text(" on a mat [1]."),
                .usage(TokenUsage(inputTokens: 812, outputTokens: 9, totalTokens: 821)), .finish(.stop),
            ]
        )
    }

    @Test func streamOverLoopbackSockets() async throws {
        let server = LoopbackHTTPServer()
        let stream = try fixture("openai-chat-stream.sse")
        server.route("POST", "/v1/chat/completions") { _ in
            LoopbackHTTPResponse(headers: [("Content-Type", "text/event-stream")], body: stream)
        }
        try server.start()
        defer { server.stop() }
        let client = model(URLSessionTransport(), baseURL: server.baseURL.appendingPathComponent("v1"))
        let response = try await client.collect(client.stream(ChatRequest(prompt: "Describe")))
        #expect(response.text == "A cat on a mat [1].")
        #expect(response.usage?.totalTokens == 821)
        #expect(server.requests.first?.header("Accept") == "text/event-stream")
    }

    @Test func errorStatusCarriesTheProvidersMessageWithoutTheKey() async throws {
        let body = Array(
            #"{"error":{"message":"Incorrect API key provided: \#(Self.key)","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#
                .utf8
        )
        let transport = ScriptedStreamTransport([.body(body, status: 401)])
        let error = await #expect(throws: GenerationError.self) {
            try await model(transport).complete(ChatRequest(prompt: "hi"))
        }
        #expect(error?.code == .unauthorized)
        #expect(error?.httpStatus == 401)
        #expect(error?.providerMessage == "Incorrect API key provided: <redacted>")
        #expect(error?.providerErrorType == "invalid_request_error")
        #expect(error?.description.contains(Self.key) == false)
        #expect(transport.requests.count == 1)  // 401 is not retried
    }

    @Test func retriesA429AfterRetryAfterAndA500() async throws {
        let ok = try fixture("openai-chat-completion.json")
        let limited = ScriptedStreamTransport.Answer(
            status: 429,
            headers: ["Retry-After": "2"],
            chunks: [Array(#"{"error":{"message":"Rate limit reached","type":"requests"}}"#.utf8)]
        )
        let transport = ScriptedStreamTransport([limited, .body([], status: 500), .body(ok)])
        let slept = DelayLog()
        let response = try await model(transport, slept: slept).complete(ChatRequest(prompt: "hi"))
        #expect(response.finishReason == .stop)
        #expect(transport.requests.count == 3)
        #expect(slept.values.first == .seconds(2))
        #expect(slept.values.count == 2)
    }

    @Test func rateLimitAfterEveryAttemptIsRateLimited() async throws {
        let limited = ScriptedStreamTransport.Answer(
            status: 429,
            chunks: [Array(#"{"error":{"message":"Rate limit reached","type":"requests"}}"#.utf8)]
        )
        let transport = ScriptedStreamTransport([limited, limited, limited])
        let error = await #expect(throws: GenerationError.self) {
            try await model(transport).complete(ChatRequest(prompt: "hi"))
        }
        #expect(error?.code == .rateLimited)
        #expect(error?.providerMessage == "Rate limit reached")
        #expect(error?.description.contains("after 3 attempts") == true)
        #expect(transport.requests.count == 3)
    }

    @Test func streamErrorsBeforeAndDuringTheStream() async throws {
        // An error status before the stream: surfaced as the stream's error, retried like any request.
        let before = ScriptedStreamTransport([
            .body(Array(#"{"error":{"message":"bad model","type":"invalid_request_error"}}"#.utf8), status: 404)
        ])
        let (none, statusError) = await events(model(before).stream(ChatRequest(prompt: "hi")))
        #expect(none.isEmpty)
        #expect(statusError?.code == .providerError)
        #expect(statusError?.httpStatus == 404)
        #expect(statusError?.providerMessage == "bad model")

        // An in-band error object after some text: the text arrives, then the error; no retry after the first byte.
        let inBand = Array(
            """
            data: {"id":"c9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Par"},"finish_reason":null}]}

            data: {"error":{"message":"The server had an error","type":"server_error"}}


            """.utf8
        )
        let during = ScriptedStreamTransport([.body(inBand)])
        let (partial, streamError) = await events(model(during).stream(ChatRequest(prompt: "hi")))
        #expect(partial == [.metadata(ResponseMetadata(requestID: "c9", model: "gpt-4o")), .text("Par")])
        #expect(streamError?.code == .providerError)
        #expect(streamError?.providerErrorType == "server_error")
        #expect(during.requests.count == 1)
    }

    @Test func malformedAnswersAreInvalidResponses() async throws {
        let transport = ScriptedStreamTransport([
            .body(Array("{not json".utf8)), .malformed(Array(#"{"choices":[]}"#.utf8)),
            .body(Array("data: {oops\n\n".utf8)),
        ])
        let client = model(transport)
        await #expect(throws: GenerationError.self) { try await client.complete(ChatRequest(prompt: "a")) }
        let empty = await #expect(throws: GenerationError.self) { try await client.complete(ChatRequest(prompt: "b")) }
        #expect(empty?.code == .invalidResponse)
        let (_, streamError) = await events(client.stream(ChatRequest(prompt: "c")))
        #expect(streamError?.code == .invalidResponse)
    }

    @Test func aStreamCutMidwayIsANetworkError() async throws {
        let server = LoopbackHTTPServer()
        let stream = try fixture("openai-chat-stream.sse")
        server.route("POST", "/v1/chat/completions") { _ in
            LoopbackHTTPResponse(
                headers: [("Content-Type", "text/event-stream")],
                body: stream,
                closeAfterBodyBytes: 300
            )
        }
        try server.start()
        defer { server.stop() }
        let client = model(URLSessionTransport(), baseURL: server.baseURL.appendingPathComponent("v1"))
        let (received, error) = await events(client.stream(ChatRequest(prompt: "Describe")))
        #expect(received.allSatisfy { if case .text = $0 { true } else { false } })
        #expect(error?.code == .network)
        #expect(server.requests.count == 1)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let server = LoopbackHTTPServer()
        server.route("POST", "/v1/chat/completions") { _ in .hang }
        try server.start()
        defer { server.stop() }
        let options = HostedServiceOptions(timeout: .milliseconds(300), maxAttempts: 1)
        let client = model(
            URLSessionTransport(),
            baseURL: server.baseURL.appendingPathComponent("v1"),
            options: options
        )
        let error = await #expect(throws: GenerationError.self) {
            try await client.complete(ChatRequest(prompt: "hi"))
        }
        #expect(error?.code == .timeout)
    }

    @Test func invalidOptionsAreRejectedBeforeSending() async throws {
        let transport = ScriptedStreamTransport([])
        let client = model(transport)
        for options in [ChatOptions(temperature: 3), ChatOptions(topP: -1), ChatOptions(maxTokens: 0)] {
            let error = await #expect(throws: GenerationError.self) {
                try await client.complete(ChatRequest(prompt: "hi", options: options))
            }
            #expect(error?.code == .invalidRequest)
        }
        let (_, error) = await events(client.stream(ChatRequest(messages: [])))
        #expect(error?.code == .invalidRequest)
        #expect(transport.requests.isEmpty)
    }

    @Test func descriptionHidesTheKey() {
        let client = model(ScriptedStreamTransport([]))
        #expect(!client.description.contains(Self.key))
        #expect(!String(reflecting: client).contains(Self.key))
    }
}
