// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation
import Testing
import _RAGHTTP
import _RAGTestSupport

/// ``GeminiChatModel`` against API-SHAPES §5.4: the request body, paths and header, SSE chunks, errors.
@Suite struct GeminiChatModelTests {
    static let key = "AIza-SECRET-0123456789"

    func model(_ transport: any HTTPTransport, baseURL: URL = GeminiChatModel.geminiBaseURL) -> GeminiChatModel {
        GeminiChatModel(
            model: "gemini-2.5-flash",
            baseURL: baseURL,
            apiKey: Self.key,
            imagePolicy: ImagePolicy(),
            options: HostedServiceOptions(timeout: .seconds(5), maxAttempts: 2),
            transport: transport
        ).replacingRetryWaits { _ in }
    }

    static let documentedRequest = ChatRequest(
        system: "Answer using the retrieved context.",
        messages: [.user([.image(ChatImage(data: jfifBytes, mediaType: "image/jpeg")), .text("Caption this image.")])],
        options: ChatOptions(temperature: 0.2, maxTokens: 512)
    )

    static func expectedBody() throws -> JSONValue {
        let b64 = Data(jfifBytes).base64EncodedString()
        return try json(
            """
            {"systemInstruction":{"parts":[{"text":"Answer using the retrieved context."}]},
             "contents":[{"role":"user","parts":[
               {"inline_data":{"mime_type":"image/jpeg","data":"\(b64)"}},
               {"text":"Caption this image."}]}],
             "generationConfig":{"maxOutputTokens":512,"temperature":0.2}}
            """
        )
    }

    @Test func completeSendsTheDocumentedShapeAndParsesTheAnswer() async throws {
        let transport = ScriptedStreamTransport([.body(try fixture("gemini-generate-content.json"))])
        let response = try await model(transport).complete(Self.documentedRequest)
        let sent = try #require(transport.requests.first)
        #expect(
            sent.url.absoluteString
                == "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"
        )
        #expect(sent.headers["x-goog-api-key"] == Self.key)
        #expect(sent.headers["Authorization"] == nil)
        #expect(try body(sent) == Self.expectedBody())
        #expect(response.text == "A tabby cat asleep on a mat.")
        #expect(response.finishReason == .length)
        #expect(response.finishReason.providerValue == "MAX_TOKENS")
        #expect(response.usage == TokenUsage(inputTokens: 270, outputTokens: 8, totalTokens: 278))
        #expect(response.requestID == "mAitaLmkHPPlz7IPvtfUqQ4")
        #expect(response.model == "gemini-2.5-flash")
    }

    @Test(arguments: [Int.max, 1, 11])
    func streamUsesAltSSEAndEndsAtTheBodysEnd(chunkSize: Int) async throws {
        let transport = ScriptedStreamTransport([.body(try fixture("gemini-stream.sse"), chunkSize: chunkSize)])
        let (received, error) = await events(model(transport).stream(Self.documentedRequest))
        #expect(error == nil)
        #expect(
            received == [
                .metadata(ResponseMetadata(requestID: "abc123", model: "gemini-2.5-flash")),
                .text("A cat"), .text(" sits on a mat."),
                .usage(TokenUsage(inputTokens: 263, outputTokens: 7, totalTokens: 270)), .finish(.stop),
            ]
        )
        let sent = try #require(transport.requests.first)
        #expect(sent.url.path.hasSuffix("/models/gemini-2.5-flash:streamGenerateContent"))
        #expect(sent.url.query == "alt=sse")
        #expect(try body(sent) == Self.expectedBody())
    }

    @Test func streamOverLoopbackSockets() async throws {
        let server = LoopbackHTTPServer()
        let stream = try fixture("gemini-stream.sse")
        server.fallback { _ in LoopbackHTTPResponse(headers: [("Content-Type", "text/event-stream")], body: stream) }
        try server.start()
        defer { server.stop() }
        let client = model(URLSessionTransport(), baseURL: server.baseURL.appendingPathComponent("v1beta"))
        let response = try await client.collect(client.stream(ChatRequest(prompt: "Caption")))
        #expect(response.text == "A cat sits on a mat.")
        let target = try #require(server.requests.first?.target)
        #expect(target == "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
    }

    @Test func optionsAndRolesMap() throws {
        let request = ChatRequest(
            messages: [.user("Hi"), .assistant("Hello"), .user("Again")],
            options: ChatOptions(topP: 0.5, stopSequences: ["x"], seed: 11, responseFormat: .jsonObject)
        )
        let sent = try model(ScriptedStreamTransport([])).body(request)
        #expect(sent["contents"][1]["role"] == "model")
        #expect(
            sent["generationConfig"]
                == (try json(#"{"topP":0.5,"stopSequences":["x"],"seed":11,"responseMimeType":"application/json"}"#))
        )
        #expect(sent["systemInstruction"].isNull)
    }

    @Test func imageURLsBecomeFileDataWithTheirMediaType() throws {
        let client = model(ScriptedStreamTransport([]))
        let png = ChatRequest(messages: [.user([.image(ChatImage(url: URL(string: "gs://bucket/cat.PNG")!))])])
        #expect(
            try client.body(png)["contents"][0]["parts"][0]
                == (try json(#"{"file_data":{"mime_type":"image/png","file_uri":"gs://bucket/cat.PNG"}}"#))
        )
        let unknown = ChatRequest(messages: [.user([.image(ChatImage(url: URL(string: "https://x.example/img")!))])])
        let error = #expect(throws: GenerationError.self) { try client.body(unknown) }
        #expect(error?.code == .unsupportedContent)
    }

    @Test func quotaErrorsAreRateLimitedWithTheStatusName() async throws {
        let body = Array(
            #"{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}"#
                .utf8
        )
        let transport = ScriptedStreamTransport([.body(body, status: 429), .body(body, status: 429)])
        let error = await #expect(throws: GenerationError.self) {
            try await model(transport).complete(ChatRequest(prompt: "hi"))
        }
        #expect(error?.code == .rateLimited)
        #expect(error?.providerErrorType == "RESOURCE_EXHAUSTED")
        #expect(error?.providerMessage == "Resource has been exhausted (e.g. check quota).")
        #expect(transport.requests.count == 2)
    }

    @Test func aModelNameCannotEscapeItsPathSegment() async throws {
        let transport = ScriptedStreamTransport([])
        let error = await #expect(throws: GenerationError.self) {
            try await model(transport).complete(ChatRequest(prompt: "hi", options: ChatOptions(model: "../files?x=1")))
        }
        #expect(error?.code == .invalidRequest)
        #expect(transport.requests.isEmpty)
    }
}
