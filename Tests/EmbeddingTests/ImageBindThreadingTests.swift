// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// The threads of one ImageBind call (shares of a batch run end to end, and the rows and attention heads of one
/// pass split between threads) change no bit: every tower gives the same heads at any thread count, and an item
/// gives the same heads alone as anywhere in a batch.
///
/// Runs in the optimised test run (`swift test -c release`, which `.ci/run` runs after the debug one): through the
/// unoptimised debug kernels these comparisons take about two minutes of CPU, the largest share of a debug run.
@Suite(
    .enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"),
    .enabled(if: Fixtures.isOptimizedBuild, "runs in release builds (swift test -c release)")
)
struct ImageBindThreadingTests {
    let fixture: ImageBindFixture

    init() throws { fixture = try ImageBindFixture() }

    /// A batch of `count` distinct items from the fixture's `items` inputs (scaled copies past the end).
    private func batch(_ values: [Float], items: Int, count: Int) -> [Float] {
        let length = values.count / items
        return (0..<count).flatMap { i in
            let item = values[(i % items) * length..<(i % items + 1) * length]
            let scale = Float(1 + i / items) * (i % 2 == 0 ? 1 : -0.5)
            return item.map { $0 * scale }
        }
    }

    /// Expects the heads of `batch` inputs (`clips` each) at 2 and 3 threads to equal, bit for bit, those at one
    /// thread, and each input alone (at two threads: its rows split between them) to give its rows of the batch.
    private func expectSameBits(
        _ tower: ImageBindModel.Tower,
        _ values: [Float],
        batch: Int,
        clips: Int = 1,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        var model = try await fixture.model()
        model.threads = 1
        let reference = try model.embed(tower, values: values, batch: batch, clips: clips).heads
        let length = values.count / batch
        for threads in [2, 3] {
            model.threads = threads
            let heads = try model.embed(tower, values: values, batch: batch, clips: clips).heads
            #expect(
                heads == reference,
                "\(tower) batch of \(batch) at \(threads) threads",
                sourceLocation: sourceLocation
            )
        }
        model.threads = 2
        let rows = clips * reference.dimension
        for i in 0..<batch {
            let one = Array(values[i * length..<(i + 1) * length])
            let alone = try model.embed(tower, values: one, batch: 1, clips: clips).heads
            #expect(
                Array(alone.values) == Array(reference.values[i * rows..<(i + 1) * rows]),
                "\(tower) input \(i) alone",
                sourceLocation: sourceLocation
            )
        }
    }

    @Test("images and a video's 15 views: the same bits at 1, 2 and 3 threads, alone or in a batch")
    func vision() async throws {
        let pixels = try fixture.npy("vision_pixel_values.npy").floats
        try await expectSameBits(.vision, batch(pixels, items: 4, count: 5), batch: 5)
        try await expectSameBits(
            .vision,
            Array(try ImageBindModelTests.videoViews(fixture).joined()),
            batch: 1,
            clips: 15
        )
    }

    @Test("audio files of three clips: the same bits at 1, 2 and 3 threads, alone or in a batch")
    func audio() async throws {
        let spectrograms = try fixture.npy("audio0_melspec.npy").floats + fixture.npy("audio1_melspec.npy").floats
        try await expectSameBits(.audio, Array(spectrograms[0..<3 * 128 * 204]), batch: 1, clips: 3)
        try await expectSameBits(.audio, batch(spectrograms, items: 2, count: 5), batch: 5, clips: 3)
    }

    @Test("depth, thermal and IMU: the same bits at 1, 2 and 3 threads, alone or in a batch")
    func depthThermalIMU() async throws {
        for tower in [ImageBindModel.Tower.depth, .thermal, .imu] {
            let input = try fixture.npy("\(tower.rawValue)_input.npy").floats
            try await expectSameBits(tower, batch(input, items: 2, count: 5), batch: 5)
        }
    }

    @Test("texts: the same bits at 1, 2 and 3 threads, and alone (unpadded) as in a padded batch")
    func text() async throws {
        var model = try await fixture.model()
        let ids = (0..<8).map { fixture.tokenIDs($0) }
        let unpadded = ids.map { Array($0[...($0.firstIndex(of: 49407)!)]) }
        for sequences in [ids, unpadded, Array(unpadded.prefix(3))] {
            model.threads = 1
            let reference = try model.embed(tokenIDs: sequences).heads
            for threads in [2, 3] {
                model.threads = threads
                #expect(try model.embed(tokenIDs: sequences).heads == reference, "\(threads) threads")
            }
            for (i, sequence) in sequences.enumerated() {
                let alone = try model.embed(tokenIDs: [sequence]).heads
                #expect(Array(alone.values) == Array(reference[i]), "text \(i) alone")
            }
        }
    }

    @Test("a trace's stem and hidden states are the same bits at 1 and 2 threads")
    func traces() async throws {
        var model = try await fixture.model()
        let audio = try fixture.npy("audio0_melspec.npy").floats
        let image = try fixture.npy("vision_pixel_values.npy").floats
        model.threads = 1
        let audioTrace = try model.trace(.audio, values: Array(audio[0..<128 * 204]))
        let imageTrace = try model.trace(.vision, values: Array(image[0..<3 * 224 * 224]))
        let textTrace = try model.trace(tokenIDs: fixture.tokenIDs(4))
        model.threads = 2
        let audio2 = try model.trace(.audio, values: Array(audio[0..<128 * 204]))
        let image2 = try model.trace(.vision, values: Array(image[0..<3 * 224 * 224]))
        let text2 = try model.trace(tokenIDs: fixture.tokenIDs(4))
        #expect(audio2.stem == audioTrace.stem && audio2.hiddenStates == audioTrace.hiddenStates)
        #expect(image2.hiddenStates == imageTrace.hiddenStates && image2.head == imageTrace.head)
        #expect(text2.hiddenStates == textTrace.hiddenStates && text2.head == textTrace.head)
    }
}
