// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// Tolerances from `fixtures/models/README.md`.
struct CLIPTolerance {
    /// Features: max abs diff <= relative × the golden row's norm.
    var featuresRelative: Float = 1e-4
    /// Normalised embeddings: max abs diff.
    var embeds: Float = 1e-4
    /// Logits: max abs diff.
    var logits: Float = 2e-3
}

/// Shared golden checks for the CLIP fixtures.
enum CLIPGoldenCheck {
    struct Expected {
        var textFeatures: [[Float]]
        var textEmbeds: [[Float]]
        var imageFeatures: [[Float]]
        var imageEmbeds: [[Float]]
        var logits: [[Float]]

        init(_ g: CLIPGoldens) {
            textFeatures = g.texts.map(\.textFeatures)
            textEmbeds = g.texts.map(\.textEmbeds)
            imageFeatures = g.images.map(\.imageFeatures)
            imageEmbeds = g.images.map(\.imageEmbeds)
            logits = g.logitsPerImage
        }

        init(_ r: CLIPGoldens.Reduced) {
            textFeatures = r.textFeatures
            textEmbeds = r.textEmbeds
            imageFeatures = r.imageFeatures
            imageEmbeds = r.imageEmbeds
            logits = r.logitsPerImage
        }
    }

    /// Runs every text (alone) and all images (as one batch) and compares features, embeddings and logits.
    static func check(
        _ model: CLIPModel,
        goldens g: CLIPGoldens,
        pixels: [Float],
        expected: Expected,
        tolerance: CLIPTolerance,
        report: inout ErrorReport
    ) throws {
        var textRows: [Float] = []
        for (i, text) in g.texts.enumerated() {
            let features = try model.textFeatures([text.inputIds])
            let norm = Compare.norm(expected.textFeatures[i])
            let diff = Compare.maxAbsDiff(features.values, expected.textFeatures[i])
            report.record("textFeatures/norm", diff / norm)
            #expect(diff <= tolerance.featuresRelative * norm, "text \(i) features: \(diff) vs norm \(norm)")
            let embeds = features.normalized()
            report.record(
                "textEmbeds",
                Compare.expectClose(
                    embeds.values,
                    expected.textEmbeds[i],
                    tolerance: tolerance.embeds,
                    "text \(i) embeds"
                )
            )
            report.record("text_cosine_deficit", 1 - Compare.cosine(Array(embeds.values), expected.textEmbeds[i]))
            textRows += embeds.values
        }
        let images = try model.imageFeatures(pixelValues: pixels)
        #expect(images.count == g.images.count)
        for i in 0..<images.count {
            let norm = Compare.norm(expected.imageFeatures[i])
            let diff = Compare.maxAbsDiff(images[i], expected.imageFeatures[i])
            report.record("imageFeatures/norm", diff / norm)
            #expect(diff <= tolerance.featuresRelative * norm, "image \(i) features: \(diff) vs norm \(norm)")
        }
        let imageEmbeds = images.normalized()
        for i in 0..<images.count {
            report.record(
                "imageEmbeds",
                Compare.expectClose(
                    imageEmbeds[i],
                    expected.imageEmbeds[i],
                    tolerance: tolerance.embeds,
                    "image \(i) embeds"
                )
            )
        }
        let texts = try EmbeddingMatrix(values: ContiguousArray(textRows), dimension: imageEmbeds.dimension)
        let logits = model.logits(images: imageEmbeds, texts: texts)
        report.record(
            "logits",
            Compare.expectClose(
                logits.values,
                expected.logits.flatMap { $0 },
                tolerance: tolerance.logits,
                "logitsPerImage"
            )
        )
    }

    /// Compares every text-0 and image-0 intermediate state with the `.npy` goldens (1e-4 × max row norm).
    static func checkHiddenStates(
        _ model: CLIPModel,
        folder: URL,
        goldens g: CLIPGoldens,
        pixels: [Float],
        report: inout ErrorReport
    ) throws {
        let textOut = try model.textOutput(g.texts[0].inputIds)
        let d = model.configuration.text.hiddenSize
        let textHidden = try NPYArray(contentsOf: folder.appendingPathComponent("text0_hidden_states.npy"))
        #expect(textHidden.shape == [textOut.hiddenStates.count, g.texts[0].inputIds.count, d])
        let expectedText = textHidden.floats
        for (layer, state) in textOut.hiddenStates.enumerated() {
            let golden = Array(expectedText[layer * state.count..<(layer + 1) * state.count])
            let scale = Compare.maxRowNorm(golden, width: d)
            let diff = Compare.maxAbsDiff(state, golden)
            report.record("text_hidden/norm", diff / scale)
            #expect(diff <= 1e-4 * scale, "text hidden state \(layer): \(diff) vs row norm \(scale)")
        }
        let last = try NPYArray(contentsOf: folder.appendingPathComponent("text0_last_hidden_state.npy")).floats
        let lastScale = Compare.maxRowNorm(last, width: d)
        let lastDiff = Compare.maxAbsDiff(textOut.lastHiddenState, last)
        report.record("text_last_hidden/norm", lastDiff / lastScale)
        #expect(lastDiff <= 1e-4 * lastScale)
        Compare.expectClose(
            textOut.pooledOutput,
            g.texts[0].poolerOutput,
            tolerance: 1e-4 * lastScale,
            "text poolerOutput"
        )

        let per = model.pixelsPerImage
        let imageOut = try model.imageOutput(pixelValues: Array(pixels[0..<per]))
        let v = model.configuration.vision.hiddenSize
        let embeddings = try NPYArray(contentsOf: folder.appendingPathComponent("image0_embeddings.npy")).floats
        let embScale = Compare.maxRowNorm(embeddings, width: v)
        let embDiff = Compare.maxAbsDiff(imageOut.embeddings, embeddings)
        report.record("image_embeddings/norm", embDiff / embScale)
        #expect(embDiff <= 1e-4 * embScale)
        let imageHidden = try NPYArray(contentsOf: folder.appendingPathComponent("image0_hidden_states.npy"))
        #expect(imageHidden.shape[0] == imageOut.hiddenStates.count)
        let expectedImage = imageHidden.floats
        for (layer, state) in imageOut.hiddenStates.enumerated() {
            let golden = Array(expectedImage[layer * state.count..<(layer + 1) * state.count])
            let scale = Compare.maxRowNorm(golden, width: v)
            let diff = Compare.maxAbsDiff(state, golden)
            report.record("image_hidden/norm", diff / scale)
            #expect(diff <= 1e-4 * scale, "image hidden state \(layer): \(diff) vs row norm \(scale)")
        }
        Compare.expectClose(
            imageOut.pooledOutput,
            g.images[0].poolerOutput,
            tolerance: 1e-4 * Compare.norm(g.images[0].poolerOutput),
            "image poolerOutput"
        )
    }

    /// The padded batch (one call, attention mask) gives the unpadded embeddings.
    static func checkPaddedBatch(_ model: CLIPModel, goldens g: CLIPGoldens, report: inout ErrorReport) throws {
        let padded = try model.textEmbeddings(
            g.paddedTextBatch.inputIds,
            attentionMask: g.paddedTextBatch.attentionMask
        )
        let ragged = try model.textEmbeddings(g.texts.map(\.inputIds))
        for i in 0..<g.texts.count {
            report.record(
                "padded_vs_golden",
                Compare.expectClose(padded[i], g.texts[i].textEmbeds, tolerance: 1e-4, "padded text \(i)")
            )
            report.record(
                "padded_vs_unpadded",
                Compare.expectClose(padded[i], ragged[i], tolerance: 1e-5, "padded vs ragged \(i)")
            )
        }
    }
}

@Suite struct CLIPGeluP16Tests {
    let folder = ModelFixture.geluP16

    @Test("gelu / patch 16 @ 64 / legacy eos 2: features, embeddings, logits, hidden states")
    func matchesGoldens() async throws {
        let model = try await CLIPModel(directory: folder)
        #expect(model.configuration.text.eosTokenId == 2)
        #expect(model.configuration.vision.patchSize == 16 && model.configuration.vision.imageSize == 64)
        #expect(abs(model.logitScale - 7.389056) < 1e-4)
        let g = try CLIPGoldens.load(folder.appendingPathComponent("goldens.json"))
        let pixels = try NPYArray(contentsOf: folder.appendingPathComponent(g.pixelValuesFile)).floats
        var report = ErrorReport("clip-tiny-gelu-p16 f32")
        try CLIPGoldenCheck.check(
            model,
            goldens: g,
            pixels: pixels,
            expected: .init(g),
            tolerance: .init(),
            report: &report
        )
        try CLIPGoldenCheck.checkHiddenStates(model, folder: folder, goldens: g, pixels: pixels, report: &report)
        try CLIPGoldenCheck.checkPaddedBatch(model, goldens: g, report: &report)
        report.print()
    }

    @Test("the legacy rule pools at the largest id, not at id 2")
    func legacyPooling() async throws {
        let model = try await CLIPModel(directory: folder)
        // No 1023 here: the largest id (900) is pooled; an eos search for 2 would find nothing.
        let output = try model.textOutput([1022, 5, 900, 7])
        let d = model.configuration.text.hiddenSize
        #expect(output.pooledOutput == Array(output.lastHiddenState[0..<d]))
        let other = try model.textOutput([5, 900, 7])
        #expect(other.pooledOutput == Array(other.lastHiddenState[d..<2 * d]))
    }

    @Test("single-threaded and two-threaded runs agree exactly")
    func threadsAgree() async throws {
        var model = try await CLIPModel(directory: folder)
        let g = try CLIPGoldens.load(folder.appendingPathComponent("goldens.json"))
        let pixels = try NPYArray(contentsOf: folder.appendingPathComponent(g.pixelValuesFile)).floats
        model.threads = 1
        let one = try model.imageFeatures(pixelValues: pixels)
        let textOne = try model.textFeatures(g.texts.map(\.inputIds))
        // Two and three threads split the batch into slices (three leaves a remainder run on all threads).
        for threads in [2, 3] {
            model.threads = threads
            #expect(try model.imageFeatures(pixelValues: pixels) == one, "\(threads) threads")
            #expect(try model.textFeatures(g.texts.map(\.inputIds)) == textOne, "\(threads) threads")
        }
    }

    @Test("a text embedded alone equals its row in a padded batch, bit for bit")
    func paddingInvariant() async throws {
        var model = try await CLIPModel(directory: folder)
        model.threads = 1
        let g = try CLIPGoldens.load(folder.appendingPathComponent("goldens.json"))
        let ids = g.texts.map(\.inputIds)
        #expect(Set(ids.map(\.count)).count > 1, "the goldens should mix lengths")
        let batch = try model.textFeatures(ids)
        for (s, sequence) in ids.enumerated() {
            #expect(Array(try model.textFeatures([sequence]).values) == Array(batch[s]), "text \(s)")
        }
    }
}

@Suite(.enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"))
struct CLIPTinyTests {
    @Test("float32 weights: features, embeddings, logits, per-layer hidden states, padded batch")
    func float32() async throws {
        let folder = try ModelFixture.shared("clip-tiny")
        let model = try await CLIPModel(directory: folder)
        let g = try CLIPGoldens.load(folder.appendingPathComponent("goldens.json"))
        let pixels = try NPYArray(contentsOf: folder.appendingPathComponent(g.pixelValuesFile)).floats
        var report = ErrorReport("clip-tiny f32")
        try CLIPGoldenCheck.check(
            model,
            goldens: g,
            pixels: pixels,
            expected: .init(g),
            tolerance: .init(),
            report: &report
        )
        try CLIPGoldenCheck.checkHiddenStates(model, folder: folder, goldens: g, pixels: pixels, report: &report)
        try CLIPGoldenCheck.checkPaddedBatch(model, goldens: g, report: &report)
        report.print()
    }

    @Test(
        "reduced-precision weights match their recorded outputs and stay near the float32 goldens",
        arguments: ["fp16", "bf16"]
    )
    func reducedPrecision(variant: String) async throws {
        let folder = try ModelFixture.shared("clip-tiny")
        let model = try await CLIPModel(directory: folder, variant: variant)
        let g = try CLIPGoldens.load(folder.appendingPathComponent("goldens.json"))
        let pixels = try NPYArray(contentsOf: folder.appendingPathComponent(g.pixelValuesFile)).floats
        let reduced = try #require(g.reducedPrecisionWeights)
        let recorded = try #require(variant == "fp16" ? reduced.fp16 : reduced.bf16)
        var exact = ErrorReport("clip-tiny \(variant) vs recorded \(variant) outputs")
        try CLIPGoldenCheck.check(
            model,
            goldens: g,
            pixels: pixels,
            expected: .init(recorded),
            tolerance: .init(),
            report: &exact
        )
        exact.print()
        let drift =
            variant == "fp16"
            ? CLIPTolerance(featuresRelative: 2e-3, embeds: 2e-3, logits: 0.05)
            : CLIPTolerance(featuresRelative: 1e-2, embeds: 1e-2, logits: 0.2)
        var vsFloat = ErrorReport("clip-tiny \(variant) vs f32 goldens")
        try CLIPGoldenCheck.check(
            model,
            goldens: g,
            pixels: pixels,
            expected: .init(g),
            tolerance: drift,
            report: &vsFloat
        )
        vsFloat.print()
    }
}
