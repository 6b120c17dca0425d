// SPDX-License-Identifier: Apache-2.0

import Testing
import VectorIndex
import _RAGTestSupport

/// Seeded clustered data: `clusters` Gaussian blobs with unit spread around centres spread over [-4, 4)^d.
func clusteredData(count: Int, dimension: Int, clusters: Int, seed: UInt64) throws -> VectorMatrix {
    var random = SeededGenerator(seed: seed)
    let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in 4 * random.nextSignedUnitFloat() } }
    var values: [Float] = []
    values.reserveCapacity(count * dimension)
    for _ in 0..<count {
        let centre = centres[Int(random.next() % UInt64(clusters))]
        for j in 0..<dimension { values.append(centre[j] + random.nextGaussian()) }
    }
    return try VectorMatrix(values: values, dimension: dimension)
}

/// Mean |approximate top-k ∩ exact top-k| / k over the queries.
func recall(
    of index: IVFPQIndex,
    against exact: FlatIndex,
    queries: VectorMatrix,
    k: Int,
    parameters: IVFPQSearchParameters
) throws -> Double {
    var found = 0
    for q in 0..<queries.count {
        let query = Array(queries[q])
        let truth = Set(try exact.search(query, k: k).map(\.id))
        found += try index.search(query, k: k, parameters: parameters).filter { truth.contains($0.id) }.count
    }
    return Double(found) / Double(queries.count * k)
}

@Suite struct IVFPQIndexTests {
    static let d = 32

    /// `count` clustered vectors (ids 0…count−1) in a trained index with 32 lists and 8 codes of `bits` bits.
    static func makeIndex(
        count: Int = 3000,
        metric: Metric = .squaredL2,
        bits: Int = 8,
        stored: IVFPQConfiguration.StoredVectors = .none,
        seed: UInt64 = 7
    ) throws -> (IVFPQIndex, VectorMatrix) {
        let data = try clusteredData(count: count, dimension: d, clusters: 40, seed: 42)
        let index = try IVFPQIndex(
            dimension: d,
            metric: metric,
            configuration: IVFPQConfiguration(
                listCount: 32,
                subquantizerCount: 8,
                bitsPerCode: bits,
                storedVectors: stored,
                seed: seed
            )
        )
        try index.train(data)
        try index.add(data, ids: (0..<UInt64(count)).map { $0 })
        return (index, data)
    }

    /// The index the read-only tests share (training is the slow part in debug builds).
    static let shared: (IVFPQIndex, VectorMatrix) = {
        do { return try makeIndex(stored: .float32) } catch { fatalError("cannot build the shared index: \(error)") }
    }()

    @Test("configuration errors say what to change")
    func configurationErrors() {
        let notDividing = #expect(throws: VectorIndexError.self) {
            try IVFPQIndex(
                dimension: 384,
                metric: .squaredL2,
                configuration: IVFPQConfiguration(listCount: 16, subquantizerCount: 50)
            )
        }
        #expect(notDividing?.code == .invalidArgument)
        #expect(notDividing?.message.contains("not a multiple of subquantizerCount 50") == true)
        #expect(notDividing?.message.contains("48") == true)
        for bad in [
            IVFPQConfiguration(listCount: 0, subquantizerCount: 4),
            IVFPQConfiguration(listCount: 4, subquantizerCount: 4, bitsPerCode: 9),
            IVFPQConfiguration(listCount: 4, subquantizerCount: 4, bitsPerCode: 0),
            IVFPQConfiguration(listCount: 4, subquantizerCount: 0),
            IVFPQConfiguration(listCount: 4, subquantizerCount: 4, coarseIterations: 0),
            IVFPQConfiguration(listCount: 4, subquantizerCount: 4, codebookIterations: 0),
        ] {
            let error = #expect(throws: VectorIndexError.self) {
                try IVFPQIndex(dimension: 8, metric: .squaredL2, configuration: bad)
            }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test("training rejects too few vectors, NaN and wrong dimensions; untrained use is a typed error")
    func trainingErrors() throws {
        let index = try IVFPQIndex(
            dimension: 8,
            metric: .squaredL2,
            configuration: IVFPQConfiguration(listCount: 4, subquantizerCount: 2)
        )
        let few = try clusteredData(count: 200, dimension: 8, clusters: 4, seed: 1)
        let tooFew = #expect(throws: VectorIndexError.self) { try index.train(few) }
        #expect(tooFew?.code == .invalidArgument)
        #expect(tooFew?.message.contains("at least 256 vectors") == true)
        var withNaN = try clusteredData(count: 300, dimension: 8, clusters: 4, seed: 1).values
        withNaN[17] = .nan
        let nan = #expect(throws: VectorIndexError.self) {
            try index.train(VectorMatrix(values: withNaN, dimension: 8))
        }
        #expect(nan?.code == .invalidVector)
        let wrong = #expect(throws: VectorIndexError.self) {
            try index.train(try clusteredData(count: 300, dimension: 4, clusters: 4, seed: 1))
        }
        #expect(wrong?.code == .dimensionMismatch)
        #expect(!index.isTrained)
        #expect(
            (#expect(throws: VectorIndexError.self) { try index.add([Float](repeating: 1, count: 8), id: 1) })?.code
                == .untrained
        )
        #expect(
            (#expect(throws: VectorIndexError.self) { try index.search([Float](repeating: 1, count: 8), k: 1) })?.code
                == .untrained
        )
    }

    @Test("training reports few vectors per list and is deterministic for a seed")
    func trainingReportAndDeterminism() throws {
        let data = try clusteredData(count: 600, dimension: 16, clusters: 8, seed: 3)
        func build(seed: UInt64) throws -> (IVFPQIndex, IVFPQTrainingReport) {
            let index = try IVFPQIndex(
                dimension: 16,
                metric: .innerProduct,
                configuration: IVFPQConfiguration(listCount: 16, subquantizerCount: 4, bitsPerCode: 6, seed: seed)
            )
            let report = try index.train(data)
            try index.add(data, ids: (0..<600).map(UInt64.init))
            return (index, report)
        }
        let (a, report) = try build(seed: 11)
        let (b, _) = try build(seed: 11)
        let (c, _) = try build(seed: 12)
        #expect(report.vectorCount == 600)
        #expect(report.coarseTrainingPointCount == 600)
        #expect(report.codebookTrainingPointCount == 600)
        // 600 / 16 lists = 37.5 < 39; 600 / 64 centroids = 9.4 < 39.
        #expect(report.warnings.count == 2)
        #expect(a.serialized() == b.serialized())
        #expect(a.serialized() != c.serialized())
    }

    @Test("recall@10 against exact search on clustered data, with and without refinement")
    func recallAgainstFlat() throws {
        let (index, data) = Self.shared
        let exact = try FlatIndex(dimension: Self.d, metric: .squaredL2)
        try exact.add(data, ids: (0..<UInt64(data.count)).map { $0 })
        let queries = try clusteredData(count: 100, dimension: Self.d, clusters: 40, seed: 43)
        let r1 = try recall(
            of: index,
            against: exact,
            queries: queries,
            k: 10,
            parameters: IVFPQSearchParameters(probeCount: 1)
        )
        let r8 = try recall(
            of: index,
            against: exact,
            queries: queries,
            k: 10,
            parameters: IVFPQSearchParameters(probeCount: 8)
        )
        let r8r = try recall(
            of: index,
            against: exact,
            queries: queries,
            k: 10,
            parameters: IVFPQSearchParameters(probeCount: 8, refineFactor: 4)
        )
        let all = try recall(
            of: index,
            against: exact,
            queries: queries,
            k: 10,
            parameters: IVFPQSearchParameters(probeCount: 32, refineFactor: 32)
        )
        // Floors below the values measured with seed 7 when committed (0.417 / 0.657 / 0.976 / 1.0).
        #expect(r1 >= 0.38, "nprobe 1: \(r1)")
        #expect(r8 >= 0.60, "nprobe 8: \(r8)")
        #expect(r8 >= r1 - 0.01)
        #expect(r8r >= 0.95, "nprobe 8 refine 4: \(r8r)")
        // Every list probed and every candidate re-ranked exactly: the result is the exact top-10.
        #expect(all == 1.0, "nprobe 32 refine 32: \(all)")
    }

    @Test(
        "8-bit stored vectors decode within half a step, re-rank with their own scores, and recall as Float32 does",
        arguments: [Metric.squaredL2, .innerProduct, .cosine]
    )
    func scalarQuantizedStoredVectors(metric: Metric) throws {
        let (index, data) = try Self.makeIndex(count: 1500, metric: metric, stored: .scalarQuantized8)
        let (float32, _) = try Self.makeIndex(count: 1500, metric: metric, stored: .float32)
        let d = Self.d
        // The stored form of every vector (unit length for cosine), and its per-component range: the training
        // set is the data, so each component's trained minimum and range are the data's own.
        let rows = (0..<data.count).map { i -> [Float] in
            let row = Array(data[i])
            guard metric == .cosine else { return row }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return row.map { $0 / norm }
        }
        let low = (0..<d).map { j in rows.map { $0[j] }.min()! }
        let high = (0..<d).map { j in rows.map { $0[j] }.max()! }
        for i in stride(from: 0, to: data.count, by: 7) {
            let decoded = try #require(index.vector(for: UInt64(i)))
            for j in 0..<d {
                let step = (high[j] - low[j]) / 255
                #expect(abs(decoded[j] - rows[i][j]) <= 0.5 * step + 1e-5 * max(1, abs(rows[i][j])), "\(i), \(j)")
            }
        }
        if metric == .squaredL2 {
            // Components beyond the trained range are stored clamped to it.
            var outside = rows[0]
            outside[3] = high[3] + 1000
            outside[4] = low[4] - 1000
            try index.add(outside, id: 1_000_000)
            let decoded = try #require(index.vector(for: 1_000_000))
            #expect(abs(decoded[3] - high[3]) <= (high[3] - low[3]) / 255)
            #expect(abs(decoded[4] - low[4]) <= (high[4] - low[4]) / 255)
            index.remove([1_000_000])
        }
        let queries = try clusteredData(count: 100, dimension: d, clusters: 40, seed: 45)
        // Every list probed and every entry re-ranked: the results are the best scores over the decoded vectors
        // (for cosine, inner products of the unit query with them: decoded vectors are not quite unit length).
        let scoring = metric == .cosine ? Metric.innerProduct : metric
        let everything = IVFPQSearchParameters(probeCount: 32, refineFactor: 150)
        for q in 0..<40 {
            let query = Array(queries[q])
            let unitQuery: [Float] = {
                guard metric == .cosine else { return query }
                let norm = query.reduce(0) { $0 + $1 * $1 }.squareRoot()
                return query.map { $0 / norm }
            }()
            let found = try index.search(query, k: 10, parameters: everything)
            let scores = (0..<data.count).map { scoring.score(unitQuery, index.vector(for: UInt64($0))!) }
            let best = metric == .squaredL2 ? scores.sorted().prefix(10) : scores.sorted(by: >).prefix(10)
            #expect(found.count == 10)
            for (result, expected) in zip(found, best) {
                let own = scoring.score(unitQuery, index.vector(for: result.id)!)
                #expect(abs(result.score - own) <= 1e-4 * max(1, abs(own)), "query \(q), id \(result.id)")
                #expect(abs(result.score - expected) <= 1e-4 * max(1, abs(expected)), "query \(q)")
            }
        }
        // Re-ranking from codes finds what re-ranking from Float32 vectors finds, within two points of recall.
        let exact = try FlatIndex(dimension: d, metric: metric)
        try exact.add(data, ids: (0..<UInt64(data.count)).map { $0 })
        let parameters = IVFPQSearchParameters(probeCount: 8, refineFactor: 4)
        let codes = try recall(of: index, against: exact, queries: queries, k: 10, parameters: parameters)
        let full = try recall(of: float32, against: exact, queries: queries, k: 10, parameters: parameters)
        #expect(codes >= full - 0.02, "8-bit \(codes), Float32 \(full)")
    }

    @Test("batch search equals single searches; filters apply inside the scan")
    func batchAndFilter() throws {
        let (index, _) = try Self.makeIndex(count: 1500, metric: .cosine, bits: 6, stored: .float16)
        let queries = try clusteredData(count: 40, dimension: Self.d, clusters: 40, seed: 44)
        let parameters = IVFPQSearchParameters(probeCount: 4, refineFactor: 2)
        let batch = try index.search(queries, k: 5, parameters: parameters)
        for q in 0..<queries.count {
            // Batches compute tables with matrix products: equal up to rounding.
            let single = try index.search(Array(queries[q]), k: 5, parameters: parameters)
            #expect(batch[q].map(\.id) == single.map(\.id))
            for (a, b) in zip(batch[q], single) { #expect(abs(a.score - b.score) <= 1e-5) }
        }
        // Two blocks of 32 share the centroids packed once per call; a call of one block packs its own: the
        // coarse products, and so the results, are the same bit for bit.
        let d = Self.d
        for rows in [0..<20, 20..<40] {
            let part = try VectorMatrix(
                values: Array(queries.values[rows.lowerBound * d..<rows.upperBound * d]),
                dimension: d
            )
            let found = try index.search(part, k: 5, parameters: parameters)
            for (i, q) in rows.enumerated() {
                #expect(found[i].map(\.id) == batch[q].map(\.id))
                #expect(found[i].map(\.score) == batch[q].map(\.score))
            }
        }
        let even = SearchFilter { $0 % 2 == 0 }
        for q in 0..<10 {
            let hits = try index.search(
                Array(queries[q]),
                k: 10,
                parameters: IVFPQSearchParameters(probeCount: 32),
                filter: even
            )
            #expect(hits.count == 10)
            #expect(hits.allSatisfy { $0.id % 2 == 0 })
        }
        // Cosine scores of unit vectors lie in [-1, 1] (Float16 storage: to about 1e-3).
        #expect(batch.joined().allSatisfy { abs($0.score) <= 1.001 })
    }

    @Test(
        "remove, upsert and count go through the id map; stored vectors move with their entries",
        arguments: [IVFPQConfiguration.StoredVectors.float32, .float16, .scalarQuantized8]
    )
    func removeAndUpsert(stored: IVFPQConfiguration.StoredVectors) throws {
        let (index, data) = try Self.makeIndex(count: 1500, bits: 6, stored: stored)
        #expect(index.count == 1500)
        let before = (0..<1500).map { index.vector(for: UInt64($0))! }
        let probe = IVFPQSearchParameters(probeCount: 32, refineFactor: 32)
        let target = Array(data[123])
        #expect(try index.search(target, k: 1, parameters: probe).first?.id == 123)
        #expect(index.remove([123, 124, 999_999]) == 2)
        #expect(index.count == 1498 && !index.contains(123))
        #expect(try index.search(target, k: 10, parameters: probe).allSatisfy { $0.id != 123 })
        // Removal moves each list's last entry into the hole: every other vector reads back as before.
        #expect((0..<1500).filter { $0 != 123 && $0 != 124 }.allSatisfy { index.vector(for: UInt64($0)) == before[$0] })
        // Move id 5 onto row 123's vector: the re-ranked nearest is now 5, at distance 0 from Float32 vectors
        // and at the distance of its stored form otherwise.
        try index.upsert(VectorMatrix(values: target, dimension: Self.d), ids: [5])
        #expect(index.count == 1498)
        let best = try index.search(target, k: 1, parameters: probe).first
        #expect(best?.id == 5)
        #expect(index.vector(for: 5) == before[123])
        let own = Metric.squaredL2.score(target, before[123])
        #expect(stored == .float32 ? best?.score == 0 : abs(best!.score - own) <= 1e-4)
        let duplicate = #expect(throws: VectorIndexError.self) { try index.add(target, id: 5) }
        #expect(duplicate?.code == .duplicateID)
        #expect(index.count == 1498)
        index.removeAll()
        #expect(index.count == 0 && index.isTrained)
        #expect(try index.search(target, k: 3).isEmpty)
    }

    @Test("bad queries and parameters are typed errors")
    func badQueries() throws {
        let (index, _) = Self.shared
        let q = [Float](repeating: 0.5, count: Self.d)
        #expect(
            (#expect(throws: VectorIndexError.self) { try index.search([1, 2], k: 1) })?.code == .dimensionMismatch
        )
        #expect((#expect(throws: VectorIndexError.self) { try index.search(q, k: -1) })?.code == .invalidArgument)
        let codesOnly = try IVFPQPersistenceTests.small(stored: .none)
        let refine = #expect(throws: VectorIndexError.self) {
            try codesOnly.search(
                Array(q[0..<8]),
                k: 1,
                parameters: IVFPQSearchParameters(probeCount: 2, refineFactor: 2)
            )
        }
        #expect(refine?.code == .invalidArgument)
        #expect(refine?.message.contains("needs stored vectors") == true)
        #expect(
            (#expect(throws: VectorIndexError.self) {
                try index.search(q, k: 1, parameters: IVFPQSearchParameters(probeCount: 0))
            })?.code == .invalidArgument
        )
        var nan = q
        nan[3] = .infinity
        #expect((#expect(throws: VectorIndexError.self) { try index.search(nan, k: 1) })?.code == .invalidVector)
        // probeCount above the list count scans every list.
        #expect(try index.search(q, k: 3, parameters: IVFPQSearchParameters(probeCount: 1000)).count == 3)
        let half = try IVFPQIndex(
            dimension: 4,
            metric: .squaredL2,
            configuration: IVFPQConfiguration(
                listCount: 1,
                subquantizerCount: 2,
                bitsPerCode: 2,
                storedVectors: .float16
            )
        )
        try half.train(try clusteredData(count: 64, dimension: 4, clusters: 2, seed: 5))
        let huge = #expect(throws: VectorIndexError.self) { try half.add([1, 2, 70_000, 3], id: 1) }
        #expect(huge?.code == .invalidVector)
        #expect(half.count == 0)
    }

    @Test("memory footprint counts codes, ids and the id map")
    func memoryFootprint() throws {
        let (index, _) = Self.shared
        let bytes = index.memoryFootprint
        // 3,000 × (8 code bytes + 8 id bytes + 32 × 4 vector bytes), centroids (32×32 + 32×256 floats), the
        // precomputed table (32 × 8 × 256 floats) and a 16-byte-a-bucket id map of at most 8,192 buckets.
        let floor = 3000 * (16 + 128) + (32 * 32 + 32 * 256 * 2 + 32 * 8 * 256) * 4
        #expect(bytes >= floor)
        #expect(bytes <= floor * 2 + 8192 * 17, "\(bytes)")
    }
}
