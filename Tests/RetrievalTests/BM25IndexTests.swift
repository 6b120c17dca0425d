// SPDX-License-Identifier: Apache-2.0

import Foundation
import Retrieval
import Testing
import VectorIndex
import _RAGTestSupport

@Suite struct BM25IndexTests {
    // MARK: - Against bm25s on the 20k PyPI summaries

    struct Golden: Decodable {
        struct Query: Decodable {
            let query: Int
            let text: String
            let terms: [String]
            let ids: [UInt64]
            let scores: [Double]
        }

        let k1: Double
        let b: Double
        let documents: Int
        let corpusTokens: Int
        let vocabulary: Int
        let queries: [Query]
    }

    struct Summary: Decodable {
        let i: Int
        let summary: String?
    }

    @Test(
        "scores and top-10 equal bm25s (lucene, k1 1.2, b 0.75) on 50 queries over 20k summaries (needs MMRAG_FIXTURES)",
        .enabled(if: Fixtures.hasShared)
    )
    func matchesBM25s() throws {
        let goldenURL = try #require(Bundle.module.url(forResource: "Fixtures/bm25-pypi-golden", withExtension: "json"))
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: goldenURL))
        let lines = try String(contentsOf: Fixtures.shared("ann/minilm-pypi.base.texts.jsonl"), encoding: .utf8)
        let summaries = try lines.split(separator: "\n").map {
            try JSONDecoder().decode(Summary.self, from: Data($0.utf8))
        }
        #expect(summaries.count == golden.documents)

        // Same tokens first: a tokenizer difference would otherwise show up as slightly different scores.
        let tokenizer = WordTokenizer()
        var tokenCount = 0
        var vocabulary = Set<String>()
        for record in summaries {
            let words = tokenizer.tokens(in: record.summary ?? "")
            tokenCount += words.count
            vocabulary.formUnion(words)
        }
        #expect(tokenCount == golden.corpusTokens)
        #expect(vocabulary.count == golden.vocabulary)

        var index = try BM25Index(properties: ["summary"], parameters: .init(k1: golden.k1, b: golden.b))
        for record in summaries { index.upsert(UInt64(record.i), texts: ["summary": record.summary ?? ""]) }
        #expect(index.count == golden.documents)

        for query in golden.queries {
            #expect(tokenizer.queryTerms(in: query.text) == query.terms, "query \(query.query)")
            let hits = try index.search(KeywordQuery(query.text, limit: 10))
            Self.expectSameRanking(hits, ids: query.ids, scores: query.scores, tolerance: 1e-4, "query \(query.query)")
        }
    }

    // MARK: - BM25F against a Float64 oracle

    /// Random documents over a small vocabulary, so words repeat within and across documents.
    static func randomDocuments(count: Int, seed: UInt64) -> [[String: [String]]] {
        var random = SeededGenerator(seed: seed)
        let vocabulary = (0..<40).map { "w\($0)" }
        return (0..<count).map { _ in
            [
                "title": (0..<Int.random(in: 0...4, using: &random)).map { _ in
                    vocabulary.randomElement(using: &random)!
                },
                "body": (0..<Int.random(in: 0...25, using: &random)).map { _ in
                    vocabulary.randomElement(using: &random)!
                },
            ]
        }
    }

    /// The BM25F score of every document, straight from the formula in BM25Index's documentation.
    static func oracleScores(
        _ documents: [UInt64: [String: [String]]],
        terms: [String],
        fields: [(name: String, boost: Double)],
        k1: Double = 1.2,
        b: Double = 0.75
    ) -> [UInt64: (score: Double, matched: Int)] {
        let n = Double(documents.count)
        var mean: [String: Double] = [:]
        for field in fields {
            mean[field.name] = Double(documents.values.reduce(0) { $0 + ($1[field.name]?.count ?? 0) }) / n
        }
        var repeats: [String: Int] = [:]
        for term in terms { repeats[term, default: 0] += 1 }
        var result: [UInt64: (score: Double, matched: Int)] = [:]
        for (word, times) in repeats {
            let df = Double(
                documents.values.filter { doc in fields.contains { doc[$0.name]?.contains(word) ?? false } }.count
            )
            guard df > 0 else { continue }
            let idf = Foundation.log(1 + (n - df + 0.5) / (df + 0.5)) * Double(times)
            for (key, doc) in documents {
                var tf = 0.0
                for field in fields {
                    let words = doc[field.name] ?? []
                    let frequency = Double(words.filter { $0 == word }.count)
                    let relative = mean[field.name]! > 0 ? Double(words.count) / mean[field.name]! : 0
                    tf += field.boost * frequency / (1 - b + b * relative)
                }
                guard tf > 0 else { continue }
                result[key, default: (0, 0)].score += idf * tf / (k1 + tf)
                result[key, default: (0, 0)].matched += 1
            }
        }
        return result
    }

    @Test("two boosted properties score as the BM25F formula, with and, or and minimum-should-match")
    func bm25fMatchesOracle() throws {
        let documents = Self.randomDocuments(count: 300, seed: 7)
        var index = try BM25Index(properties: ["title", "body"])
        var stored: [UInt64: [String: [String]]] = [:]
        for (i, doc) in documents.enumerated() {
            index.upsert(UInt64(i * 3), tokens: doc)
            stored[UInt64(i * 3)] = doc
        }
        let fields: [(name: String, boost: Double)] = [("title", 2), ("body", 1)]
        let properties = fields.map { KeywordProperty($0.name, boost: $0.boost) }
        for terms in [["w1"], ["w2", "w3"], ["w4", "w4", "w5", "w39"], ["w7", "nothing"], ["w1", "w2", "w3", "w4"]] {
            let oracle = Self.oracleScores(stored, terms: terms, fields: fields)
            let distinct = Set(terms).count
            for (matching, required) in [
                (KeywordOperator.or(minimumMatch: 1), 1), (.or(minimumMatch: 2), 2), (.and, distinct),
            ] {
                let expected = oracle.filter { $0.value.matched >= required }
                    .sorted { ($0.value.score, $1.key) > ($1.value.score, $0.key) }
                let hits = try index.search(terms: terms, properties: properties, matching: matching, limit: 1000)
                #expect(hits.count == expected.count, "\(terms) \(matching)")
                for (hit, want) in zip(hits, expected) {
                    expectApproximatelyEqual(
                        hit.score,
                        want.value.score,
                        relativeTolerance: 1e-6,
                        "\(terms) \(hit.key)"
                    )
                }
                let top = try index.search(terms: terms, properties: properties, matching: matching, limit: 5)
                #expect(top == Array(hits.prefix(5)))
            }
        }
        // One property with boost 1 is plain BM25 over that property alone.
        let bodyOnly = Self.oracleScores(stored, terms: ["w9"], fields: [("body", 1)])
        let hits = try index.search(terms: ["w9"], properties: [KeywordProperty("body")], limit: 1000)
        #expect(hits.count == bodyOnly.count)
        for hit in hits { expectApproximatelyEqual(hit.score, bodyOnly[hit.key]!.score, relativeTolerance: 1e-6) }
    }

    // MARK: - Incremental updates

    @Test("adds, replacements and removals (past a slot renumbering) leave the index equal to a fresh build")
    func incrementalEqualsFresh() throws {
        let documents = Self.randomDocuments(count: 3000, seed: 11)
        var live = try BM25Index(properties: ["title", "body"])
        var current: [UInt64: [String: [String]]] = [:]
        for (i, doc) in documents.enumerated() {
            live.upsert(UInt64(i), tokens: doc)
            current[UInt64(i)] = doc
        }
        // Remove 2000 documents (the renumbering starts at 1024 dead slots), replace 300 others.
        for key in stride(from: 0, to: 3000, by: 3) {
            let removed = live.remove(UInt64(key))
            #expect(removed)
        }
        for key in stride(from: 1, to: 3000, by: 3) { live.remove(UInt64(key)); current[UInt64(key)] = nil }
        for key in stride(from: 0, to: 3000, by: 3) { current[UInt64(key)] = nil }
        let removedTwice = live.remove(0)
        #expect(!removedTwice)
        for key in stride(from: 2, to: 900, by: 3) {
            let replacement = documents[(Int(key) * 7) % documents.count]
            live.upsert(UInt64(key), tokens: replacement)
            current[UInt64(key)] = replacement
        }
        var fresh = try BM25Index(properties: ["title", "body"])
        for (key, doc) in current.sorted(by: { $0.key < $1.key }) { fresh.upsert(key, tokens: doc) }
        #expect(live.count == current.count && fresh.count == current.count)
        #expect(live.contains(2) && !live.contains(3))
        for word in ["w0", "w5", "w17"] {
            #expect(live.documentFrequency(of: word, in: "body") == fresh.documentFrequency(of: word, in: "body"))
        }
        for terms in [["w0"], ["w3", "w8"], ["w11", "w12", "w13"]] {
            let a = try live.search(terms: terms, limit: 50)
            let b = try fresh.search(terms: terms, limit: 50)
            #expect(a.map(\.key) == b.map(\.key))
            for (x, y) in zip(a, b) { expectApproximatelyEqual(x.score, y.score, relativeTolerance: 1e-6) }
        }
    }

    // MARK: - Filters, limits and errors

    @Test("an allow-set restricts results without changing scores; ties order by key")
    func allowSet() throws {
        var index = try BM25Index(properties: ["text"])
        for key in UInt64(0)..<10 { index.upsert(key, texts: ["text": key % 2 == 0 ? "red apple" : "green apple"]) }
        let all = try index.search(KeywordQuery("apple red", limit: 10))
        #expect(all.map(\.key) == [0, 2, 4, 6, 8, 1, 3, 5, 7, 9])
        let odd = try index.search(KeywordQuery("apple red", limit: 3), filter: SearchFilter { $0 % 2 == 1 })
        #expect(odd.map(\.key) == [1, 3, 5])
        #expect(odd.map(\.score) == Array(all[5..<8].map(\.score)))
        #expect(try index.search(KeywordQuery("the of", limit: 3)).isEmpty)
        #expect(try index.search(KeywordQuery("apple", limit: 0)).isEmpty)
        #expect(try index.search(KeywordQuery("apple pear", matching: .and)).isEmpty)
        #expect(try index.search(KeywordQuery("apple", matching: .or(minimumMatch: 2))).isEmpty)
    }

    @Test("bad properties, boosts, limits and parameters are typed errors")
    func errors() throws {
        #expect(throws: RetrievalError.self) { try BM25Index(properties: []) }
        let repeated = #expect(throws: RetrievalError.self) { try BM25Index(properties: ["a", "a"]) }
        #expect(repeated?.code == .invalidSchema)
        let badB = #expect(throws: RetrievalError.self) { try BM25Index(properties: ["a"], parameters: .init(b: 1.5)) }
        #expect(badB?.code == .invalidSchema)
        let index = try BM25Index(properties: ["title"])
        let unknown = #expect(throws: RetrievalError.self) {
            try index.search(KeywordQuery("x", properties: [KeywordProperty("body")]))
        }
        #expect(unknown?.code == .unknownProperty)
        let limit = #expect(throws: RetrievalError.self) { try index.search(KeywordQuery("x", limit: -1)) }
        #expect(limit?.code == .invalidQuery)
        let minimum = #expect(throws: RetrievalError.self) {
            try index.search(KeywordQuery("x", matching: .or(minimumMatch: 0)))
        }
        #expect(minimum?.code == .invalidQuery)
        let boost = #expect(throws: RetrievalError.self) {
            try index.search(KeywordQuery("x", properties: [KeywordProperty("title", boost: .nan)]))
        }
        #expect(boost?.code == .invalidQuery)
        #expect(try KeywordProperty(parsing: "title^2") == KeywordProperty("title", boost: 2))
        #expect(try KeywordProperty(parsing: "summary") == KeywordProperty("summary"))
        #expect(throws: RetrievalError.self) { try KeywordProperty(parsing: "title^0") }
        #expect(throws: RetrievalError.self) { try KeywordProperty(parsing: "^2") }
        #expect(throws: RetrievalError.self) { try KeywordProperty(parsing: "title^x") }
    }

    /// Scores within `tolerance` rank by rank, and the same ids except among scores tied within `tolerance`.
    static func expectSameRanking(
        _ hits: [KeywordMatch],
        ids: [UInt64],
        scores: [Double],
        tolerance: Double,
        _ comment: Comment,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(hits.count == ids.count, comment, sourceLocation: sourceLocation)
        for (rank, hit) in zip(hits, scores).enumerated() {
            #expect(
                abs(Double(hit.0.score) - hit.1) <= tolerance,
                "\(comment), rank \(rank)",
                sourceLocation: sourceLocation
            )
        }
        let boundary = scores.last ?? 0
        let expected = Set(zip(ids, scores).filter { $0.1 > boundary + tolerance }.map(\.0))
        let actual = Set(hits.filter { Double($0.score) > boundary + tolerance }.map(\.key))
        #expect(expected == actual, "\(comment): ids above the last tie group", sourceLocation: sourceLocation)
        for (rank, (hit, id)) in zip(hits, ids).enumerated() where hit.key != id {
            let tied = scores.filter { abs($0 - scores[rank]) <= tolerance }.count > 1
            #expect(tied, "\(comment): rank \(rank) holds \(hit.key), not \(id)", sourceLocation: sourceLocation)
        }
    }
}
