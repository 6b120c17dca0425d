// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Retrieval
import Testing
import _RAGTestSupport

/// ``CrossEncoderReranker`` against transformers' `BertForSequenceClassification` on a random-weight checkpoint
/// (Fixtures/cross-encoder-tiny, made by Benchmarks/Scripts/cross_encoder_golden.py).
@Suite struct CrossEncoderRerankerTests {
    struct Golden: Decodable {
        struct Pair: Decodable {
            let query: String
            let document: String
            let inputIDs: [Int]
            let tokenTypeIDs: [Int]
            let logit: Double

            enum CodingKeys: String, CodingKey {
                case query, document, logit
                case inputIDs = "input_ids"
                case tokenTypeIDs = "token_type_ids"
            }
        }

        let maxLength: Int
        let pairs: [Pair]
    }

    static func folder() throws -> URL {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appendingPathComponent("cross-encoder-tiny", isDirectory: true)
    }

    static func golden() throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: Data(contentsOf: folder().appendingPathComponent("golden.json")))
    }

    @Test("logits equal transformers within 1e-4, pairs tokenized and truncated as its tokenizer does")
    func matchesTransformers() async throws {
        let golden = try Self.golden()
        let loaded = try await CrossEncoderReranker(directory: Self.folder())
        let reranker = try CrossEncoderReranker(
            model: loaded.model,
            tokenizer: loaded.tokenizer,
            weights: await SafetensorsCheckpoint(directory: Self.folder()),
            maxLength: golden.maxLength
        )
        for pair in golden.pairs {
            let (ids, types) = reranker.pairTokens(query: pair.query, document: pair.document)
            #expect(ids == pair.inputIDs, "\(pair.query.prefix(20)) / \(pair.document.prefix(20))")
            #expect(types == pair.tokenTypeIDs)
        }
        for query in Set(golden.pairs.map(\.query)) {
            let pairs = golden.pairs.filter { $0.query == query }
            let scores = try await reranker.scores(query: query, documents: pairs.map(\.document))
            for (score, pair) in zip(scores, pairs) {
                #expect(abs(score - pair.logit) <= 1e-4, "\(score) vs \(pair.logit) for \(pair.document.prefix(20))")
            }
        }
        var small = reranker
        small.batchSize = 1
        let ranked = try await small.rerank(query: "how do bees fly", documents: golden.pairs.prefix(2).map(\.document))
        let expected = golden.pairs.prefix(2).map(\.logit)
        #expect(ranked.map(\.index) == (expected[0] >= expected[1] ? [0, 1] : [1, 0]))
    }

    @Test(
        "a BertModel folder without a classification head is an invalidSchema error (needs MMRAG_FIXTURES)",
        .enabled(if: Fixtures.hasShared)
    )
    func missingHead() async throws {
        let bertTiny = try Fixtures.shared("models/bert-tiny")
        let error = await #expect(throws: RetrievalError.self) { try await CrossEncoderReranker(directory: bertTiny) }
        #expect(error?.code == .invalidSchema)
    }
}
