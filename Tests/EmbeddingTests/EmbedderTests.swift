// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Testing

/// A deterministic text-only embedder: the seam as a host would implement it.
private struct LengthEmbedder: Embedder {
    let space = EmbeddingSpace(modelID: "test/length", revision: "1", dimension: 2, normalization: .none)
    let modalities: Set<Modality> = [.text]

    func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        var values = ContiguousArray<Float>()
        for case .text(let s) in inputs { values += [Float(s.count), Float(s.utf8.count)] }
        return try EmbeddingMatrix(values: values, dimension: 2)
    }
}

@Suite struct EmbedderTests {
    @Test func embedsBatchesAndRejectsOtherModalities() async throws {
        let embedder: any Embedder = LengthEmbedder()
        let out = try await embedder.embed([.text("ab"), .text("é")])
        #expect(out.count == 2 && out.rows == [[2, 2], [1, 2]])
        #expect(try await embedder.embed(.text("xyz")) == [3, 3])
        let image = Image(width: 1, height: 1, format: .gray, samples: .uint8([0]))
        do {
            _ = try await embedder.embed([.text("a"), .image(image)])
            Issue.record("image accepted")
        } catch let error as EmbeddingError {
            #expect(error.code == .unsupportedModality)
            #expect(error.message.contains("input 1 is image"))
        }
        #expect(try EmbeddingInput.video(frames: [image]).modality == .video)
        #expect(EmbeddingInput.audio(AudioBuffer(sampleRate: 8000, channelCount: 1, samples: [0])).modality == .audio)
    }

    @Test func spaceIsCodableAndDistinguishesModels() throws {
        let a = EmbeddingSpace(modelID: "m", revision: "r1", dimension: 4, normalization: .l2)
        let decoded = try JSONDecoder().decode(EmbeddingSpace.self, from: JSONEncoder().encode(a))
        #expect(decoded == a)
        #expect(a != EmbeddingSpace(modelID: "m", revision: "r2", dimension: 4, normalization: .l2))
        #expect(a != EmbeddingSpace(modelID: "m", revision: "r1", dimension: 4, normalization: .none))
        #expect(a.description == "m@r1 (4, l2)")
    }

    @Test func matrixNormalizesRows() throws {
        let m = try EmbeddingMatrix(values: [3, 4, 0, 0], dimension: 2).normalized()
        #expect(m.rows == [[0.6, 0.8], [0, 0]])
    }
}
