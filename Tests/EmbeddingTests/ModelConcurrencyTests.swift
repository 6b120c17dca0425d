// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
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

    /// Counts turns of the main actor.
    @MainActor final class Ticker {
        var ticks = 0
    }

    @MainActor
    @Test("a main-actor caller stays free while a model loads and embeds (the work runs off the caller's actor)")
    func workLeavesTheCallersActorFree() async throws {
        let ticker = Ticker()
        let spinner = Task { @MainActor in
            while !Task.isCancelled {
                ticker.ticks += 1
                await Task.yield()
            }
        }
        defer { spinner.cancel() }
        // Nothing below suspends on its own (one batch: the embedder yields only between batches), so the
        // spinner can run only while a call has left the main actor. Its job is queued ahead of the caller's
        // continuation, so each call that leaves lets it turn at least once.
        var embedder = try await CLIPEmbedder(directory: ModelFixture.geluP16)
        let afterLoad = ticker.ticks
        #expect(afterLoad > 0, "loading ran on the main actor")
        let gray = [UInt8](repeating: 128, count: 64 * 64 * 3)
        let image = Image(width: 64, height: 64, format: .rgb, samples: .uint8(gray))
        let inputs = [EmbeddingInput](repeating: .image(image), count: 8)
        embedder.batchSize = inputs.count
        // Were `embed` run on the main actor, this loop would never suspend and would stop at the deadline.
        // The deadline is generous because a busy machine (the whole suite runs in parallel on two cores) can keep
        // the spinner waiting for seconds; run on the main actor, the loop would still never let it turn.
        let deadline = ContinuousClock.now + .seconds(120)
        repeat {
            _ = try await embedder.embed(inputs)
        } while ticker.ticks == afterLoad && ContinuousClock.now < deadline
        #expect(ticker.ticks > afterLoad, "embedding ran on the main actor")
    }
}
