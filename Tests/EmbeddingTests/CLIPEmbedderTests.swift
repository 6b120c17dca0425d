// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

/// The seam end to end on `clip-tiny-gelu-p16`: a scripted tokenizer and preprocessor hand the golden inputs to
/// the model, so the outputs must be the golden embeddings.
@Suite struct CLIPEmbedderTests {
    let folder = ModelFixture.geluP16

    /// Image `i` is a 1×(i+1) gray stand-in; the scripted preprocessor returns golden pixel tensor `i` for it.
    private func embedder(text: Bool = true, images: Bool = true) async throws -> (CLIPEmbedder, CLIPGoldens) {
        let model = try await CLIPModel(directory: folder)
        let g = try CLIPGoldens.load(folder.appendingPathComponent("goldens.json"))
        let pixels = try NPYArray(contentsOf: folder.appendingPathComponent(g.pixelValuesFile)).floats
        let ids = g.texts.map(\.inputIds)
        let per = model.pixelsPerImage
        let tokenize: @Sendable (String) throws -> [Int] = { text in ids[Int(text.dropFirst())!] }
        let preprocess: @Sendable (Image) throws -> [Float] = { image in
            Array(pixels[(image.height - 1) * per..<image.height * per])
        }
        return (CLIPEmbedder(model: model, tokenize: text ? tokenize : nil, preprocess: images ? preprocess : nil), g)
    }

    private func stand(in index: Int) -> Image {
        Image(width: 1, height: index + 1, format: .gray, samples: .uint8([UInt8](repeating: 0, count: index + 1)))
    }

    @Test("mixed batch: texts and images in input order match the golden embeddings")
    func mixedBatch() async throws {
        let (embedder, g) = try await embedder()
        #expect(embedder.modalities == [.text, .image, .video])
        #expect(embedder.space.dimension == 24 && embedder.space.normalization == .l2)
        let inputs: [EmbeddingInput] = [
            .image(stand(in: 2)), .text("t0"), .text("t3"), .image(stand(in: 0)), .text("t1"),
        ]
        let out = try await embedder.embed(inputs)
        #expect(out.count == 5 && out.dimension == 24)
        Compare.expectClose(out[0], g.images[2].imageEmbeds, tolerance: 1e-4, "image 2")
        Compare.expectClose(out[1], g.texts[0].textEmbeds, tolerance: 1e-4, "text 0")
        Compare.expectClose(out[2], g.texts[3].textEmbeds, tolerance: 1e-4, "text 3")
        Compare.expectClose(out[3], g.images[0].imageEmbeds, tolerance: 1e-4, "image 0")
        Compare.expectClose(out[4], g.texts[1].textEmbeds, tolerance: 1e-4, "text 1")
    }

    @Test("a video is the normalised mean of its frames")
    func video() async throws {
        let (embedder, g) = try await embedder()
        let out = try await embedder.embed([.video([stand(in: 1), stand(in: 3)])])
        let mean = zip(g.images[1].imageEmbeds, g.images[3].imageEmbeds).map { ($0 + $1) / 2 }
        let expected = EmbeddingMatrix(values: ContiguousArray(mean), dimension: 24).normalized()
        Compare.expectClose(out[0], expected.values, tolerance: 1e-4, "video")
        await #expect(throws: EmbeddingError.self) { try await embedder.embed([.video([])]) }
    }

    @Test("modalities without their conversion, and audio, are refused with unsupportedModality")
    func refusedModalities() async throws {
        let (imagesOnly, _) = try await embedder(text: false)
        #expect(imagesOnly.modalities == [.image, .video])
        let audio = AudioBuffer(sampleRate: 16_000, channelCount: 1, samples: [0, 0])
        for input: EmbeddingInput in [.text("t0"), .audio(audio)] {
            do {
                _ = try await imagesOnly.embed([.image(stand(in: 0)), input])
                Issue.record("accepted \(input.modality)")
            } catch let error as EmbeddingError {
                #expect(error.code == .unsupportedModality)
            }
        }
        let (textOnly, _) = try await embedder(images: false)
        #expect(textOnly.modalities == [.text])
        #expect(try await textOnly.embed([]).count == 0)
    }
}
