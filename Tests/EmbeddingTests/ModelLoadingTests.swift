// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// Bad checkpoints, configs and inputs give typed errors that name what is wrong; the registry dispatches on
/// `model_type`.
@Suite struct ModelLoadingTests {
    let folder = ModelFixture.geluP16

    private func configuration() throws -> CLIPConfiguration {
        try JSONDecoder().decode(
            CLIPConfiguration.self,
            from: Data(contentsOf: folder.appendingPathComponent("config.json"))
        )
    }

    @Test("the config is read, not hard-coded")
    func decodesConfig() throws {
        let c = try configuration()
        #expect(c.projectionDim == 24)
        #expect(c.text.hiddenSize == 32 && c.text.numHiddenLayers == 3 && c.text.maxPositionEmbeddings == 32)
        #expect(c.text.hiddenAct == "gelu" && c.text.eosTokenId == 2 && c.text.vocabSize == 1024)
        #expect(c.vision.hiddenSize == 48 && c.vision.numAttentionHeads == 3 && c.vision.gridSize == 4)
        let defaults = try JSONDecoder().decode(CLIPConfiguration.self, from: Data("{}".utf8))
        #expect(defaults == CLIPConfiguration())
        #expect(defaults.text.eosTokenId == 49407 && defaults.vision.patchSize == 32)
        let legacy = """
            {"model_type": "clip", "text_config": {"hidden_size": 64}, "text_config_dict": {"hidden_size": 96,
             "eos_token_id": 2}, "vision_config_dict": null, "vision_config": {"patch_size": 16}}
            """
        let old = try JSONDecoder().decode(CLIPConfiguration.self, from: Data(legacy.utf8))
        #expect(old.text.hiddenSize == 96 && old.text.eosTokenId == 2 && old.vision.patchSize == 16)
    }

    @Test("a missing tensor and a wrong shape are named")
    func missingAndMisshapenTensors() async throws {
        let weights = try await SafetensorsCheckpoint(directory: folder)
        var deeper = try configuration()
        deeper.text.numHiddenLayers = 4
        expectError(.missingTensor, mentioning: "text_model.encoder.layers.3.layer_norm1.weight") {
            _ = try CLIPModel(configuration: deeper, weights: weights)
        }
        var wider = try configuration()
        wider.projectionDim = 25
        expectError(.shapeMismatch, mentioning: "text_projection.weight") {
            _ = try CLIPModel(configuration: wider, weights: weights)
        }
        var bigger = try configuration()
        bigger.vision.imageSize = 80
        expectError(.shapeMismatch, mentioning: "position_embedding") {
            _ = try CLIPModel(configuration: bigger, weights: weights)
        }
        var relu = try configuration()
        relu.vision.hiddenAct = "relu"
        expectError(.unsupportedModel, mentioning: "relu") { _ = try CLIPModel(configuration: relu, weights: weights) }
        var odd = try configuration()
        odd.vision.patchSize = 15
        expectError(.invalidConfiguration, mentioning: "patch_size") {
            _ = try CLIPModel(configuration: odd, weights: weights)
        }
    }

    @Test("token ids out of range, sequences too long, no end token, bad pixel counts")
    func badInputs() async throws {
        let model = try await CLIPModel(directory: folder)
        expectError(.invalidInput, mentioning: "1024") { _ = try model.textFeatures([[1022, 1024]]) }
        expectError(.invalidInput, mentioning: "-3") { _ = try model.textFeatures([[1022, 5], [-3, 1023]]) }
        expectError(.invalidInput, mentioning: "at most 32") {
            _ = try model.textFeatures([[1022] + Array(repeating: 7, count: 31) + [1023]])
        }
        expectError(.invalidInput, mentioning: "no tokens") { _ = try model.textFeatures([[]]) }
        expectError(.invalidInput, mentioning: "pixel") {
            _ = try model.imageFeatures(pixelValues: [Float](repeating: 0, count: 100))
        }
        expectError(.invalidInput, mentioning: "one image") { _ = try model.imageOutput(pixelValues: []) }
        #expect(try model.textFeatures([]).count == 0)
        #expect(try model.imageFeatures(pixelValues: []).count == 0)
        // With a non-legacy eos id, a sequence without that token cannot be pooled.
        var modern = try configuration()
        modern.text.eosTokenId = 1023
        let pooled = try CLIPModel(configuration: modern, weights: await SafetensorsCheckpoint(directory: folder))
        expectError(.invalidInput, mentioning: "1023") { _ = try pooled.textFeatures([[1022, 5, 6]]) }
        // ...and one with it pools at its first occurrence, which equals the legacy argmax here.
        let modernOut = try pooled.textFeatures([[1022, 5, 1023, 1023]])
        let legacyOut = try model.textFeatures([[1022, 5, 1023, 1023]])
        #expect(modernOut == legacyOut)
    }

    @Test("the registry loads by model_type and rejects unknown types")
    func registry() async throws {
        #expect(ModelRegistry.standard.modelTypes == ["bert", "clip"])
        let model = try await ModelRegistry.standard.load(directory: folder)
        let clip = try #require(model as? CLIPModel)
        let weights = try SHA256.hash(Data(contentsOf: folder.appendingPathComponent("model.safetensors")))
        let space = EmbeddingSpace(
            modelID: "clip-tiny-gelu-p16",
            revision: "sha256:" + weights.hexString,
            dimension: 24,
            normalization: .l2
        )
        #expect(clip.space == space)
        let onlyBERT = ModelRegistry([BERTModel.self])
        do {
            _ = try await onlyBERT.load(directory: folder)
            Issue.record("clip loaded by a BERT-only registry")
        } catch {
            #expect(error.code == .unsupportedModel && error.message.contains("clip"))
        }
        do {
            _ = try await BERTModel(directory: folder)
            Issue.record("BERT loaded a CLIP folder")
        } catch {
            #expect(error.code == .unsupportedModel)
        }
        do {
            _ = try await CLIPModel(directory: folder.appendingPathComponent("nope"))
            Issue.record("loaded a missing folder")
        } catch {
            #expect(error.code == .notFound && error.message.contains("config.json"), "\(error)")
        }
    }
}
