// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Generation
import Testing

/// A host transport written with nothing but `import Embedding` and `import Generation`, naming every re-exported
/// transport type: if the two modules ever exported different declarations under these names, this file would
/// stop compiling with "ambiguous" errors.
private struct EchoTransport: HTTPTransport {
    let reply: [UInt8]

    func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        guard request.url.scheme == "https" else { throw HTTPError(.invalidRequest, "\(request): https only") }
        var headers = HTTPHeaders()
        headers.add("Content-Type", "application/json")
        let head = HTTPResponseHead(status: 200, headers: headers, url: request.url)
        let (body, continuation) = HTTPByteStream.makeStream()
        continuation.yield(reply)
        continuation.finish()
        return HTTPStreamingResponse(head: head, body: body)
    }
}

@Suite struct ReexportTests {
    @Test func embeddingAndGenerationShareOneTransportSeam() async throws {
        let chatReply = Array(
            #"{"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#
                .utf8
        )
        let options: HostedServiceOptions = HostedEmbedderOptions(timeout: .seconds(3), maxAttempts: 1)
        let transport: any HTTPTransport = EchoTransport(reply: chatReply)
        let chat = OpenAIChatModel(model: "m", apiKey: "k", options: options, transport: transport)
        #expect(try await chat.complete(ChatRequest(prompt: "hello")).text == "hi")

        let embeddingReply = Array(#"{"data":[{"index":0,"embedding":[1,0]}]}"#.utf8)
        let embedder = OpenAIEmbedder(
            model: "e",
            dimension: 2,
            normalization: .none,
            options: options,
            transport: EchoTransport(reply: embeddingReply)
        )
        #expect(try await embedder.embed([.text("x")]).rows == [[1, 0]])

        let response: HTTPResponse = try await transport.send(HTTPRequest(url: URL(string: "https://a.example")!))
        #expect(response.status == 200 && response.headers["content-type"] == "application/json")
        let failure = await #expect(throws: HTTPError.self) {
            try await transport.send(HTTPRequest(url: URL(string: "http://a.example")!))
        }
        #expect(failure?.code == .invalidRequest)
        let defaultTransport: URLSessionTransport = URLSessionTransport()
        _ = OpenAIChatModel(model: "m", transport: defaultTransport)
    }
}
