// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// The models' own threads (matrix-product columns, batch slices) under concurrent callers; run under the thread
/// sanitizer in CI (`--filter Concurrency`).
@Suite struct ModelConcurrencyTests {
    @Test("four tasks embedding sliced batches at once get the single-threaded results")
    func concurrentSlicedBatches() async throws {
        let folder = ModelFixture.geluP16
        var model = try await CLIPModel(directory: folder)
        let g = try CLIPGoldens.load(folder.appendingPathComponent("goldens.json"))
        let pixels = try NPYArray(contentsOf: folder.appendingPathComponent(g.pixelValuesFile)).floats
        let ids = g.texts.map(\.inputIds)
        model.threads = 1
        let images = try model.imageFeatures(pixelValues: pixels)
        let texts = try model.textFeatures(ids)
        model.threads = 2
        let shared = model
        try await withThrowingTaskGroup(of: (EmbeddingMatrix, EmbeddingMatrix).self) { group in
            for _ in 0..<4 {
                group.addTask {
                    (try shared.imageFeatures(pixelValues: pixels), try shared.textFeatures(ids))
                }
            }
            for try await (i, t) in group {
                #expect(i == images)
                #expect(t == texts)
            }
        }
    }
}
