// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation
import MediaDecoding
import Testing
import _RAGHTTP
import _RAGTestSupport

/// ``OpenAIImageGenerator`` against API-SHAPES §5.6: the body, the per-model limits, base64 and URL results.
@Suite struct OpenAIImageGeneratorTests {
    static let key = "sk-img-SECRET-42"

    /// A 3 × 2 RGB test image and its PNG encoding.
    static let picture = Image(
        width: 3,
        height: 2,
        format: .rgb,
        samples: .uint8([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9, 128, 128, 128, 250, 250, 250])
    )
    static let png = PNGEncoder().encode(picture)

    func generator(
        _ transport: any HTTPTransport,
        model: String = "dall-e-3",
        baseURL: URL? = nil
    )
        -> OpenAIImageGenerator
    {
        OpenAIImageGenerator(
            model: model,
            baseURL: baseURL ?? OpenAIChatModel.openAIBaseURL,
            apiKey: Self.key,
            options: HostedServiceOptions(timeout: .seconds(5), maxAttempts: 1),
            transport: transport
        )
    }

    @Test func documentedRequestAndBase64Answer() async throws {
        let answer =
            #"{"created":1700000000,"data":[{"b64_json":"\#(Data(Self.png).base64EncodedString())","revised_prompt":"A watercolor lighthouse at dusk, soft light"}]}"#
        let transport = ScriptedStreamTransport([.body(Array(answer.utf8))])
        let request = ImageGenerationRequest(
            prompt: "A watercolor of the retrieved lighthouse at dusk",
            size: .init(width: 1024, height: 1792),
            quality: .hd,
            style: .natural
        )
        let images = try await generator(transport).generate(request)
        let sent = try #require(transport.requests.first)
        #expect(sent.url.absoluteString == "https://api.openai.com/v1/images/generations")
        #expect(sent.headers["Authorization"] == "Bearer \(Self.key)")
        let expected = try json(
            """
            {"model":"dall-e-3","prompt":"A watercolor of the retrieved lighthouse at dusk",
             "n":1,"size":"1024x1792","quality":"hd","style":"natural","response_format":"b64_json"}
            """
        )
        #expect(try body(sent) == expected)
        #expect(images.count == 1)
        #expect(images[0].image == Self.picture)
        #expect(images[0].data == Self.png)
        #expect(images[0].mediaType == "image/png")
        #expect(images[0].revisedPrompt == "A watercolor lighthouse at dusk, soft light")
    }

    @Test func gptImageIsAlwaysBase64AndHasNoResponseFormat() throws {
        let body = try generator(ScriptedStreamTransport([]), model: "gpt-image-1")
            .body(ImageGenerationRequest(prompt: "a fox", size: .auto, quality: .high, count: 2))
        #expect(body == (try json(#"{"model":"gpt-image-1","prompt":"a fox","n":2,"size":"auto","quality":"high"}"#)))
    }

    @Test(arguments: [
        ImageGenerationRequest(prompt: "x", count: 2),
        ImageGenerationRequest(prompt: "x", size: .init(width: 512, height: 512)),
        ImageGenerationRequest(prompt: "x", quality: .high),
        ImageGenerationRequest(prompt: String(repeating: "x", count: 4001)),
        ImageGenerationRequest(prompt: ""),
        ImageGenerationRequest(prompt: "x", model: "dall-e-2", style: .vivid),
        ImageGenerationRequest(prompt: "x", model: "gpt-image-1", size: .init(width: 1792, height: 1024)),
    ])
    func settingsAModelDoesNotOfferAreRejectedBeforeSending(request: ImageGenerationRequest) async throws {
        let transport = ScriptedStreamTransport([])
        let error = await #expect(throws: GenerationError.self) { try await generator(transport).generate(request) }
        #expect(error?.code == .invalidRequest)
        #expect(transport.requests.isEmpty)
    }

    @Test func urlResultsAreDownloadedWithoutTheKey() async throws {
        let server = LoopbackHTTPServer()
        let png = Self.png
        server.route("POST", "/v1/images/generations") { [server] _ in
            .text(#"{"created":1,"data":[{"url":"http://127.0.0.1:\#(server.port)/files/img-1.png"}]}"#)
        }
        server.route("GET", "/files/img-1.png") { _ in LoopbackHTTPResponse(body: png) }
        try server.start()
        defer { server.stop() }
        let client = generator(
            URLSessionTransport(),
            model: "dall-e-2",
            baseURL: server.baseURL.appendingPathComponent("v1")
        )
        let images = try await client.generate(ImageGenerationRequest(prompt: "a red square"))
        #expect(images.map(\.image) == [Self.picture])
        #expect(images[0].revisedPrompt == nil)
        let download = try #require(server.requests.last)
        #expect(download.path == "/files/img-1.png")
        #expect(download.header("Authorization") == nil)
        #expect(server.requests.first?.header("Authorization") == "Bearer \(Self.key)")
    }

    @Test func malformedResultsAreTypedErrors() async throws {
        let transport = ScriptedStreamTransport([
            .malformed(Array(#"{"created":1,"data":[]}"#.utf8)),
            .malformed(Array(#"{"created":1,"data":[{"b64_json":"!!!"}]}"#.utf8)),
            .malformed(Array(#"{"created":1,"data":[{"b64_json":"AAAA"}]}"#.utf8)),
            .body(
                Array(
                    #"{"error":{"message":"Your request was rejected by the safety system.","type":"image_generation_user_error"}}"#
                        .utf8
                ),
                status: 400
            ),
        ])
        let client = generator(transport)
        var codes: [GenerationError.Code] = []
        for _ in 0..<4 {
            do {
                _ = try await client.generate(ImageGenerationRequest(prompt: "x"))
            } catch {
                codes.append(error.code)
            }
        }
        #expect(codes == [.invalidResponse, .invalidResponse, .invalidImage, .providerError])
    }
}
