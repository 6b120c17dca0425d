// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Testing

/// `preprocessor_config.json` → `ImagePreprocessor`, and the registry's answer for unknown model types.
@Suite struct ImagePreprocessorDirectoryTests {
    private func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("preprocessor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
        return url
    }

    @Test("the transformers fields are read: size, crop, resample, mean and std, do_normalize")
    func readsFields() throws {
        let json = """
            {"size": {"shortest_edge": 256}, "crop_size": 224, "resample": 2, "image_mean": [0.5, 0.5, 0.5],
             "image_std": [0.25, 0.25, 0.25], "do_rescale": true, "rescale_factor": 0.00392156862745098}
            """
        let url = try folder(["preprocessor_config.json": json])
        defer { try? FileManager.default.removeItem(at: url) }
        let p = try ImagePreprocessor(directory: url, imageSize: 224)
        #expect(p.shortestEdge == 256 && p.cropWidth == 224 && p.cropHeight == 224 && p.filter == .bilinear)
        #expect(p.mean == [0.5, 0.5, 0.5] && p.std == [0.25, 0.25, 0.25])
        try Data(#"{"do_normalize": false}"#.utf8).write(to: url.appendingPathComponent("preprocessor_config.json"))
        let plain = try ImagePreprocessor(directory: url, imageSize: 224)
        #expect(plain.mean == [0, 0, 0] && plain.std == [1, 1, 1] && plain.filter == .bicubic)
        try FileManager.default.removeItem(at: url.appendingPathComponent("preprocessor_config.json"))
        #expect(try ImagePreprocessor(directory: url, imageSize: 224) == .clip)
    }

    @Test(
        "options that would silently change the input are refused",
        arguments: [
            (#"{"resample": 0}"#, EmbeddingError.Code.unsupportedModel),
            (#"{"size": {"height": 224, "width": 224}}"#, .unsupportedModel),
            (#"{"do_center_crop": false}"#, .unsupportedModel),
            (#"{"rescale_factor": 1.0}"#, .unsupportedModel),
            (#"{"crop_size": {"height": 192, "width": 192}}"#, .invalidConfiguration),
            (#"{"image_mean": [0.5]}"#, .invalidConfiguration),
            ("not json", .invalidConfiguration),
        ]
    )
    func refusesUnsupported(json: String, code: EmbeddingError.Code) throws {
        let url = try folder(["preprocessor_config.json": json])
        defer { try? FileManager.default.removeItem(at: url) }
        #expect {
            _ = try ImagePreprocessor(directory: url, imageSize: 224)
        } throws: { error in
            (error as? EmbeddingError)?.code == code
        }
    }

    @Test("an unknown model_type is a typed error that names it")
    func unknownModelType() async throws {
        let url = try folder(["config.json": #"{"model_type": "llama"}"#])
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try await ModelRegistry.standard.embedder(directory: url)
            Issue.record("llama loaded")
        } catch {
            #expect(error.code == .unsupportedModel && error.message.contains("llama"))
        }
    }
}
