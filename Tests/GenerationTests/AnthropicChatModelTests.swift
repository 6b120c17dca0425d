// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation
import Testing
import _RAGHTTP
import _RAGTestSupport

/// ``AnthropicChatModel`` against API-SHAPES §5.3: the request body and headers, typed events, errors.
@Suite struct AnthropicChatModelTests {
    static let key = "sk-ant-SECRET-0123456789"

    func model(_ transport: any HTTPTransport, baseURL: URL = AnthropicChatModel.anthropicBaseURL) -> AnthropicChatModel
    {
        AnthropicChatModel(
            model: "claude-sonnet-4-5",
            baseURL: baseURL,
            apiKey: Self.key,
            imagePolicy: ImagePolicy(),
            options: HostedServiceOptions(timeout: .seconds(5), maxAttempts: 2),
            transport: transport
        ).replacingRetryWaits { _ in }
    }

    @Test func streamedRequestMatchesTheDocumentedShape() async throws {
        let transport = ScriptedStreamTransport([.body(try fixture("anthropic-messages-stream.sse"))])
        let request = ChatRequest(
            system: "Answer using the retrieved context.",
            messages: [
                .user([
                    .image(ChatImage(data: jfifBytes, mediaType: "image/jpeg")),
                    .image(ChatImage(url: URL(string: "https://example.com/cat.png")!)),
                    .text("Describe these images."),
                ])
            ],
            options: ChatOptions(maxTokens: 1024)
        )
        _ = await events(model(transport).stream(request))
        let sent = try #require(transport.requests.first)
        #expect(sent.url.absoluteString == "https://api.anthropic.com/v1/messages")
        #expect(sent.headers["x-api-key"] == Self.key)
        #expect(sent.headers["anthropic-version"] == "2023-06-01")
        #expect(sent.headers["content-type"] == "application/json")
        #expect(sent.headers["Authorization"] == nil)
        let b64 = Data(jfifBytes).base64EncodedString()
        let expected = try json(
            """
            {"model":"claude-sonnet-4-5","max_tokens":1024,
             "system":"Answer using the retrieved context.",
             "messages":[{"role":"user","content":[
               {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"\(b64)"}},
               {"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}},
               {"type":"text","text":"Describe these images."}]}],
             "stream":true}
            """
        )
        #expect(try body(sent) == expected)
    }

    @Test func maxTokensDefaultsAndOptionsMap() throws {
        let client = model(ScriptedStreamTransport([]))
        let plain = try client.body(ChatRequest(prompt: "hi"), stream: false)
        #expect(
            plain
                == (try json(
                    #"{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}"#
                ))
        )
        let options = ChatOptions(
            model: "claude-haiku-4-5",
            temperature: 0.5,
            topP: 0.8,
            stopSequences: ["\n\n"],
            seed: 3
        )
        let mapped = try client.body(ChatRequest(prompt: "hi", options: options), stream: false)
        #expect(mapped["model"] == "claude-haiku-4-5")
        #expect(mapped["temperature"] == .double(0.5) && mapped["top_p"] == .double(0.8))
        #expect(mapped["stop_sequences"] == ["\n\n"])
        #expect(mapped["seed"].isNull)  // the API has no seed
        #expect(throws: GenerationError.self) {
            try client.body(ChatRequest(prompt: "hi", options: ChatOptions(temperature: 1.5)), stream: false)
        }
    }

    @Test(arguments: [Int.max, 1, 5])
    func typedEventsBecomeTextUsageAndFinish(chunkSize: Int) async throws {
        let transport = ScriptedStreamTransport([
            .body(try fixture("anthropic-messages-stream.sse"), chunkSize: chunkSize)
        ])
        let (received, error) = await events(model(transport).stream(ChatRequest(prompt: "Describe")))
        #expect(error == nil)
        #expect(
            received == [
                .metadata(ResponseMetadata(requestID: "msg_1", model: "claude-sonnet-4-5")),
                .text("A cat"), .text(" on a mat."), .usage(TokenUsage(inputTokens: 25, outputTokens: 12)),
                .finish(.stop),
            ]
        )
        if case .finish(let reason) = received.last { #expect(reason.providerValue == "end_turn") }
    }

    @Test func completeJoinsTextBlocks() async throws {
        let server = LoopbackHTTPServer()
        let answer = try fixture("anthropic-message.json")
        server.route("POST", "/v1/messages") { _ in
            LoopbackHTTPResponse(
                headers: [("Content-Type", "application/json"), ("request-id", "req_018")],
                body: answer
            )
        }
        try server.start()
        defer { server.stop() }
        let response = try await model(URLSessionTransport(), baseURL: server.baseURL.appendingPathComponent("v1"))
            .complete(ChatRequest(prompt: "Hello"))
        #expect(response.text == "Hello! How can I help?")
        #expect(response.finishReason == .stop)
        #expect(response.usage == TokenUsage(inputTokens: 12, outputTokens: 6))
        #expect(response.requestID == "req_018")
        #expect(server.requests.first?.header("x-api-key") == Self.key)
    }

    @Test func midStreamErrorEventCarriesTypeAndMessage() async throws {
        let stream = Array(
            """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hal"}}

            event: error
            data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}


            """.utf8
        )
        let transport = ScriptedStreamTransport([.body(stream, chunkSize: 3)])
        let (received, error) = await events(model(transport).stream(ChatRequest(prompt: "hi")))
        let metadata = ResponseMetadata(requestID: "msg_1", model: "claude-sonnet-4-5")
        #expect(received == [.metadata(metadata), .text("Hal")])
        #expect(error?.code == .providerError)
        #expect(error?.providerErrorType == "overloaded_error")
        #expect(error?.providerMessage == "Overloaded")
        #expect(transport.requests.count == 1)
    }

    @Test func aStreamWithoutMessageStopIsInvalid() async throws {
        let full = try fixture("anthropic-messages-stream.sse")
        let cut = Array(String(decoding: full, as: UTF8.self).components(separatedBy: "event: message_stop")[0].utf8)
        let (_, error) = await events(model(ScriptedStreamTransport([.body(cut)])).stream(ChatRequest(prompt: "hi")))
        #expect(error?.code == .invalidResponse)
    }

    @Test func errorStatusBeforeTheStream() async throws {
        let body = Array(
            #"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: field required"}}"#.utf8
        )
        let (_, error) = await events(
            model(ScriptedStreamTransport([.body(body, status: 400)])).stream(ChatRequest(prompt: "hi"))
        )
        #expect(error?.code == .providerError)
        #expect(error?.httpStatus == 400)
        #expect(error?.providerErrorType == "invalid_request_error")
        #expect(error?.providerMessage == "max_tokens: field required")
    }
}
