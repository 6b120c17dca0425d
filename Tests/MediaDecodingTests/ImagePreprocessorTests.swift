// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

/// A CLIP preprocessing golden from `preprocess/manifest.json` (transformers 5.24 `CLIPImageProcessorPil`).
struct CLIPCase: Sendable, CustomTestStringConvertible {
    var stem: String
    var resized: String
    var resizedWidth: Int
    var resizedHeight: Int
    var resizedMaxAbs: Double
    var resizedMeanAbs: Double
    var pixelMaxAbs: Double
    var pixelMeanAbs: Double

    var testDescription: String { stem }
    var input: String { "clip_in_\(stem).png" }
    var pixelValues: String { "clip_\(stem)_pixel_values.npy" }

    /// The PNG inputs (the two JPEG inputs need a JPEG decoder and are covered elsewhere).
    static let pngInputs: [CLIPCase] = [
        CLIPCase(stem: "horse", resized: "clip_horse_resized_273x224.npy", resizedWidth: 273, resizedHeight: 224),
        CLIPCase(
            stem: "microaneurysms",
            resized: "clip_microaneurysms_resized_224x224.npy",
            resizedWidth: 224,
            resizedHeight: 224
        ),
        CLIPCase(stem: "camera", resized: "clip_camera_resized_224x224.npy", resizedWidth: 224, resizedHeight: 224),
        CLIPCase(stem: "chelsea", resized: "clip_chelsea_resized_336x224.npy", resizedWidth: 336, resizedHeight: 224),
        CLIPCase(stem: "coffee", resized: "clip_coffee_resized_336x224.npy", resizedWidth: 336, resizedHeight: 224),
        CLIPCase(
            stem: "astronaut_portrait_288x512",
            resized: "clip_astronaut_portrait_288x512_resized_224x398.npy",
            resizedWidth: 224,
            resizedHeight: 398
        ),
    ]

    init(stem: String, resized: String, resizedWidth: Int, resizedHeight: Int) {
        // Lossless-input tolerances from the manifest.
        self.stem = stem
        self.resized = resized
        self.resizedWidth = resizedWidth
        self.resizedHeight = resizedHeight
        resizedMaxAbs = 1
        resizedMeanAbs = 0.01
        pixelMaxAbs = 0.016
        pixelMeanAbs = 0.0005
    }

    /// Committed copies first, then the shared fixture folder (`MMRAG_FIXTURES` = `…/shared/fixtures`).
    func url(_ name: String) throws -> URL {
        let local = try MediaFixtures.url("preprocess/" + name)
        if FileManager.default.fileExists(atPath: local.path) { return local }
        return try Fixtures.shared("media/preprocess/" + name)
    }

    var isAvailable: Bool {
        guard let local = try? MediaFixtures.url("preprocess/" + input) else { return false }
        return FileManager.default.fileExists(atPath: local.path) || Fixtures.hasShared
    }
}

@Suite struct ImagePreprocessorTests {
    static let available = CLIPCase.pngInputs.filter(\.isAvailable)

    @Test func committedInputsAreAvailable() {
        #expect(Self.available.count >= 2)
    }

    @Test(arguments: available)
    func resizeMatchesPillow(_ testCase: CLIPCase) throws {
        let image = try MediaDecoder().decodeImage([UInt8](Data(contentsOf: testCase.url(testCase.input))))
        let size = ImagePreprocessor.clip.resizedSize(width: image.width, height: image.height)
        #expect(size.width == testCase.resizedWidth && size.height == testCase.resizedHeight)
        let resized = image.flattened().resized(width: size.width, height: size.height, filter: .bicubic)
        let expected = try NPYArray(contentsOf: testCase.url(testCase.resized))
        #expect(expected.shape == [resized.height, resized.width, 3])
        let stats = Self.difference(try #require(resized.uint8Samples).map(Float.init), expected.floats)
        #expect(stats.max <= testCase.resizedMaxAbs && stats.mean <= testCase.resizedMeanAbs, "\(stats)")
        // An exact port of Pillow's fixed-point resize reproduces the golden bit for bit.
        #expect(stats.max == 0)
    }

    @Test(arguments: available)
    func clipPixelValuesMatchTransformers(_ testCase: CLIPCase) throws {
        let image = try MediaDecoder().decodeImage([UInt8](Data(contentsOf: testCase.url(testCase.input))))
        let tensor = ImagePreprocessor.clip(image)
        #expect(tensor.shape == [3, 224, 224])
        let expected = try NPYArray(contentsOf: testCase.url(testCase.pixelValues))
        #expect(expected.shape == [3, 224, 224])
        let stats = Self.difference(Array(tensor.values), expected.floats)
        #expect(stats.max <= testCase.pixelMaxAbs && stats.mean <= testCase.pixelMeanAbs, "\(stats)")
        #expect(stats.max == 0, "normalisation follows transformers' float64 → float32 order exactly")
    }

    @Test func resizedSizeTruncatesTheLongSide() {
        let clip = ImagePreprocessor.clip
        #expect(clip.resizedSize(width: 640, height: 427) == (335, 224))
        #expect(clip.resizedSize(width: 288, height: 512) == (224, 398))
        #expect(clip.resizedSize(width: 102, height: 102) == (224, 224))
    }

    /// The preprocessor resizes only the centre crop; it must equal the full resize followed by the crop.
    @Test(arguments: [
        (600, 400), (400, 600), (97, 1_000), (1_000, 97), (150, 150), (224, 500), (100, 224), (300, 1_000),
    ])
    func windowedResizeEqualsResizeThenCrop(_ size: (Int, Int)) {
        var generator = SeededGenerator(seed: UInt64(size.0 * 7 + size.1))
        let (w, h) = size
        // Even widths: RGB; odd widths: RGBA (flattened over white first). 300 × 1000 runs the vertical pass first.
        let format: PixelFormat = w % 2 == 0 ? .rgb : .rgba
        let pixels = (0..<(w * h * format.channelCount)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let image = Image(width: w, height: h, format: format, samples: .uint8(pixels))
        let clip = ImagePreprocessor.clip
        let target = clip.resizedSize(width: w, height: h)
        let full = image.flattened().resized(width: target.width, height: target.height)
            .centerCropped(width: 224, height: 224)
        #expect(clip(image) == full.normalizedTensor(mean: ImagePreprocessor.clipMean, std: ImagePreprocessor.clipStd))
    }

    @Test func extremeAspectRatioStaysSmall() {
        // 1 × 100 000 would be resized to 224 × 22 400 000 (15 GB) before the crop; only the crop is computed.
        let image = Image(
            width: 1,
            height: 100_000,
            format: .gray,
            samples: .uint8(Array(repeating: 90, count: 100_000))
        )
        let tensor = ImagePreprocessor.clip(image)
        #expect(tensor.shape == [3, 224, 224])
        #expect(tensor[0, 0, 0] == tensor[0, 223, 223])
    }

    @Test func grayPresetHasOnePlane() {
        let image = Image(
            width: 300,
            height: 250,
            format: .rgb,
            samples: .uint8(Array(repeating: 128, count: 300 * 250 * 3))
        )
        let tensor = ImagePreprocessor.clipGray(image)
        #expect(tensor.shape == [1, 224, 224])
        let expected = (Float(Double(128) * (1.0 / 255.0)) - 0.48145466) / 0.26862954
        #expect(tensor[0, 100, 100] == expected)
    }

    static func difference(_ actual: [Float], _ expected: [Float]) -> (mean: Double, max: Double) {
        guard actual.count == expected.count, !actual.isEmpty else { return (.infinity, .infinity) }
        var sum = 0.0
        var largest = 0.0
        for i in actual.indices {
            let d = abs(Double(actual[i]) - Double(expected[i]))
            sum += d
            largest = max(largest, d)
        }
        return (sum / Double(actual.count), largest)
    }
}
