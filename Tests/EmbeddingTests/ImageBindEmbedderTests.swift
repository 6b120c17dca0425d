// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

/// `imagebind-tiny` end to end: raw texts, image files, WAV files, a video file, maps and IMU series through the
/// reference preprocessing and the embedder, against the reference's tensors and outputs.
@Suite(.enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"))
struct ImageBindEmbedderTests {
    let fixture: ImageBindFixture

    init() throws { fixture = try ImageBindFixture() }

    private func makeEmbedder(_ output: ImageBindEmbedder.Output = .normalized) async throws -> ImageBindEmbedder {
        var embedder = try await ImageBindEmbedder(
            directory: fixture.folder,
            tokenizerDirectory: try ModelFixture.shared("clip-tokenizer")
        )
        embedder.output = output
        return embedder
    }

    private func rows(_ path: Any..., count: Int) -> [[Float]] {
        let flat = ImageBindFixture.flatten(
            path.reduce(fixture.goldens as Any) { node, step in
                if let key = step as? String { return (node as! [String: Any])[key]! }
                return (node as! [Any])[step as! Int]
            }
        )
        let d = flat.count / count
        return (0..<count).map { Array(flat[$0 * d..<($0 + 1) * d]) }
    }

    @Test("raw texts: token ids equal the reference's; normalised and raw vectors equal its outputs")
    func texts() async throws {
        let embedder = try await makeEmbedder()
        #expect(embedder.modalities == Set(Modality.allCases))
        let texts = (0..<8).map { fixture.value("inputs", "text", $0, "text") as! String }
        for (t, text) in texts.enumerated() {
            let ids = embedder.tokenIDs(text)
            #expect(ids + Array(repeating: 0, count: 77 - ids.count) == fixture.tokenIDs(t), "text \(t)")
        }
        let normalized = try await embedder.embed(texts.map { .text($0) })
        let raw = try await makeEmbedder(.raw).embed(texts.map { .text($0) })
        let goldenNormalized = rows("outputs", "text", "normalized", count: 8)
        let goldenOutput = rows("outputs", "text", "output", count: 8)
        for t in 0..<8 {
            Compare.expectClose(normalized[t], goldenNormalized[t], tolerance: 1e-4, "text \(t)")
            Compare.expectClose(raw[t], goldenOutput[t], tolerance: 1e-4 * 100, "raw text \(t)")
        }
        #expect(embedder.space.normalization == .l2)
        #expect(try await makeEmbedder(.raw).space.normalization == EmbeddingSpace.Normalization.none)
    }

    @Test("legacy truncation: the long text loses its end token and is pooled at the start token")
    func legacyTruncation() async throws {
        var embedder = try await makeEmbedder(.raw)
        embedder.legacyTextTruncation = true
        let text = fixture.value("inputs", "text", 6, "text") as! String
        let golden = (fixture.value("inputs", "text_legacy_truncation", "input_ids") as! [Any]).map {
            ($0 as! NSNumber).intValue
        }
        #expect(embedder.tokenIDs(text) == golden)
        #expect(!golden.contains(49407))
        let out = try await embedder.embed([.text(text), .text(text + " And more words.")])
        Compare.expectClose(
            out[0],
            fixture.floats("inputs", "text_legacy_truncation", "output"),
            tolerance: 1e-2,
            "legacy output"
        )
        // Pooled at the start token: a longer text changes nothing (the flaw the current code fixed).
        #expect(Compare.maxAbsDiff(out[0], out[1]) == 0)
        embedder.legacyTextTruncation = false
        embedder.output = .normalized
        let current = try await embedder.embed([.text(text)])
        Compare.expectClose(current[0], rows("outputs", "text", "normalized", count: 8)[6], tolerance: 1e-4, "long")
    }

    @Test("image files: ImageBind's transform (alpha dropped, bicubic, crop offsets rounded half to even)")
    func images() async throws {
        let sources = (0..<4).map { fixture.value("inputs", "vision", $0, "source") as! String }
        let golden = try fixture.npy("vision_pixel_values.npy").floats
        let plane = 3 * 224 * 224
        var images: [Image] = []
        var report = ErrorReport("imagebind-tiny image preprocessing")
        for (i, source) in sources.enumerated() {
            let bytes = try [UInt8](Data(contentsOf: Fixtures.shared(source)))
            let image = try MediaDecoder().decodeImage(bytes)
            images.append(image)
            let pixels = ImagePreprocessor.imageBind(image).values
            let expected = golden[i * plane..<(i + 1) * plane]
            let diffs = zip(pixels, expected).map { abs($0 - $1) }
            let mean = diffs.reduce(0, +) / Float(diffs.count)
            let isJPEG = source.hasSuffix(".jpg")
            report.record("max \(i)", diffs.max()!)
            report.record("mean \(i)", mean)
            #expect(mean <= (isJPEG ? 0.002 : 0.0005) && diffs.max()! <= (isJPEG ? 0.06 : 0.016), "\(source)")
        }
        report.print()
        let out = try await makeEmbedder().embed(images.map { .image($0) })
        let expected = rows("outputs", "vision", "normalized", count: 4)
        for i in 0..<4 { Compare.expectClose(out[i], expected[i], tolerance: 1e-4, "image \(i)") }
    }

    @Test("WAV files: resampling, clip placement, in-place mean removal, fbank and padding give the spectrograms")
    func audio() async throws {
        var audio: [AudioBuffer] = []
        var report = ErrorReport("imagebind-tiny audio preprocessing")
        for file in 0..<2 {
            let source = fixture.value("inputs", "audio", file, "source") as! String
            let buffer = try MediaDecoder().decodeAudio([UInt8](Data(contentsOf: Fixtures.shared(source))))
            audio.append(buffer)
            let clips = ImageBindAudioPreprocessor().clips(buffer)
            let values = Array(clips.map(\.values).joined())
            let golden = try fixture.npy("audio\(file)_melspec.npy").floats
            let diffs = zip(values, golden).map { abs($0 - $1) }
            let mean = diffs.reduce(0, +) / Float(diffs.count)
            report.record("max \(file)", diffs.max()!)
            report.record("mean \(file)", mean)
            #expect(values.count == golden.count && diffs.max()! <= 1e-2 && mean <= 1e-4, "\(source)")
        }
        report.print()
        let raw = try await makeEmbedder(.raw).embed(audio.map { .audio($0) })
        let expected = rows("outputs", "audio", "output", count: 2)
        for i in 0..<2 { Compare.expectClose(raw[i], expected[i], tolerance: 20e-4, "audio \(i)") }
    }

    @Test("the video file decodes and embeds close to the reference (decoders differ by a few levels)")
    func videoFile() async throws {
        let source = fixture.value("inputs", "video", "source") as! String
        let clip = try MediaDecoder().decodeVideo([UInt8](Data(contentsOf: Fixtures.shared(source))))
        let out = try await makeEmbedder(.raw).embed([.video(clip)])
        let expected = rows("outputs", "video", "output", count: 1)[0]
        let cosine = Compare.cosine(Array(out[0]), expected)
        print("[imagebind-tiny video file] cosine to the reference \(cosine)")
        #expect(cosine >= 0.99)
        #expect(abs(Compare.norm(out[0]) - Compare.norm(expected)) < 0.01)
    }

    @Test("depth and thermal float maps and IMU series give the reference outputs, raw and normalised")
    func mapsAndIMU() async throws {
        let raw = try await makeEmbedder(.raw)
        let normalized = try await makeEmbedder()
        let depth = try fixture.npy("depth_input.npy").floats
        let thermal = try fixture.npy("thermal_input.npy").floats
        let imu = try fixture.npy("imu_input.npy").floats
        let n = 224 * 224
        var inputs: [EmbeddingInput] = []
        for i in 0..<2 {
            inputs.append(
                .depth(
                    try SingleChannelMap(width: 224, height: 224, values: ContiguousArray(depth[i * n..<(i + 1) * n]))
                )
            )
        }
        for i in 0..<2 {
            inputs.append(
                .thermal(
                    try SingleChannelMap(width: 224, height: 224, values: ContiguousArray(thermal[i * n..<(i + 1) * n]))
                )
            )
        }
        for i in 0..<2 {
            inputs.append(.imu(try IMUSeries(values: ContiguousArray(imu[i * 12000..<(i + 1) * 12000]), length: 2000)))
        }
        let rawOut = try await raw.embed(inputs)
        let unitOut = try await normalized.embed(inputs)
        for (k, name) in ["depth", "thermal", "imu"].enumerated() {
            let outputs = rows("outputs", name, "output", count: 2)
            let units = rows("outputs", name, "normalized", count: 2)
            for i in 0..<2 {
                Compare.expectClose(rawOut[2 * k + i], outputs[i], tolerance: 1e-3, "raw \(name) \(i)")
                Compare.expectClose(unitOut[2 * k + i], units[i], tolerance: 1e-4, "\(name) \(i)")
            }
        }
        // A shorter series is zero-padded to 2000 steps, a longer one cut, as Weaviate's loader does.
        let series = try IMUSeries(values: ContiguousArray(imu[0..<12000]), length: 2000)
        let cut = Array(imu[0..<2000]) + Array(repeating: 7, count: 5)
        var longer: [Float] = []
        for c in 0..<6 { longer += Array(imu[c * 2000..<(c + 1) * 2000]) + Array(repeating: Float(c), count: 5) }
        _ = cut
        let long = try IMUSeries(values: ContiguousArray(longer), length: 2005)
        let pair = try await normalized.embed([.imu(series), .imu(long)])
        #expect(Compare.maxAbsDiff(pair[0], pair[1]) == 0)
    }

    @Test("bad inputs and modalities an embedder lacks are typed errors")
    func badInputs() async throws {
        let embedder = try await makeEmbedder()
        let empty = Image(width: 0, height: 0, format: .rgb, samples: .uint8([]))
        let map = try SingleChannelMap(width: 10, height: 10, values: ContiguousArray(repeating: 0, count: 100))
        for input: EmbeddingInput in [.image(empty), .depth(map), .depth(SingleChannelMap(empty))] {
            let error = await #expect(throws: EmbeddingError.self) { _ = try await embedder.embed([input]) }
            #expect(error?.code == .invalidInput)
        }
        let wide = Image(width: 300, height: 200, format: .rgb, samples: .uint8(Array(repeating: 9, count: 180_000)))
        let tall = Image(width: 200, height: 300, format: .rgb, samples: .uint8(Array(repeating: 9, count: 180_000)))
        let mixed = try EmbeddingInput.video(frames: [wide, tall])
        let videoError = await #expect(throws: EmbeddingError.self) { _ = try await embedder.embed([mixed]) }
        #expect(videoError?.code == .invalidInput)
        #expect(try await embedder.embed([]).count == 0)
        #expect(throws: EmbeddingError.self) { _ = try SingleChannelMap(width: 3, height: 3, values: [1]) }
        #expect(throws: EmbeddingError.self) { _ = try IMUSeries(values: [1, 2, 3], length: 1) }
        #expect(throws: EmbeddingError.self) {
            _ = try IMUSeries(values: ContiguousArray(repeating: .nan, count: 6), length: 1)
        }
        // Without a tokenizer text is refused before any work.
        let noText = ImageBindEmbedder(model: embedder.model, tokenizer: nil)
        let refused = await #expect(throws: EmbeddingError.self) { _ = try await noText.embed([.text("a dog")]) }
        #expect(refused?.code == .unsupportedModality)
        // CLIP refuses the new modalities with a typed error.
        let clip = try await CLIPEmbedder(
            directory: try ModelFixture.shared("clip-tiny"),
            tokenizerDirectory: try ModelFixture.shared("clip-tokenizer")
        )
        let imu = try IMUSeries(values: ContiguousArray(repeating: 0, count: 6), length: 1)
        for input: EmbeddingInput in [.depth(map), .thermal(map), .imu(imu)] {
            let error = await #expect(throws: EmbeddingError.self) { _ = try await clip.embed([input]) }
            #expect(error?.code == .unsupportedModality)
        }
    }
}
