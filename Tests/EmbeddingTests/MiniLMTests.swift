// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// The real all-MiniLM-L6-v2 against `fixtures/models/minilm` goldens, from raw text.
///
/// The 90 MB weights are not stored: `.ci/fetch-models.sh` fills `.cache/models/all-MiniLM-L6-v2` and `.ci/run`
/// sets `MMRAG_MINILM_DIR` to it (and `MMRAG_FIXTURES`) so that CI always runs this suite — in the release-mode
/// test run, because 60 sentences through the unoptimised debug kernels take minutes.
@Suite(
    .enabled(
        if: Fixtures.hasShared && ProcessInfo.processInfo.environment["MMRAG_MINILM_DIR"] != nil,
        "run .ci/fetch-models.sh and set MMRAG_MINILM_DIR to .cache/models/all-MiniLM-L6-v2"
    ),
    .enabled(if: Fixtures.isOptimizedBuild, "runs in release builds (swift test -c release)")
)
struct MiniLMTests {
    struct Golden: Decodable {
        struct Sentence: Decodable {
            let text: String
            let inputIds: [Int]
        }
        struct Hit: Decodable { let index: Int }
        struct Query: Decodable {
            let text: String
            let inputIds: [Int]
            let top3: [Hit]
        }
        let sentences: [Sentence]
        let queries: [Query]
    }

    @Test("60 raw sentences within 1e-4 (cosine >= 0.9999); the 5 raw queries find their golden top 3")
    func realWeights() async throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["MMRAG_MINILM_DIR"]!)
        let embedder = try await ModelRegistry.standard.embedder(directory: directory)
        let minilm = try #require(embedder as? SentenceEmbedder)
        #expect(minilm.model.pooling == .mean && minilm.model.normalizes && minilm.maxLength == 256)
        #expect(minilm.space.dimension == 384 && minilm.space.normalization == .l2)
        let folder = try ModelFixture.shared("minilm")
        let golden = try snakeCaseDecoder.decode(
            Golden.self,
            from: Data(contentsOf: folder.appendingPathComponent("golden.json"))
        )
        for (s, sentence) in golden.sentences.enumerated() {
            #expect(minilm.tokenizer.encode(sentence.text, maxLength: 256) == sentence.inputIds, "sentence \(s) ids")
        }
        let expected = try NPYArray(contentsOf: folder.appendingPathComponent("embeddings.npy")).floats
        let embeddings = try await embedder.embed(golden.sentences.map { .text($0.text) })
        var report = ErrorReport("minilm")
        for s in 0..<golden.sentences.count {
            let row = Array(expected[s * 384..<(s + 1) * 384])
            report.record("max_abs", Compare.expectClose(embeddings[s], row, tolerance: 1e-4, "sentence \(s)"))
            let cosine = Compare.cosine(Array(embeddings[s]), row)
            report.record("cosine_deficit", 1 - cosine)
            #expect(cosine >= 0.9999, "sentence \(s)")
            report.record("norm_error", abs(Compare.norm(embeddings[s]) - 1))
        }
        let queries = try await embedder.embed(golden.queries.map { .text($0.text) })
        var agree = 0
        for (q, query) in golden.queries.enumerated() {
            let scores = (0..<embeddings.count).map { s in
                zip(queries[q], embeddings[s]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            }
            let top = Array(scores.indices.sorted { scores[$0] > scores[$1] }.prefix(3))
            #expect(top == query.top3.map(\.index), "query \(q)")
            if top == query.top3.map(\.index) { agree += 1 }
        }
        report.print()
        print("[minilm] top-3 agreement: \(agree)/\(golden.queries.count)")
    }
}
