// SPDX-License-Identifier: Apache-2.0

import Testing
import VectorIndex
import _RAGTestSupport

/// Brute force in Float64: the ground truth every search is compared with.
func exactTop(
    _ query: [Float],
    _ rows: [[Float]],
    ids: [UInt64],
    metric: Metric,
    k: Int,
    where include: (UInt64) -> Bool = { _ in true }
) -> [(id: UInt64, score: Double)] {
    func norm(_ v: [Float]) -> Double { v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }
    let scored = zip(rows, ids).filter { include($0.1) }.map { row, id -> (id: UInt64, score: Double) in
        let dot = zip(query, row).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        switch metric {
        case .squaredL2: return (id, zip(query, row).reduce(0.0) { $0 + pow2(Double($1.0) - Double($1.1)) })
        case .innerProduct: return (id, dot)
        case .cosine: return (id, dot / (norm(query) * norm(row)))
        }
    }
    let sign: Double = metric.higherIsBetter ? -1 : 1
    let sorted = scored.sorted { a, b in
        let ka = sign * a.score
        let kb = sign * b.score
        return ka < kb || (ka == kb && a.id < b.id)
    }
    return Array(sorted.prefix(k))
}

private func pow2(_ x: Double) -> Double { x * x }

/// The code of the `VectorIndexError` that `body` throws, or `nil` if it throws nothing or another error.
func code(_ body: () throws -> Void) -> VectorIndexError.Code? {
    do {
        try body()
        return nil
    } catch let error as VectorIndexError {
        return error.code
    } catch {
        return nil
    }
}

/// Random rows with a few exact duplicates so tie-breaking is exercised.
func randomRows(_ count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
    var rng = SeededGenerator(seed: seed)
    var rows = (0..<count).map { _ in rng.floats(dimension) }
    if count > 10 {
        rows[7] = rows[3]
        rows[9] = rows[3]
    }
    return rows
}

@Suite struct FlatIndexTests {
    @Test("search equals Float64 brute force", arguments: Metric.allCases, [1, 3, 16, 17, 384])
    func matchesBruteForce(metric: Metric, dimension: Int) throws {
        let rows = randomRows(300, dimension: dimension, seed: UInt64(dimension))
        let ids = (0..<300).map { UInt64($0 * 7 + 1) }
        let index = try FlatIndex(dimension: dimension, metric: metric)
        try index.add(VectorMatrix(rows: rows), ids: ids)
        var rng = SeededGenerator(seed: 99)
        for _ in 0..<5 {
            let query = rng.floats(dimension)
            let got = try index.search(query, k: 10)
            let everything = exactTop(query, rows, ids: ids, metric: metric, k: rows.count)
            let expected = Array(everything.prefix(10))
            // Same ids in the same order, except where Float32 rounding swaps near-ties.
            #expect(got.count == expected.count)
            for (g, e) in zip(got, expected) {
                expectApproximatelyEqual(g.score, e.score, relativeTolerance: 1e-5, scale: 1e-3 * Double(dimension))
            }
            let ties = zip(got, expected).filter { $0.id != $1.id }
            for (g, e) in ties {
                let exactScoreOfGot = everything.first { $0.id == g.id }?.score ?? .nan
                #expect(abs(exactScoreOfGot - e.score) < 1e-5, "id \(g.id) vs \(e.id) is not a near-tie")
            }
        }
    }

    @Test("duplicate vectors are returned lowest id first")
    func tieBreak() throws {
        let index = try FlatIndex(dimension: 2, metric: .squaredL2)
        try index.add(VectorMatrix(rows: [[1, 1], [1, 1], [1, 1], [5, 5]]), ids: [30, 10, 20, 1])
        #expect(try index.search([1, 1], k: 3).map(\.id) == [10, 20, 30])
        #expect(
            try index.search([1, 1], k: 3) == [
                SearchResult(id: 10, score: 0), SearchResult(id: 20, score: 0), SearchResult(id: 30, score: 0),
            ]
        )
    }

    @Test("cosine stores unit vectors and scores are cosine similarities")
    func cosine() throws {
        let index = try FlatIndex(dimension: 3, metric: .cosine)
        try index.add(VectorMatrix(rows: [[3, 0, 4], [0, 2, 0]]), ids: [1, 2])
        #expect(index.vector(for: 1) == [0.6, 0, 0.8])
        let results = try index.search([0, 0, 10], k: 2)
        #expect(results.map(\.id) == [1, 2])
        expectApproximatelyEqual(results[0].score, 0.8, relativeTolerance: 1e-6)
        #expect(results[1].score == 0)
    }

    @Test("k == 0 returns nothing, k > count returns everything")
    func kBounds() throws {
        let index = try FlatIndex(dimension: 2, metric: .innerProduct)
        #expect(try index.search([1, 0], k: 5).isEmpty)
        try index.add(VectorMatrix(rows: [[1, 0], [2, 0], [3, 0]]), ids: [1, 2, 3])
        #expect(try index.search([1, 0], k: 0).isEmpty)
        #expect(try index.search([1, 0], k: 100).map(\.id) == [3, 2, 1])
    }

    @Test("bad queries and vectors throw the documented codes")
    func badInput() throws {
        let index = try FlatIndex(dimension: 3, metric: .cosine)
        try index.add([1, 2, 3], id: 1)
        #expect(code { _ = try index.search([], k: 1) } == .invalidVector)
        #expect(code { _ = try index.search([1, 2], k: 1) } == .dimensionMismatch)
        #expect(code { _ = try index.search([1, .nan, 2], k: 1) } == .invalidVector)
        #expect(code { _ = try index.search([1, .infinity, 2], k: 1) } == .invalidVector)
        #expect(code { _ = try index.search([0, 0, 0], k: 1) } == .invalidVector)
        #expect(code { _ = try index.search([3e19, 3e19, 3e19], k: 1) } == .invalidVector)
        #expect(code { _ = try index.search(VectorMatrix(rows: [[1, 1, 1], [0, 0, 0]]), k: 1) } == .invalidVector)
        #expect(code { _ = try index.search(VectorMatrix(rows: [[1, 1, 1], [3e19, 1, 1]]), k: 1) } == .invalidVector)
        #expect(code { _ = try index.search([1, 1, 1], k: -1) } == .invalidArgument)
        #expect(code { try index.add([1, 2], id: 2) } == .dimensionMismatch)
        #expect(code { try index.add([1, -.infinity, 2], id: 2) } == .invalidVector)
        #expect(code { try index.add([0, 0, 0], id: 2) } == .invalidVector)
        #expect(code { try index.add([3e19, 0, 0], id: 2) } == .invalidVector)
        #expect(code { try index.add([3, 2, 1], id: 1) } == .duplicateID)
        #expect(code { try index.add(VectorMatrix(rows: [[1, 1, 1], [2, 2, 2]]), ids: [5, 5]) } == .duplicateID)
        #expect(code { try index.add(VectorMatrix(rows: [[1, 1, 1]]), ids: [5, 6]) } == .invalidArgument)
        #expect(code { _ = try FlatIndex(dimension: 0, metric: .squaredL2) } == .invalidArgument)
        #expect(code { _ = try VectorMatrix(rows: [[1, 2], [1]]) } == .dimensionMismatch)
        // A rejected batch adds nothing, even the valid vectors in it.
        #expect(
            code { try index.add(VectorMatrix(rows: [[1, 1, 1], [.nan, 1, 1]]), ids: [7, 8]) } == .invalidVector
        )
        #expect(code { try index.add(VectorMatrix(rows: [[1, 1, 1], [2, 1, 1]]), ids: [9, 1]) } == .duplicateID)
        #expect(index.count == 1)
        #expect(!index.contains(7) && !index.contains(9))
        #expect(index.vector(for: 1) != nil)
    }

    @Test("upsert replaces, remove reports how many it removed")
    func upsertAndRemove() throws {
        let index = try FlatIndex(dimension: 2, metric: .squaredL2)
        try index.add(VectorMatrix(rows: [[0, 0], [1, 0], [2, 0], [3, 0]]), ids: [0, 1, 2, 3])
        try index.upsert(VectorMatrix(rows: [[10, 0], [4, 0]]), ids: [1, 4])
        #expect(index.count == 5)
        #expect(index.vector(for: 1) == [10, 0])
        #expect(try index.search([10, 0], k: 1).first == SearchResult(id: 1, score: 0))
        #expect(index.remove([0, 2, 99, 0]) == 2)
        #expect(index.count == 3)
        #expect(!index.contains(0) && !index.contains(2) && index.contains(3))
        #expect(Set(index.ids) == [1, 3, 4])
        #expect(try index.search([0, 0], k: 10).map(\.id) == [3, 4, 1])
        index.removeAll()
        #expect(index.count == 0)
    }

    @Test("filters by predicate and by bitmap return the best passing rows", arguments: Metric.allCases)
    func filters(metric: Metric) throws {
        let rows = randomRows(500, dimension: 8, seed: 5)
        let ids = (0..<500).map(UInt64.init)
        let index = try FlatIndex(dimension: 8, metric: metric)
        try index.add(VectorMatrix(rows: rows), ids: ids)
        let query = rows[42].map { $0 + 0.01 }
        let even = SearchFilter { $0 % 2 == 0 }
        let got = try index.search(query, k: 20, filter: even)
        let expected = exactTop(query, rows, ids: ids, metric: metric, k: 20) { $0 % 2 == 0 }
        #expect(got.map(\.id) == expected.map(\.id))
        let allowed = IDBitmap([3, 41, 43, 400, 10_000])
        let sparse = try index.search(query, k: 10, filter: SearchFilter(allowing: allowed))
        #expect(Set(sparse.map(\.id)) == [3, 41, 43, 400])
        #expect(try index.search(query, k: 10, filter: SearchFilter { _ in false }).isEmpty)
    }

    @Test("batch search equals one search per query", arguments: Metric.allCases, [1, 2])
    func batchMatchesSingle(metric: Metric, threads: Int) throws {
        let d = 40
        let rows = randomRows(9000, dimension: d, seed: 11)
        let index = try FlatIndex(dimension: d, metric: metric)
        try index.add(VectorMatrix(rows: rows), ids: (0..<9000).map { UInt64($0) + 100 })
        var rng = SeededGenerator(seed: 12)
        let queries = try VectorMatrix(rows: (0..<7).map { _ in rng.floats(d) })
        for filter in [nil, SearchFilter { $0 % 3 != 0 }] {
            let batch = try index.search(queries, k: 15, filter: filter, threads: threads)
            #expect(batch.count == 7)
            for i in 0..<7 {
                let single = try index.search(Array(queries[i]), k: 15, filter: filter)
                #expect(batch[i].map(\.id) == single.map(\.id))
                for (b, s) in zip(batch[i], single) {
                    expectApproximatelyEqual(b.score, s.score, relativeTolerance: 1e-4, scale: 1)
                }
            }
        }
        #expect(try index.search(try VectorMatrix(dimension: d), k: 3).isEmpty)
        #expect(try index.search(queries, k: 0).allSatisfy(\.isEmpty))
    }
}
