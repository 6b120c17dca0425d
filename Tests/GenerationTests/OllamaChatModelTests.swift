// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation
import Testing
import _RAGHTTP
import _RAGTestSupport

/// ``OllamaChatModel`` against API-SHAPES §5.5: raw base64 images on the message, NDJSON streaming, errors.
@Suite struct OllamaChatModelTests {
    func model(_ transport: any HTTPTransport, baseURL: URL = URL(string: "http://localhost:11434")!) -> OllamaChatModel
    {
        OllamaChatModel(
            model: "llava",
            baseURL: baseURL,
            imagePolicy: ImagePolicy(),
            options: HostedServiceOptions(timeout: .seconds(5), maxAttempts: 2),
            transport: transport
        ).replacingRetryWaits { _ in }
    }

    @Test func streamedRequestMatchesTheDocumentedShape() async throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]
        let request = ChatRequest(
            messages: [
                .user([.text("What is in this picture?"), .image(ChatImage(data: png, mediaType: "image/png"))])
            ],
            options: ChatOptions(temperature: 0.2)
        )
        let transport = ScriptedStreamTransport([.body(try fixture("ollama-chat-stream.ndjson"))])
        _ = await events(model(transport).stream(request))
        let sent = try #require(transport.requests.first)
        #expect(sent.url.absoluteString == "http://localhost:11434/api/chat")
        #expect(sent.headers["Authorization"] == nil)
        let expected = try json(
            """
            {"model":"llava","stream":true,
             "messages":[{"role":"user","content":"What is in this picture?","images":["iVBORw0KGgoAAAANSUhEUg=="]}],
             "options":{"temperature":0.2}}
            """
        )
        #expect(try body(sent) == expected)
    }

    @Test(arguments: [Int.max, 1, 13])
    func ndjsonStreamEndsAtDone(chunkSize: Int) async throws {
        let transport = ScriptedStreamTransport([.body(try fixture("ollama-chat-stream.ndjson"), chunkSize: chunkSize)])
        let (received, error) = await events(model(transport).stream(ChatRequest(prompt: "Describe")))
        #expect(error == nil)
        #expect(
            received == [
                .metadata(ResponseMetadata(model: "llava")),
                .text("The"), .text(" image"), .text(" shows a cat."),
                .usage(TokenUsage(inputTokens: 26, outputTokens: 282)), .finish(.stop),
            ]
        )
    }

    @Test func completeOverLoopbackSockets() async throws {
        let server = LoopbackHTTPServer()
        let answer = try fixture("ollama-chat.json")
        server.route("POST", "/api/chat") { _ in LoopbackHTTPResponse(body: answer) }
        try server.start()
        defer { server.stop() }
        let request = ChatRequest(system: "Be brief.", prompt: "Describe", options: ChatOptions(maxTokens: 20, seed: 1))
        let response = try await model(URLSessionTransport(), baseURL: server.baseURL).complete(request)
        #expect(response.text == "The image shows a cat.")
        #expect(response.finishReason == .length)
        #expect(response.usage == TokenUsage(inputTokens: 26, outputTokens: 298))
        let sent = try json(try #require(server.requests.first).body)
        #expect(sent["stream"] == false)
        #expect(sent["messages"][0] == (try json(#"{"role":"system","content":"Be brief."}"#)))
        #expect(sent["options"] == (try json(#"{"num_predict":20,"seed":1}"#)))
    }

    @Test func errorsInBodyAndStream() async throws {
        let notFound = Array(#"{"error":"model \"llava\" not found, try pulling it first"}"#.utf8)
        let hi =
            #"{"model":"llava","created_at":"2024-06-12T10:00:00Z","#
            + #""message":{"role":"assistant","content":"Hi"},"done":false}"# + "\n"
        let transport = ScriptedStreamTransport([
            .body(notFound, status: 404),
            .body(Array((hi + #"{"error":"out of memory"}"# + "\n").utf8)),
            .body(Array(hi.utf8)),
        ])
        let client = model(transport)
        let error = await #expect(throws: GenerationError.self) { try await client.complete(ChatRequest(prompt: "hi")) }
        #expect(error?.code == .providerError)
        #expect(error?.httpStatus == 404)
        #expect(error?.providerMessage == #"model "llava" not found, try pulling it first"#)
        let (partial, inBand) = await events(client.stream(ChatRequest(prompt: "hi")))
        #expect(partial == [.metadata(ResponseMetadata(model: "llava")), .text("Hi")])
        #expect(inBand?.code == .providerError)
        #expect(inBand?.providerMessage == "out of memory")
        let (_, unfinished) = await events(client.stream(ChatRequest(prompt: "hi")))
        #expect(unfinished?.code == .invalidResponse)
    }

    @Test func imageURLsAreUnsupported() async throws {
        let request = ChatRequest(messages: [.user([.image(ChatImage(url: URL(string: "https://example.com/a.png")!))])]
        )
        let error = await #expect(throws: GenerationError.self) {
            try await model(ScriptedStreamTransport([])).complete(request)
        }
        #expect(error?.code == .unsupportedContent)
    }

    @Test(
        arguments: [
            (nil, "http://localhost:11434"), ("", "http://localhost:11434"), ("gpu-box", "http://gpu-box:11434"),
            ("gpu-box:9999", "http://gpu-box:9999"), ("0.0.0.0", "http://127.0.0.1:11434"),
            ("https://ollama.example.com", "https://ollama.example.com"),
            ("http://10.0.0.5:8080/", "http://10.0.0.5:8080/"),
        ] as [(String?, String)]
    )
    func ollamaHostNamesTheServer(value: String?, expected: String) {
        #expect(OllamaChatModel.baseURL(host: value).absoluteString == expected)
    }
}
