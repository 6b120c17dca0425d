// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

/// `clip-tiny` end to end: raw strings through the real CLIP tokenizer, golden pixel tensors and PNG files
/// through the preprocessor, all against the transformers goldens.
@Suite(.enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"))
struct CLIPTinyEmbedderTests {
    struct Texts: Decodable {
        struct Text: Decodable { let text: String }
        let texts: [Text]
    }

    let folder: URL
    let tokenizerFolder: URL
    let goldens: CLIPGoldens

    init() throws {
        folder = try ModelFixture.shared("clip-tiny")
        tokenizerFolder = try ModelFixture.shared("clip-tokenizer")
        goldens = try CLIPGoldens.load(folder.appendingPathComponent("goldens.json"))
    }

    private func embedder() async throws -> CLIPEmbedder {
        try await CLIPEmbedder(directory: folder, tokenizerDirectory: tokenizerFolder)
    }

    @Test("8 raw texts (one truncated to 77 ids, one empty) give the golden text_embeds")
    func texts() async throws {
        let embedder = try await embedder()
        #expect(embedder.modalities == [.text, .image, .video])
        let texts = try snakeCaseDecoder.decode(
            Texts.self,
            from: Data(contentsOf: folder.appendingPathComponent("goldens.json"))
        ).texts.map(\.text)
        #expect(texts.count == 8 && texts[7].isEmpty)
        let out = try await embedder.embed(texts.map { .text($0) })
        var report = ErrorReport("clip-tiny texts")
        for t in 0..<texts.count {
            let golden = goldens.texts[t].textEmbeds
            report.record("abs", Compare.expectClose(out[t], golden, tolerance: 1e-4, "text \(t)"))
            let cosine = Compare.cosine(Array(out[t]), golden)
            report.record("cosine_deficit", 1 - cosine)
            #expect(cosine >= 0.9999, "text \(t)")
        }
        report.print()
    }

    @Test("the goldens' pixel tensors, rebuilt as 224 × 224 images, give the golden image_embeds")
    func goldenPixels() async throws {
        let embedder = try await embedder()
        let pixels = try NPYArray(contentsOf: folder.appendingPathComponent(goldens.pixelValuesFile)).floats
        let images = try (0..<4).map { EmbeddingInput.image(try GoldenImage.rebuild(pixels, index: $0, size: 224)) }
        let out = try await embedder.embed(images)
        for i in 0..<4 {
            Compare.expectClose(out[i], goldens.images[i].imageEmbeds, tolerance: 1e-4, "image \(i)")
        }
    }

    @Test("PNG files (chelsea, coffee: the goldens' own sources) decode, preprocess and embed to the goldens")
    func pngFiles() async throws {
        let embedder = try await embedder()
        let images = try ["chelsea", "coffee"].map { name in
            let bytes = try [UInt8](Data(contentsOf: Fixtures.shared("media/preprocess/clip_in_\(name).png")))
            return try MediaDecoder().decodeImage(bytes)
        }
        let out = try await embedder.embed(images.map { .image($0) } + [try .video(frames: images)])
        var report = ErrorReport("clip-tiny png")
        report.record("chelsea", Compare.expectClose(out[0], goldens.images[1].imageEmbeds, tolerance: 1e-4, "chelsea"))
        report.record("coffee", Compare.expectClose(out[1], goldens.images[2].imageEmbeds, tolerance: 1e-4, "coffee"))
        let mean = zip(goldens.images[1].imageEmbeds, goldens.images[2].imageEmbeds).map { ($0 + $1) / 2 }
        let video = try EmbeddingMatrix(values: ContiguousArray(mean), dimension: 32).normalized()
        report.record("video", Compare.expectClose(out[2], video.values, tolerance: 1e-4, "video"))
        report.print()
    }

    @Test("a self-contained checkpoint folder loads through the registry, tokenizer included")
    func registry() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("clip-tiny-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let files = [
            (folder, "config.json"), (folder, "model.fp16.safetensors"), (folder, "preprocessor_config.json"),
            (tokenizerFolder, "vocab.json"), (tokenizerFolder, "merges.txt"),
            (tokenizerFolder, "tokenizer_config.json"),
            (tokenizerFolder, "special_tokens_map.json"),
        ]
        for (source, name) in files {
            try FileManager.default.createSymbolicLink(
                at: scratch.appendingPathComponent(name),
                withDestinationURL: source.appendingPathComponent(name)
            )
        }
        let embedder = try await ModelRegistry.standard.embedder(directory: scratch, variant: "fp16")
        let clip = try #require(embedder as? CLIPEmbedder)
        #expect(clip.modalities == [.text, .image, .video] && clip.space.dimension == 32)
        let out = try await embedder.embed([.text("a photo of a cat.")])
        // fp16 weights against the float32 goldens: 2e-3 × norm (models/README.md).
        Compare.expectClose(out[0], goldens.texts[0].textEmbeds, tolerance: 2e-3, "fp16 text 0")
    }

    @Test("a tokenizer folder without vocabulary files fails the load with the tokenizer's notFound")
    func missingTokenizer() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-cliptok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        await expectEmbeddingError(.notFound, mentioning: "no vocab.json + merges.txt or tokenizer.json") {
            _ = try await CLIPEmbedder(directory: folder, tokenizerDirectory: empty)
        }
    }
}
