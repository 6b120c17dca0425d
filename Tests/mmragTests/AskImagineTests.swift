// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG
import Testing
import _RAGTestSupport

@testable import mmrag

/// `mmrag ask` and `mmrag imagine` against a fake provider on the loopback server.
@Suite struct AskImagineTests {
    /// An OpenAI-compatible server: a streamed chat answer citing [1] and [7], and one generated image.
    static func fakeProvider(
        answer: String = "The notes mention item 3 [1] and item 10 [7]."
    ) throws
        -> LoopbackHTTPServer
    {
        let server = LoopbackHTTPServer()
        let pieces = [String(answer.prefix(9)), String(answer.dropFirst(9))]
        var sse = ""
        for piece in pieces {
            let escaped = piece.replacingOccurrences(of: "\"", with: "\\\"")
            sse +=
                #"data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","#
                + #""choices":[{"index":0,"delta":{"content":"\#(escaped)"},"finish_reason":null}]}"# + "\n\n"
        }
        sse +=
            #"data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o","#
            + #""choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"
        let streamed = sse
        let whole =
            #"{"id":"chatcmpl-8","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"#
            + #""message":{"role":"assistant","content":"A red and blue striped flag."},"finish_reason":"stop"}]}"#
        let drawn = Image(width: 2, height: 1, format: .rgb, samples: .uint8([255, 0, 0, 0, 0, 255]))
        let png = Data(PNGEncoder().encode(drawn)).base64EncodedString()
        server.route("POST", "/v1/chat/completions") { request in
            let body = String(decoding: request.body, as: UTF8.self)
            if body.contains(#""stream":true"#) {
                return .text(streamed, contentType: "text/event-stream")
            }
            return .text(whole, contentType: "application/json")
        }
        server.route("POST", "/v1/images/generations") { _ in
            .text(#"{"created":1,"data":[{"b64_json":"\#(png)"}]}"#, contentType: "application/json")
        }
        try server.start()
        return server
    }

    @Test func askWithoutAKeyFailsAtOnceWithOneLine() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENAI_API_KEY"] = nil
        let start = ContinuousClock.now
        let run = try await SubprocessTests.run(
            ["ask", "what?", "--collection", "/nonexistent"],
            environment: environment
        )
        #expect(run.code == 1)
        let err = String(decoding: run.err, as: UTF8.self)
        #expect(err.split(separator: "\n").count == 1)
        #expect(err.contains("OPENAI_API_KEY"))
        // A hang guard only: on a machine busy with other tests a subprocess can wait minutes for a core.
        #expect(ContinuousClock.now - start < .seconds(600))
        let anthropic = try await SubprocessTests.run(
            ["ask", "what?", "--collection", "/x", "--chat", "anthropic"],
            environment: environment.filter { $0.key != "ANTHROPIC_API_KEY" }
        )
        #expect(anthropic.code == 1 && String(decoding: anthropic.err, as: UTF8.self).contains("ANTHROPIC_API_KEY"))
        let bad = try await SubprocessTests.run(["ask", "what?", "--collection", "/x", "--chat", "mystery"])
        #expect(bad.code == 64)
    }

    @Test func imagineWithoutAnImageKeyFails() async {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENAI_API_KEY"] = nil
        let run = await TinyModel.run(
            ["imagine", "a flag", "--collection", "/x", "--out", "/tmp/x.png", "--chat", "ollama"],
            environment: environment
        )
        #expect(run.code == 1)
        #expect(run.err.contains("no API key for the image model"))
    }

    @Test(.enabled(if: TinyModel.available, "needs MMRAG_FIXTURES (the tiny CLIP checkpoint)"))
    func askStreamsTheAnswerAndListsTheCitedSources() async throws {
        let model = try TinyModel.folder().path
        let collection = try TinyModel.temporaryFolder("ask").appendingPathComponent("c").path
        let indexed = await TinyModel.run([
            "index", try TinyModel.textFolder(8).path, "--collection", collection, "--model", model,
        ])
        #expect(indexed.code == 0)
        let server = try Self.fakeProvider()
        defer { server.stop() }
        let run = await TinyModel.run([
            "ask", "Which items do the notes mention?", "--collection", collection, "--model", model, "--limit", "3",
            "--chat", "openai/gpt-4o", "--base-url", server.baseURL.absoluteString + "/v1",
        ])
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.hasPrefix("The notes mention item 3 [1] and item 10 [7].\n"))
        let lines = run.out.split(separator: "\n").map(String.init)
        let sources = try #require(lines.firstIndex(of: "Sources:"))
        #expect(lines.count == sources + 4)
        #expect(lines[sources + 1].hasPrefix("  [1] cited  text   note-"))
        #expect(lines[sources + 2].hasPrefix("  [2]        text   note-"))
        #expect(run.err.contains("[7]"))  // a citation that names no source is reported
        let sent = try #require(server.requests.first)
        let body = String(decoding: sent.body, as: UTF8.self)
        #expect(body.contains("Which items do the notes mention?") && body.contains("[3]"))
        #expect(sent.header("Authorization") == nil)  // no key for a local server
    }

    @Test(.enabled(if: TinyModel.available, "needs MMRAG_FIXTURES (the tiny CLIP checkpoint)"))
    func anUnreachableProviderFailsWithOneLineInsteadOfHanging() async throws {
        let model = try TinyModel.folder().path
        let collection = try TinyModel.temporaryFolder("ask").appendingPathComponent("c").path
        _ = await TinyModel.run([
            "index", try TinyModel.textFolder(3).path, "--collection", collection, "--model", model,
        ])
        let closed = LoopbackHTTPServer()
        try closed.start()
        let port = closed.port
        closed.stop()
        let run = await TinyModel.run([
            "ask", "anything", "--collection", collection, "--model", model, "--chat", "ollama/llava",
            "--base-url", "http://127.0.0.1:\(port)",
        ])
        #expect(run.code == 1)
        #expect(run.err.hasPrefix("error: the chat model (ollama/llava) failed"))
        // Returning at all shows it did not hang. No wall-clock bound: this process's other tests can hold the
        // threads for minutes on a loaded machine (a 400 s bound failed so). How long retries may take is bounded
        // by the transport's own tests.
        #expect(run.err.split(separator: "\n").count == 1)
    }

    @Test(.enabled(if: TinyModel.available, "needs MMRAG_FIXTURES (the tiny CLIP checkpoint)"))
    func imagineRetrievesDescribesAndWritesAPNG() async throws {
        let model = try TinyModel.folder().path
        let collection = try TinyModel.temporaryFolder("imagine").appendingPathComponent("c").path
        let samples = try TinyModel.samples().appendingPathComponent("collection").path
        let indexed = await TinyModel.run(["index", samples, "--collection", collection, "--model", model])
        #expect(indexed.code == 0, "\(indexed.err)")
        let server = try Self.fakeProvider()
        defer { server.stop() }
        let out = try TinyModel.temporaryFolder("imagine-out").appendingPathComponent("new.png")
        let base = server.baseURL.absoluteString + "/v1"
        let run = await TinyModel.run([
            "imagine", "a photo", "--collection", collection, "--model", model, "--out", out.path,
            "--chat", "openai/gpt-4o", "--base-url", base, "--images-url", base, "--style", "As a watercolour.",
        ])
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.contains("description: A red and blue striped flag."))
        let image = try MediaDecoder().decodeImage([UInt8](Data(contentsOf: out)))
        #expect(image.width == 2 && image.height == 1)
        let paint = try #require(server.requests.first { $0.path == "/v1/images/generations" })
        #expect(String(decoding: paint.body, as: UTF8.self).contains("A red and blue striped flag. As a watercolour."))
        let describe = try #require(server.requests.first { $0.path == "/v1/chat/completions" })
        #expect(String(decoding: describe.body, as: UTF8.self).contains("data:image/"))
    }
}
