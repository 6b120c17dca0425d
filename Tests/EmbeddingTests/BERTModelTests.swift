// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

@Suite(.enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"))
struct BERTModelTests {
    struct Golden: Decodable {
        let sentences: [String]
        let inputIds: [[Int]]
        let attentionMask: [[Int]]
        let tokenTypeIds: [[Int]]
        let meanPooled: [[Float]]
        let embeddings: [[Float]]
    }

    let folder: URL
    let golden: Golden

    init() throws {
        folder = try ModelFixture.shared("bert-tiny")
        golden = try snakeCaseDecoder.decode(
            Golden.self,
            from: Data(contentsOf: folder.appendingPathComponent("embedding_golden.json"))
        )
    }

    @Test("padded batch: normalised and mean-pooled embeddings, last hidden state of real tokens")
    func paddedBatch() async throws {
        let model = try await BERTModel(directory: folder)
        #expect(model.pooling == .mean && model.normalizes)
        #expect(model.space.dimension == 32 && model.space.normalization == .l2)
        var report = ErrorReport("bert-tiny")
        let output = try model.encode(
            golden.inputIds,
            attentionMask: golden.attentionMask,
            tokenTypeIDs: golden.tokenTypeIds
        )
        let pooled = model.pool(output)
        let embeddings = pooled.normalized()
        for s in 0..<golden.inputIds.count {
            let norm = Compare.norm(golden.meanPooled[s])
            let diff = Compare.maxAbsDiff(pooled[s], golden.meanPooled[s])
            report.record("meanPooled/norm", diff / norm)
            #expect(diff <= 1e-4 * norm, "sentence \(s) meanPooled")
            report.record(
                "embeddings",
                Compare.expectClose(embeddings[s], golden.embeddings[s], tolerance: 1e-4, "sentence \(s)")
            )
            report.record("cosine_deficit", 1 - Compare.cosine(Array(embeddings[s]), golden.embeddings[s]))
        }
        let d = 32
        let last = try NPYArray(contentsOf: folder.appendingPathComponent("batch_last_hidden_state.npy"))
        #expect(last.shape == [6, 19, 32])
        let expected = last.floats
        for s in 0..<6 {
            for p in 0..<19 where golden.attentionMask[s][p] == 1 {
                let row = (s * 19 + p) * d
                let goldenRow = Array(expected[row..<row + d])
                let diff = Compare.maxAbsDiff(output.lastHiddenState[row..<row + d], goldenRow)
                let scale = Compare.norm(goldenRow)
                report.record("last_hidden/row_norm", diff / scale)
                #expect(diff <= 1e-4 * scale, "sentence \(s) token \(p)")
            }
        }
        // The one-call API (sentenceEmbeddings) pads ragged input itself.
        let ragged = golden.inputIds.enumerated().map { s, ids in
            Array(ids.prefix(golden.attentionMask[s].reduce(0, +)))
        }
        let direct = try model.sentenceEmbeddings(ragged)
        for s in 0..<6 {
            report.record(
                "ragged_vs_golden",
                Compare.expectClose(direct[s], golden.embeddings[s], tolerance: 1e-4, "ragged \(s)")
            )
            let alone = try model.sentenceEmbeddings([ragged[s]])
            report.record("alone_vs_batch", Compare.expectClose(alone[0], direct[s], tolerance: 1e-5, "alone \(s)"))
        }
        report.print()
    }

    @Test("sentence 0 alone: embedding output and every layer (1e-4 × row norm)")
    func hiddenStates() async throws {
        let model = try await BERTModel(directory: folder)
        let length = golden.attentionMask[0].reduce(0, +)
        let ids = Array(golden.inputIds[0].prefix(length))
        let output = try model.encode([ids], recordHiddenStates: true)
        let states = try NPYArray(contentsOf: folder.appendingPathComponent("sentence0_hidden_states.npy"))
        #expect(states.shape == [3, length, 32])
        let expected = states.floats
        var report = ErrorReport("bert-tiny sentence0")
        for (layer, state) in output.hiddenStates.enumerated() {
            let g = Array(expected[layer * state.count..<(layer + 1) * state.count])
            let scale = Compare.maxRowNorm(g, width: 32)
            let diff = Compare.maxAbsDiff(state, g)
            report.record("hidden/norm", diff / scale)
            #expect(diff <= 1e-4 * scale, "layer \(layer)")
        }
        report.print()
    }

    @Test("including padded positions in the mean would be wrong (the mask is honoured)")
    func paddingMatters() async throws {
        let model = try await BERTModel(directory: folder)
        let unmasked = model.pool(try model.encode(golden.inputIds)).normalized()
        let masked = try model.sentenceEmbeddings(golden.inputIds, attentionMask: golden.attentionMask)
        #expect(Compare.maxAbsDiff(unmasked.values, masked.values) > 1e-2)
    }

    @Test("threads split the batch without changing a bit; a sentence alone equals its padded row")
    func slicedBatches() async throws {
        var model = try await BERTModel(directory: folder)
        model.threads = 1
        let unpadded = zip(golden.inputIds, golden.attentionMask).map { ids, mask in
            Array(ids.prefix(mask.reduce(0, +)))
        }
        #expect(Set(unpadded.map(\.count)).count > 1, "the goldens should mix lengths")
        let whole = try model.sentenceEmbeddings(unpadded)
        let masked = try model.sentenceEmbeddings(golden.inputIds, attentionMask: golden.attentionMask)
        for (s, ids) in unpadded.enumerated() {
            #expect(Array(try model.sentenceEmbeddings([ids]).values) == Array(whole[s]), "sentence \(s)")
        }
        // Six sentences: two threads take three each; four take one each and run the last two on all four.
        for threads in [2, 4] {
            model.threads = threads
            #expect(try model.sentenceEmbeddings(unpadded) == whole, "\(threads) threads")
            #expect(try model.sentenceEmbeddings(golden.inputIds, attentionMask: golden.attentionMask) == masked)
        }
        // A bad sentence is named by its place in the whole batch, not in a slice.
        var bad = unpadded
        bad[4] = [101, 30522, 102]
        do {
            _ = try model.sentenceEmbeddings(bad)
            Issue.record("an id outside the vocabulary was accepted")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.hasPrefix("sentence 4 "), "\(error.message)")
        }
    }

    @Test("token id outside the vocabulary, too many tokens, bad mask → invalidInput")
    func badInputs() async throws {
        let model = try await BERTModel(directory: folder)
        #expect(throws: EmbeddingError.self) { try model.sentenceEmbeddings([[101, 30522, 102]]) }
        do {
            _ = try model.sentenceEmbeddings([[101, -1, 102]])
            Issue.record("negative id accepted")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains("-1"))
        }
        do {
            _ = try model.sentenceEmbeddings([Array(repeating: 1000, count: 513)])
            Issue.record("513 tokens accepted")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains("512"))
        }
        do {
            _ = try model.sentenceEmbeddings([[101, 102]], attentionMask: [[1]])
            Issue.record("mask of the wrong length accepted")
        } catch {
            #expect(error.code == .invalidInput)
        }
        #expect(try model.sentenceEmbeddings([]).count == 0)
    }
}
