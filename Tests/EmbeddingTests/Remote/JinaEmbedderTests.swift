// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Testing
import _RAGHTTP
import _RAGTestSupport

/// ``JinaEmbedder`` against a fake multimodal `/v1/embeddings` endpoint on loopback sockets.
@Suite struct JinaEmbedderTests {
    static let key = "jina_SECRET_abcdef0123456789"

    func embedder(
        _ fake: FakeEmbeddingServer,
        imageEncoding: JinaEmbedder.ImageEncoding = .jpeg(quality: 90),
        sendsDimensions: Bool = false,
        normalized: Bool = false,
        options: HostedEmbedderOptions = HostedEmbedderOptions(timeout: .seconds(5), maxAttempts: 2)
    ) -> JinaEmbedder {
        JinaEmbedder(
            dimension: fake.dimension,
            baseURL: fake.baseURL,
            apiKey: Self.key,
            sendsDimensions: sendsDimensions,
            normalized: normalized,
            imageEncoding: imageEncoding,
            options: options,
            transport: URLSessionTransport()
        ).replacingRetryWaits { _ in }
    }

    /// A `width × height` RGB gradient.
    func gradient(width: Int, height: Int) -> Image {
        var samples: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width { samples += [UInt8(x % 256), UInt8(y % 256), 128] }
        }
        return Image(width: width, height: height, format: .rgb, samples: .uint8(samples))
    }

    @Test func sendsTextAndImageItemsAndRestoresOrder() async throws {
        let fake = FakeEmbeddingServer()
        try fake.start()
        defer { fake.stop() }
        let jina = embedder(fake, sendsDimensions: true)
        let matrix = try await jina.embed([.text("hello"), .image(gradient(width: 1024, height: 600)), .text("hi")])
        #expect(jina.modalities == [.text, .image])
        #expect(jina.space.modelID == "jina-clip-v2")
        #expect(matrix.rows[0] == FakeEmbeddingServer.vector(for: "hello", dimension: 4))
        #expect(matrix.rows[1] == FakeEmbeddingServer.vector(for: ["image": ""], dimension: 4))
        #expect(matrix.rows[2] == FakeEmbeddingServer.vector(for: "hi", dimension: 4))

        let request = try #require(fake.server.requests.first)
        #expect(request.path == "/v1/embeddings")
        #expect(request.header("Authorization") == "Bearer \(Self.key)")
        let body = try #require(fake.bodies.first)
        #expect(Set(body.keys) == ["model", "input", "embedding_type", "normalized", "dimensions"])
        #expect(body["model"] as? String == "jina-clip-v2")
        #expect(body["embedding_type"] as? String == "base64")
        #expect(body["normalized"] as? Bool == false)
        #expect(body["dimensions"] as? Int == 4)
        let input = try #require(body["input"] as? [[String: String]])
        #expect(input.count == 3)
        #expect(input[0] == ["text": "hello"])
        #expect(input[2] == ["text": "hi"])
        #expect(Array(input[1].keys) == ["image"])
        let jpegText = try #require(input[1]["image"])
        let jpeg = try #require(Data(base64Encoded: jpegText))
        #expect(Array(jpeg.prefix(3)) == [0xFF, 0xD8, 0xFF])
        let decoded = try JPEGDecoder().decode([UInt8](jpeg), limits: .default)
        #expect(decoded.width == 512)
        #expect(decoded.height == 300)
    }

    @Test func smallImagesKeepTheirSizeAndPNGIsLossless() async throws {
        let fake = FakeEmbeddingServer()
        try fake.start()
        defer { fake.stop() }
        let image = gradient(width: 40, height: 30)
        _ = try await embedder(fake, imageEncoding: .png).embed([.image(image)])
        let input = try #require(fake.bodies.first?["input"] as? [[String: String]])
        let pngText = try #require(input.first?["image"])
        let png = try #require(Data(base64Encoded: pngText))
        let decoded = try PNGDecoder().decode([UInt8](png), limits: .default)
        #expect(decoded == image)
    }

    @Test func normalizedSpaceIsUnitLength() async throws {
        let fake = FakeEmbeddingServer()
        try fake.start()
        defer { fake.stop() }
        let jina = embedder(fake, normalized: true)
        #expect(jina.space.normalization == .l2)
        let row = try await jina.embed(.text("abc"))
        #expect(abs(row.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        #expect(fake.bodies.first?["normalized"] as? Bool == true)
        #expect(fake.bodies.first?["dimensions"] == nil)
    }

    @Test func batchesMixedInputs() async throws {
        let fake = FakeEmbeddingServer()
        try fake.start()
        defer { fake.stop() }
        let options = HostedEmbedderOptions(timeout: .seconds(5), maxInputsPerRequest: 2)
        let inputs: [EmbeddingInput] = [.text("a"), .image(gradient(width: 4, height: 4)), .text("ccc"), .text("dd")]
        let matrix = try await embedder(fake, options: options).embed(inputs)
        #expect(matrix.count == 4)
        #expect(matrix.rows[3] == FakeEmbeddingServer.vector(for: "dd", dimension: 4))
        #expect(fake.server.requests.count == 2)
    }

    @Test func videoIsUnsupported() async throws {
        let fake = FakeEmbeddingServer()
        try fake.start()
        defer { fake.stop() }
        let error = await #expect(throws: EmbeddingError.self) {
            try await embedder(fake).embed([.video(frames: [gradient(width: 4, height: 4)])])
        }
        #expect(error?.code == .unsupportedModality)
    }

    @Test func fastAPIErrorDetailIsQuoted() async throws {
        let fake = FakeEmbeddingServer(script: [.text(#"{"detail": "Model jina-clip-v9 not found"}"#, status: 400)])
        try fake.start()
        defer { fake.stop() }
        let error = await #expect(throws: EmbeddingError.self) { try await embedder(fake).embed(.text("a")) }
        #expect(error?.code == .providerError)
        #expect(error?.description.contains("Model jina-clip-v9 not found") == true)
        #expect(error?.description.contains("attempts") == false)
        #expect(fake.server.requests.count == 1)
    }
}
