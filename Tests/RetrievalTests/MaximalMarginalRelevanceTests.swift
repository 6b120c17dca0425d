// SPDX-License-Identifier: Apache-2.0

import Retrieval
import Testing
import VectorIndex
import _RAGTestSupport

@Suite struct MaximalMarginalRelevanceTests {
    @Test("λ 1 ranks by relevance; smaller λ skips near-duplicates of what was picked")
    func diversity() throws {
        // 0 and 1 are near-duplicates close to the query; 2 is less relevant but points elsewhere.
        let candidates = try VectorMatrix(rows: [[1, 0.1, 0], [1, 0.12, 0], [0.6, 0, 0.8], [0, 0, -1]])
        let query: [Float] = [1, 0, 0.2]
        #expect(
            try MaximalMarginalRelevance.select(query: query, candidates: candidates, count: 4, lambda: 1) == [
                0, 1, 2, 3,
            ]
        )
        #expect(
            try MaximalMarginalRelevance.select(query: query, candidates: candidates, count: 2, lambda: 0.5) == [0, 2]
        )
        #expect(try MaximalMarginalRelevance.select(query: query, candidates: candidates, count: 10).count == 4)
        #expect(try MaximalMarginalRelevance.select(query: query, candidates: candidates, count: 0).isEmpty)
    }

    @Test("matches a direct evaluation of the MMR objective on random vectors")
    func objective() throws {
        var random = SeededGenerator(seed: 3)
        let rows = (0..<30).map { _ in (0..<8).map { _ in Float.random(in: -1...1, using: &random) } }
        let query = (0..<8).map { _ in Float.random(in: -1...1, using: &random) }
        func cosine(_ a: [Float], _ b: [Float]) -> Double {
            let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let na = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            let nb = b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            return dot / (na * nb)
        }
        for lambda in [0.0, 0.3, 0.7] {
            var picked: [Int] = []
            while picked.count < 10 {
                let next = rows.indices.filter { !picked.contains($0) }.max { a, b in
                    func value(_ i: Int) -> Double {
                        let penalty = picked.map { cosine(rows[i], rows[$0]) }.max() ?? 0
                        return lambda * cosine(query, rows[i]) - (1 - lambda) * penalty
                    }
                    return value(a) != value(b) ? value(a) < value(b) : a > b
                }!
                picked.append(next)
            }
            let selected = try MaximalMarginalRelevance.select(
                query: query,
                candidates: VectorMatrix(rows: rows),
                count: 10,
                lambda: lambda
            )
            #expect(selected == picked, "λ \(lambda)")
        }
    }

    @Test("bad dimension, count and λ are typed errors")
    func errors() throws {
        let candidates = try VectorMatrix(rows: [[1, 0]])
        let dimension = #expect(throws: RetrievalError.self) {
            try MaximalMarginalRelevance.select(query: [1, 0, 0], candidates: candidates, count: 1)
        }
        #expect(dimension?.code == .dimensionMismatch)
        let lambda = #expect(throws: RetrievalError.self) {
            try MaximalMarginalRelevance.select(query: [1, 0], candidates: candidates, count: 1, lambda: -0.1)
        }
        #expect(lambda?.code == .invalidQuery)
        let count = #expect(throws: RetrievalError.self) {
            try MaximalMarginalRelevance.select(query: [1, 0], candidates: candidates, count: -1)
        }
        #expect(count?.code == .invalidQuery)
    }
}
