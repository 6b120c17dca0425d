// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// The real all-MiniLM-L6-v2 against `fixtures/models/minilm` goldens.
///
/// The 90 MB weights are not stored: fetch them with `fixtures/models/minilm/fetch.sh DIR` and set
/// `MMRAG_MINILM_DIR=DIR/all-MiniLM-L6-v2` (and `MMRAG_FIXTURES`) to run this suite.
@Suite(
    .enabled(
        if: Fixtures.hasShared && ProcessInfo.processInfo.environment["MMRAG_MINILM_DIR"] != nil,
        "set MMRAG_MINILM_DIR to a fetched all-MiniLM-L6-v2 folder"
    )
)
struct MiniLMTests {
    struct Golden: Decodable {
        struct Sentence: Decodable { let inputIds: [Int] }
        struct Hit: Decodable { let index: Int }
        struct Query: Decodable {
            let inputIds: [Int]
            let top3: [Hit]
        }
        let sentences: [Sentence]
        let queries: [Query]
    }

    @Test("60 sentence embeddings within 1e-4 (cosine >= 0.9999); the 5 queries find their golden top 3")
    func realWeights() async throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["MMRAG_MINILM_DIR"]!)
        let model = try await BERTModel(directory: directory)
        #expect(model.pooling == .mean && model.normalizes && model.space.dimension == 384)
        let folder = try ModelFixture.shared("minilm")
        let golden = try snakeCaseDecoder.decode(
            Golden.self,
            from: Data(contentsOf: folder.appendingPathComponent("golden.json"))
        )
        let expected = try NPYArray(contentsOf: folder.appendingPathComponent("embeddings.npy")).floats
        let embeddings = try model.sentenceEmbeddings(golden.sentences.map(\.inputIds))
        var report = ErrorReport("minilm")
        for s in 0..<golden.sentences.count {
            let row = Array(expected[s * 384..<(s + 1) * 384])
            report.record("embeddings", Compare.expectClose(embeddings[s], row, tolerance: 1e-4, "sentence \(s)"))
            let cosine = Compare.cosine(Array(embeddings[s]), row)
            report.record("cosine_deficit", 1 - cosine)
            #expect(cosine >= 0.9999)
        }
        let queries = try model.sentenceEmbeddings(golden.queries.map(\.inputIds))
        for (q, query) in golden.queries.enumerated() {
            let scores = (0..<embeddings.count).map { s in
                zip(queries[q], embeddings[s]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            }
            let top = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(3)
            #expect(Array(top) == query.top3.map(\.index), "query \(q)")
        }
        report.print()
    }
}
