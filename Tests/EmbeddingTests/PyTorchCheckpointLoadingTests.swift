// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// Models load from `pytorch_model.bin` when a folder has no safetensors weights, through the same
/// ``ModelWeights`` surface, with the same results.
@Suite struct PyTorchCheckpointLoadingTests {
    /// A copy of `clip-tiny-gelu-p16` whose weights are a `pytorch_model.bin` written from its safetensors.
    private static func pytorchFolder() throws -> URL {
        let source = ModelFixture.geluP16
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pth-clip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: source.appendingPathComponent("config.json"),
            to: folder.appendingPathComponent("config.json")
        )
        let safetensors = try SafetensorsFile(
            data: Data(contentsOf: source.appendingPathComponent("model.safetensors"))
        )
        let tensors = try safetensors.names.map { name in
            (name, try safetensors.info(name).shape, Array(try safetensors.floats(name)))
        }
        try PyTorchArchiveBuilder.floats(tensors).data().write(to: folder.appendingPathComponent("pytorch_model.bin"))
        return folder
    }

    @Test("CLIPModel(directory:) reads pytorch_model.bin and embeds exactly as from model.safetensors")
    func clipFromPyTorch() async throws {
        let folder = try Self.pytorchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fromBin = try await CLIPModel(directory: folder)
        let reference = try await CLIPModel(directory: ModelFixture.geluP16)
        let ids = [[1022, 5, 17, 1023], [1022, 900, 1023]]
        #expect(try fromBin.textFeatures(ids) == reference.textFeatures(ids))
        let pixels: [Float] = (0..<(3 * 64 * 64)).map { (i: Int) -> Float in Float(i % 97) / 97 - 0.5 }
        #expect(try fromBin.imageFeatures(pixelValues: pixels) == reference.imageFeatures(pixelValues: pixels))
        let digest = try SHA256.hash(Data(contentsOf: folder.appendingPathComponent("pytorch_model.bin")))
        #expect(fromBin.space.revision == "sha256:" + digest.hexString)
    }

    @Test("a public model initializer takes either format, and any ModelWeights")
    func eitherFormat() async throws {
        let folder = try Self.pytorchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = try JSONDecoder().decode(
            CLIPConfiguration.self,
            from: Data(contentsOf: folder.appendingPathComponent("config.json"))
        )
        let pytorch = try await PyTorchCheckpoint(directory: folder)
        let safetensors = try await SafetensorsCheckpoint(directory: ModelFixture.geluP16)
        #expect(pytorch.names == safetensors.names)
        let weights: [any ModelWeights] = [pytorch, safetensors]
        let models = try weights.map { try CLIPModel(configuration: configuration, weights: $0) }
        #expect(try models[0].textFeatures([[1022, 3, 1023]]) == models[1].textFeatures([[1022, 3, 1023]]))
    }

    @Test("safetensors win when both formats are present; no weights at all names model.safetensors")
    func preference() async throws {
        let folder = try Self.pytorchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A pytorch_model.bin that disagrees: the safetensors copy must be the one loaded.
        try FileManager.default.copyItem(
            at: ModelFixture.geluP16.appendingPathComponent("model.safetensors"),
            to: folder.appendingPathComponent("model.safetensors")
        )
        try PyTorchArchiveBuilder.floats([("unrelated", [1], [0])]).data()
            .write(to: folder.appendingPathComponent("pytorch_model.bin"))
        _ = try await CLIPModel(directory: folder)
        for name in ["model.safetensors", "pytorch_model.bin"] {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
        await expectEmbeddingError(.notFound, mentioning: "model.safetensors") {
            _ = try await CLIPModel(directory: folder)
        }
    }
}
