// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

/// A tokenizer for the synthetic ids of `clip-tiny-gelu-p16` (it has no vocabulary): text "t3" is golden text 3.
private struct ScriptedTokenizer: Tokenizer {
    let rows: [[Int]]
    let maxLength = 32
    let specialTokens = SpecialTokenIDs(start: 1022, end: 1023, padding: 1023, unknown: 1023)

    func encode(_ text: String, maxLength: Int) -> [Int] { rows[Int(text.dropFirst())!] }
}

/// The bundled `clip-tiny-gelu-p16`: loading from its folder, mixed batches, video, refused modalities.
@Suite struct CLIPEmbedderTests {
    let folder = ModelFixture.geluP16

    private func goldens() throws -> (CLIPGoldens, [Float]) {
        let g = try CLIPGoldens.load(folder.appendingPathComponent("goldens.json"))
        let pixels = try NPYArray(contentsOf: folder.appendingPathComponent(g.pixelValuesFile)).floats
        return (g, pixels)
    }

    @Test("loaded from its folder: preprocessing from the model's image size; no tokenizer files → no text")
    func loadsFromDirectory() async throws {
        let embedder = try await CLIPEmbedder(directory: folder)
        #expect(embedder.modalities == [.image, .video])
        #expect(embedder.space == embedder.model.space)
        #expect(embedder.space.modelID == "clip-tiny-gelu-p16" && embedder.space.revision.hasPrefix("sha256:"))
        #expect(embedder.space.dimension == 24 && embedder.space.normalization == .l2)
        let expected = ImagePreprocessor(
            shortestEdge: 64,
            cropWidth: 64,
            cropHeight: 64,
            mean: ImagePreprocessor.clipMean,
            std: ImagePreprocessor.clipStd
        )
        #expect(embedder.preprocessor == expected)
        let registry = try await ModelRegistry.standard.embedder(directory: folder)
        #expect(registry is CLIPEmbedder && registry.space == embedder.space)
    }

    @Test("mixed batch: texts and images (rebuilt from the golden pixels) in input order match the goldens")
    func mixedBatch() async throws {
        let (g, pixels) = try goldens()
        let model = try await CLIPModel(directory: folder)
        let embedder = CLIPEmbedder(
            model: model,
            tokenizer: ScriptedTokenizer(rows: g.texts.map(\.inputIds)),
            preprocessor: try ImagePreprocessor(directory: folder, imageSize: 64)
        )
        #expect(embedder.modalities == [.text, .image, .video])
        let images = try (0..<4).map { try GoldenImage.rebuild(pixels, index: $0, size: 64) }
        let inputs: [EmbeddingInput] = [.image(images[2]), .text("t0"), .text("t2"), .image(images[0]), .text("t1")]
        let out = try await embedder.embed(inputs)
        #expect(out.count == 5 && out.dimension == 24)
        Compare.expectClose(out[0], g.images[2].imageEmbeds, tolerance: 1e-4, "image 2")
        Compare.expectClose(out[1], g.texts[0].textEmbeds, tolerance: 1e-4, "text 0")
        Compare.expectClose(out[2], g.texts[2].textEmbeds, tolerance: 1e-4, "text 2")
        Compare.expectClose(out[3], g.images[0].imageEmbeds, tolerance: 1e-4, "image 0")
        Compare.expectClose(out[4], g.texts[1].textEmbeds, tolerance: 1e-4, "text 1")
        // One sequence per model call gives the same rows as the length-sorted batches.
        var single = embedder
        single.batchSize = 1
        Compare.expectClose(try await single.embed(inputs).values, out.values, tolerance: 1e-5, "batch size 1")
    }

    @Test("a video is the normalised mean of its frames; long clips are sampled by the clip and decoded lazily")
    func video() async throws {
        let (g, pixels) = try goldens()
        var embedder = try await CLIPEmbedder(directory: folder)
        let frames = try (0..<4).map { try GoldenImage.rebuild(pixels, index: $0, size: 64) }
        let out = try await embedder.embed([try .video(frames: [frames[1], frames[3]])])
        let mean = zip(g.images[1].imageEmbeds, g.images[3].imageEmbeds).map { ($0 + $1) / 2 }
        let expected = try EmbeddingMatrix(values: ContiguousArray(mean), dimension: 24).normalized()
        Compare.expectClose(out[0], expected.values, tolerance: 1e-4, "video")

        // A 100-frame clip with 4 frames allowed: only the clip's own 4 segment centres are decoded, once each.
        let decoded = DecodeLog()
        let clip = VideoClip(width: 64, height: 64, frameCount: 100, frameRate: .init(25)) {
            index throws(MediaDecodingError) in
            decoded.append(index)
            return frames[index % 4]
        }
        embedder.maxVideoFrames = 4
        let sampled = try await embedder.embed([.video(clip)])
        #expect(clip.frameIndices(sampledUniformly: 4) == [12, 37, 62, 87])
        #expect(decoded.indices.sorted() == [12, 37, 62, 87])
        // Frames 12, 37, 62 and 87 are images 0, 1, 2 and 3.
        let all = (0..<24).map { j in (0..<4).map { g.images[$0].imageEmbeds[j] }.reduce(0, +) / 4 }
        let allExpected = try EmbeddingMatrix(values: ContiguousArray(all), dimension: 24).normalized()
        Compare.expectClose(sampled[0], allExpected.values, tolerance: 1e-4, "sampled clip")
        // A clip no longer than the limit uses every frame.
        let short = VideoClip(width: 64, height: 64, frameCount: 2, frameRate: .init(25)) {
            index throws(MediaDecodingError) in
            frames[[1, 3][index]]
        }
        Compare.expectClose(try await embedder.embed([.video(short)])[0], expected.values, tolerance: 1e-4, "short")
    }

    @Test(
        "a decoded Y4M clip embeds as the mean of the frames it samples; its cache key is its bytes",
        .enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder")
    )
    func decodedClip() async throws {
        var embedder = try await CLIPEmbedder(directory: folder)
        embedder.maxVideoFrames = 3
        let bytes = try [UInt8](Data(contentsOf: Fixtures.shared("media/video/video_bbb_420_160x90_25fps.y4m")))
        let clip = try MediaDecoder().decodeVideo(bytes)
        #expect(clip.frameCount > 3)
        let out = try await embedder.embed([.video(clip)])
        let frames = try clip.frames(sampledUniformly: 3)
        let images = try await embedder.embed(frames.map { .image($0) })
        let mean = (0..<24).map { j in (0..<3).map { images[$0][images[$0].startIndex + j] }.reduce(0, +) / 3 }
        let expected = try EmbeddingMatrix(values: ContiguousArray(mean), dimension: 24).normalized()
        Compare.expectClose(out[0], expected.values, tolerance: 1e-5, "y4m clip")

        let again = try MediaDecoder().decodeVideo(bytes)
        let key = try EmbeddingCacheKey(space: embedder.space, input: .video(clip))
        #expect(try EmbeddingCacheKey(space: embedder.space, input: .video(again)) == key)
        var other = bytes
        other[other.count - 1] ^= 1
        let changed = try MediaDecoder().decodeVideo(other)
        #expect(try EmbeddingCacheKey(space: embedder.space, input: .video(changed)) != key)
    }

    @Test("a cancelled task stops before the next batch with cancelled")
    func cancellation() async throws {
        var embedder = try await CLIPEmbedder(directory: folder)
        embedder.batchSize = 1
        let gray = [UInt8](repeating: 128, count: 64 * 64 * 3)
        let image = Image(width: 64, height: 64, format: .rgb, samples: .uint8(gray))
        let inputs = [EmbeddingInput](repeating: .image(image), count: 4)
        let shared = embedder
        let task = Task { () async throws -> EmbeddingMatrix in
            while !Task.isCancelled { await Task.yield() }  // starts the work only once cancelled
            return try await shared.embed(inputs)
        }
        task.cancel()
        await expectEmbeddingError(.cancelled, mentioning: "1 of 4 images") { _ = try await task.value }
        // Not cancelled, the same call completes.
        #expect(try await embedder.embed(inputs).count == 4)
    }

    @Test("text without a tokenizer, audio, empty images and videos are refused with typed errors")
    func refusedInputs() async throws {
        let embedder = try await CLIPEmbedder(directory: folder)
        let audio = AudioBuffer(sampleRate: 16_000, channelCount: 1, samples: [0, 0])
        let (_, pixels) = try goldens()
        let image = try GoldenImage.rebuild(pixels, index: 0, size: 64)
        for input: EmbeddingInput in [.text("t0"), .audio(audio)] {
            await expectEmbeddingError(.unsupportedModality) { _ = try await embedder.embed([.image(image), input]) }
        }
        expectError(.invalidInput, mentioning: "at least one frame") { _ = try EmbeddingInput.video(frames: []) }
        let broken = VideoClip(width: 64, height: 64, frameCount: 3, frameRate: .init(25)) {
            index throws(MediaDecodingError) in
            guard index != 1 else { throw MediaDecodingError(.corrupt, "frame 1 is damaged") }
            return image
        }
        do {
            _ = try await embedder.embed([.image(image), .video(broken)])
            Issue.record("a damaged frame was embedded")
        } catch let error as EmbeddingError {
            #expect(error.code == .invalidInput && error.message.contains("input 1: video frame 1"), "\(error)")
            #expect((error.underlying as? MediaDecodingError)?.code == .corrupt)
        }
        let empty = Image(width: 0, height: 0, format: .rgb, samples: .uint8([]))
        await expectEmbeddingError(.invalidInput) { _ = try await embedder.embed([.image(empty)]) }
        #expect(try await embedder.embed([]).count == 0)
    }
}

/// Rebuilds the 8-bit image a golden pixel tensor was normalised from.
///
/// Every value of a CLIP `pixel_values` tensor is `(byte / 255 − mean) / std` for the byte of an already
/// resized and cropped image, so inverting that gives back the exact bytes; an image of the crop size passes the
/// preprocessor unchanged, which makes the full image path testable against the golden tensors.
enum GoldenImage {
    static func rebuild(_ pixels: [Float], index: Int, size: Int) throws -> Image {
        let plane = size * size
        let base = index * 3 * plane
        var bytes = [UInt8](repeating: 0, count: 3 * plane)
        for c in 0..<3 {
            let mean = Double(ImagePreprocessor.clipMean[c])
            let std = Double(ImagePreprocessor.clipStd[c])
            for p in 0..<plane {
                let value = (Double(pixels[base + c * plane + p]) * std + mean) * 255
                try #require(abs(value - value.rounded()) < 1e-3, "pixel \(p) is not an 8-bit value: \(value)")
                bytes[p * 3 + c] = UInt8(value.rounded())
            }
        }
        return Image(width: size, height: size, format: .rgb, samples: .uint8(bytes))
    }
}

/// The frame indices a test clip was asked to decode.
private final class DecodeLog: @unchecked Sendable {
    // SAFETY: `log` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var log: [Int] = []

    func append(_ index: Int) { lock.withLock { log.append(index) } }
    var indices: [Int] { lock.withLock { log } }
}
