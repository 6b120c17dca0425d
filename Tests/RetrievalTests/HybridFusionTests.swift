// SPDX-License-Identifier: Apache-2.0

import Retrieval
import Testing
import _RAGTestSupport

@Suite struct HybridFusionTests {
    /// The worked example of Weaviate's hybrid-search documentation (API-SHAPES §1.6).
    static let keyword: [FusionCandidate] = [(1, 5), (0, 2.6), (2, 2.3), (4, 0.2), (3, 0.09)].map {
        FusionCandidate(key: $0.0, score: $0.1)
    }
    static let vector: [FusionCandidate] = [(2, 0.6), (4, 0.598), (0, 0.596), (1, 0.594), (3, 0.009)].map {
        FusionCandidate(key: $0.0, score: $0.1)
    }

    @Test("golden: relative-score fusion ranks id 1 first, ranked fusion id 2 (α 0.5 and the default 0.75)")
    func golden() throws {
        for alpha in [0.5, HybridFusion.defaultAlpha] {
            let relative = try HybridFusion.relativeScore.fuse(vector: Self.vector, keyword: Self.keyword, alpha: alpha)
            let ranked = try HybridFusion.ranked.fuse(vector: Self.vector, keyword: Self.keyword, alpha: alpha)
            #expect(relative.first?.key == 1, "α \(alpha)")
            #expect(ranked.first?.key == 2, "α \(alpha)")
        }
        let relative = try HybridFusion.relativeScore.fuse(vector: Self.vector, keyword: Self.keyword, alpha: 0.5)
        #expect(relative.map(\.key) == [1, 0, 2, 4, 3])
        // The documented keyword normalisation: 1, .511, .450, .022, 0.
        let keywordNormalised = Dictionary(
            uniqueKeysWithValues: relative.map { ($0.key, 2 * $0.keyword!.contribution) }
        )
        for (key, value) in [(1, 1.0), (0, 0.511), (2, 0.450), (4, 0.022), (3, 0.0)] {
            #expect(abs(keywordNormalised[UInt64(key)]! - value) < 5e-4, "keyword \(key)")
        }
        // Each fused score is α·(v − min)/(max − min) + (1 − α)·(k − min)/(max − min), written out for id 1 and 0.
        expectApproximatelyEqual(
            relative[0].score,
            0.5 * (0.594 - 0.009) / (0.6 - 0.009) + 0.5,
            relativeTolerance: 1e-12
        )
        expectApproximatelyEqual(
            relative[1].score,
            0.5 * (0.596 - 0.009) / (0.6 - 0.009) + 0.5 * (2.6 - 0.09) / (5 - 0.09),
            relativeTolerance: 1e-12
        )
        #expect(relative[0].vector == .init(score: 0.594, rank: 3, contribution: relative[0].vector!.contribution))
        #expect(relative[0].keyword?.rank == 0 && relative[0].keyword?.score == 5)

        let ranked = try HybridFusion.ranked.fuse(vector: Self.vector, keyword: Self.keyword, alpha: 0.5)
        #expect(ranked.map(\.key) == [2, 1, 0, 4, 3])
        expectApproximatelyEqual(ranked[0].score, 0.5 / 60 + 0.5 / 62, relativeTolerance: 1e-12)
        expectApproximatelyEqual(ranked[1].score, 0.5 / 63 + 0.5 / 60, relativeTolerance: 1e-12)
        expectApproximatelyEqual(ranked[4].score, 0.5 / 64 + 0.5 / 64, relativeTolerance: 1e-12)
    }

    @Test("one-sided results, equal scores, α at its ends, duplicates and bad input")
    func edges() throws {
        let vector = [FusionCandidate(key: 7, score: 0.3)]
        let keyword = [
            FusionCandidate(key: 8, score: 2), FusionCandidate(key: 9, score: 2), FusionCandidate(key: 8, score: 1),
        ]
        let fused = try HybridFusion.relativeScore.fuse(vector: vector, keyword: keyword, alpha: 0.5)
        // A single or all-equal leg normalises to 1; 8's repeat is ignored; ties go by ascending key.
        #expect(fused.map(\.key) == [7, 8, 9])
        #expect(fused.map(\.score) == [0.5, 0.5, 0.5])
        #expect(fused[0].keyword == nil && fused[1].vector == nil)
        let pureKeyword = try HybridFusion.relativeScore.fuse(vector: Self.vector, keyword: Self.keyword, alpha: 0)
        #expect(pureKeyword.prefix(3).map(\.key) == [1, 0, 2])
        let pureVector = try HybridFusion.ranked.fuse(vector: Self.vector, keyword: Self.keyword, alpha: 1)
        #expect(pureVector.map(\.key) == [2, 4, 0, 1, 3])
        #expect(try HybridFusion.ranked.fuse(vector: [], keyword: [], alpha: 0.5).isEmpty)
        let alpha = #expect(throws: RetrievalError.self) {
            try HybridFusion.ranked.fuse(vector: vector, keyword: keyword, alpha: 1.5)
        }
        #expect(alpha?.code == .invalidQuery)
        let score = #expect(throws: RetrievalError.self) {
            try HybridFusion.relativeScore.fuse(vector: [.init(key: 1, score: .nan)], keyword: [], alpha: 0.5)
        }
        #expect(score?.code == .invalidQuery)
    }
}
