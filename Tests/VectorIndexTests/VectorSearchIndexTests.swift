// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import VectorIndex
import _RAGTestSupport

/// The contract every ``VectorSearchIndex`` keeps, checked through the protocol on each index type.
@Suite struct VectorSearchIndexTests {
    /// The index types under test, each built empty (and trained when it must be) for `metric`.
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case flat, ivfpq

        var testDescription: String { rawValue }
    }

    static let dimension = 16
    static let cases: [(Kind, Metric)] = Kind.allCases.flatMap { kind in Metric.allCases.map { (kind, $0) } }

    /// Gaussian rows (no duplicates, so no exact ties).
    static func rows(_ count: Int, seed: UInt64) throws -> VectorMatrix {
        var rng = SeededGenerator(seed: seed)
        return try VectorMatrix(values: (0..<count * dimension).map { _ in rng.nextGaussian() }, dimension: dimension)
    }

    /// An empty index of `kind`; IVF-PQ is trained on a separate sample, keeps Float32 vectors and probes every
    /// list, so its searches are exhaustive over the codes.
    static func makeIndex(_ kind: Kind, metric: Metric) throws -> any VectorSearchIndex {
        switch kind {
        case .flat:
            return try FlatIndex(dimension: dimension, metric: metric)
        case .ivfpq:
            let index = try IVFPQIndex(
                dimension: dimension,
                metric: metric,
                configuration: IVFPQConfiguration(
                    listCount: 4,
                    subquantizerCount: 4,
                    bitsPerCode: 4,
                    storedVectors: .float32
                )
            )
            try index.train(rows(256, seed: 99), threads: 1)
            index.searchParameters = IVFPQSearchParameters(probeCount: 4, refineFactor: 1)
            return index
        }
    }

    /// Everything a caller can observe through the protocol.
    struct Observed: Equatable {
        var count: Int
        var vectors: [UInt64: [Float]]
        var results: [[SearchResult]]
    }

    static func observe(_ index: some VectorSearchIndex, ids: [UInt64], queries: VectorMatrix) throws -> Observed {
        var vectors: [UInt64: [Float]] = [:]
        for id in ids { vectors[id] = index.vector(for: id) }
        let results = try (0..<queries.count).map { i in try index.search(Array(queries[i]), k: 10, filter: nil) }
        return Observed(count: index.count, vectors: vectors, results: results)
    }

    // MARK: - Tests

    @Test("add, contains, vector(for:) and count", arguments: cases)
    func addAndReadBack(kind: Kind, metric: Metric) throws {
        try Self.addAndReadBack(Self.makeIndex(kind, metric: metric))
    }

    static func addAndReadBack(_ index: some VectorSearchIndex) throws {
        let batch = try rows(40, seed: 1)
        let ids = (0..<40).map { UInt64($0 * 3 + 1) }
        try index.add(batch, ids: ids)
        #expect(index.count == 40)
        #expect(index.contains(4) && !index.contains(5))
        #expect(index.vector(for: 5) == nil)
        for (i, id) in ids.enumerated() {
            var expected = Array(batch[i])
            if index.metric == .cosine {
                let norm = expected.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
                expected = expected.map { Float(Double($0) / norm) }
            }
            let stored = try #require(index.vector(for: id))
            expectApproximatelyEqual(stored, expected, relativeTolerance: 1e-5, absoluteTolerance: 1e-6)
        }
        #expect(throws: VectorIndexError.self) { try index.add(batch, ids: ids) }
        #expect(index.count == 40)
    }

    @Test("upsert replaces stored ids and adds new ones", arguments: cases)
    func upsertReplaces(kind: Kind, metric: Metric) throws {
        try Self.upsertReplaces(Self.makeIndex(kind, metric: metric), fresh: Self.makeIndex(kind, metric: metric))
    }

    static func upsertReplaces(_ index: some VectorSearchIndex, fresh: some VectorSearchIndex) throws {
        let first = try rows(30, seed: 2)
        let second = try rows(20, seed: 3)
        try index.add(first, ids: (0..<30).map(UInt64.init))
        // Ids 20..<40: ten replace stored vectors, ten are new.
        try index.upsert(second, ids: (20..<40).map(UInt64.init))
        #expect(index.count == 40)
        // The same contents added in one go to a fresh index.
        var expected = try VectorMatrix(dimension: dimension)
        for i in 0..<20 { try expected.append(first[i]) }
        for i in 0..<20 { try expected.append(second[i]) }
        try fresh.add(expected, ids: (0..<40).map(UInt64.init))
        let queries = try rows(5, seed: 4)
        let ids = (0..<45).map(UInt64.init)
        #expect(try observe(index, ids: ids, queries: queries) == observe(fresh, ids: ids, queries: queries))
    }

    @Test("replaying a batch with upsert is idempotent", arguments: cases)
    func replayIsIdempotent(kind: Kind, metric: Metric) throws {
        try Self.replayIsIdempotent(Self.makeIndex(kind, metric: metric), twice: Self.makeIndex(kind, metric: metric))
    }

    static func replayIsIdempotent(_ once: some VectorSearchIndex, twice: some VectorSearchIndex) throws {
        let base = try rows(25, seed: 5)
        let batch = try rows(12, seed: 6)
        let batchIDs = (18..<30).map(UInt64.init)
        for index in [once, twice] as [any VectorSearchIndex] {
            try index.add(base, ids: (0..<25).map(UInt64.init))
        }
        try once.upsert(batch, ids: batchIDs)
        try twice.upsert(batch, ids: batchIDs)
        try twice.upsert(batch, ids: batchIDs)
        let queries = try rows(6, seed: 7)
        let ids = (0..<32).map(UInt64.init)
        #expect(once.count == 30)
        #expect(try observe(once, ids: ids, queries: queries) == observe(twice, ids: ids, queries: queries))
    }

    @Test("remove and removeAll", arguments: cases)
    func removal(kind: Kind, metric: Metric) throws {
        try Self.removal(Self.makeIndex(kind, metric: metric))
    }

    static func removal(_ index: some VectorSearchIndex) throws {
        let batch = try rows(30, seed: 8)
        try index.add(batch, ids: (0..<30).map(UInt64.init))
        #expect(index.remove([3, 4, 100]) == 2)
        #expect(index.count == 28 && !index.contains(3) && index.contains(5))
        let hits = try index.search(Array(batch[3]), k: 30, filter: nil)
        #expect(hits.count == 28 && !hits.contains { $0.id == 3 || $0.id == 4 })
        index.removeAll()
        #expect(index.count == 0 && !index.contains(5) && index.vector(for: 5) == nil)
        #expect(try index.search(Array(batch[0]), k: 5, filter: nil).isEmpty)
        // Still usable (a trained index stays trained).
        try index.add(batch, ids: (0..<30).map(UInt64.init))
        #expect(index.count == 30)
    }

    @Test("a batch search returns what single searches return, per query", arguments: cases)
    func batchMatchesSingle(kind: Kind, metric: Metric) throws {
        try Self.batchMatchesSingle(Self.makeIndex(kind, metric: metric))
    }

    static func batchMatchesSingle(_ index: some VectorSearchIndex) throws {
        try index.add(rows(300, seed: 9), ids: (0..<300).map { UInt64($0) * 7 })
        let queries = try rows(9, seed: 10)
        for filter in [nil, SearchFilter { $0 % 2 == 0 }] {
            let batch = try index.search(queries, k: 8, filter: filter)
            #expect(batch.count == 9)
            for i in 0..<queries.count {
                let single = try index.search(Array(queries[i]), k: 8, filter: filter)
                #expect(batch[i].count == single.count)
                // Batches may run as matrix products: scores agree to rounding, rank by rank.
                for (b, s) in zip(batch[i], single) {
                    expectApproximatelyEqual(b.score, s.score, relativeTolerance: 1e-4, scale: 1)
                    if let filter { #expect(filter.includes(b.id)) }
                }
            }
        }
        #expect(try index.search(try VectorMatrix(dimension: dimension), k: 3, filter: nil).isEmpty)
        #expect(throws: VectorIndexError.self) { try index.search(rows(2, seed: 1), k: -1, filter: nil) }
        #expect(throws: VectorIndexError.self) {
            try index.search(VectorMatrix(rows: [[1, 2, 3]]), k: 1, filter: nil)
        }
    }

    @Test("save(to:) and load(from:) round-trip through the protocol", arguments: cases)
    func saveAndLoad(kind: Kind, metric: Metric) async throws {
        let index = try Self.makeIndex(kind, metric: metric)
        switch kind {
        case .flat: try await Self.saveAndLoad(try #require(index as? FlatIndex))
        case .ivfpq: try await Self.saveAndLoad(try #require(index as? IVFPQIndex))
        }
    }

    static func saveAndLoad<Index: VectorSearchIndex>(_ index: Index) async throws {
        try index.add(rows(700, seed: 11), ids: (0..<700).map(UInt64.init))
        _ = index.remove([1, 600])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await index.save(to: path)
        let loaded = try await Index.load(from: path)
        let queries = try rows(4, seed: 12)
        let ids = (0..<700).map(UInt64.init)
        #expect(loaded.dimension == index.dimension && loaded.metric == index.metric)
        #expect(try observe(loaded, ids: ids, queries: queries) == observe(index, ids: ids, queries: queries))
    }

    // MARK: - Trainable indexes

    @Test("an untrained index is created from a configuration, trained from stored vectors and filled")
    func trainFromStoredVectors() throws {
        let flat = try FlatIndex(dimension: Self.dimension, metric: .innerProduct)
        let data = try Self.rows(400, seed: 13)
        let ids = (0..<400).map { UInt64($0) + 1000 }
        try flat.add(data, ids: ids)
        let trained = try Self.rebuild(
            flat,
            as: IVFPQIndex.self,
            configuration: IVFPQConfiguration(listCount: 8, subquantizerCount: 4, bitsPerCode: 4),
            ids: ids
        )
        #expect(trained.isTrained && trained.count == 400)
        #expect(trained.minimumTrainingCount == 16)
        #expect(ids.allSatisfy(trained.contains))
        // Every vector finds itself among its own nearest neighbours (inner product of Gaussian vectors).
        let hits = try trained.search(data, k: 20, filter: nil)
        let found = (0..<400).filter { i in hits[i].contains { $0.id == ids[i] } }.count
        #expect(found >= 360, "\(found) of 400 found themselves")
    }

    /// A generic rebuild that never names the concrete source type: read every stored vector back, train,
    /// add, and hand back the new index to swap in.
    static func rebuild<Index: TrainableVectorIndex>(
        _ source: some VectorSearchIndex,
        as _: Index.Type,
        configuration: Index.Configuration,
        ids: [UInt64]
    ) throws -> Index {
        let index = try Index(dimension: source.dimension, metric: source.metric, configuration: configuration)
        #expect(!index.isTrained)
        #expect(throws: VectorIndexError.self) { try index.add(rows(1, seed: 1), ids: [1]) }
        var stored = try VectorMatrix(dimension: source.dimension)
        for id in ids { try stored.append(try #require(source.vector(for: id))) }
        try index.train(stored, threads: 1)
        try index.add(stored, ids: ids)
        return index
    }

    @Test("IVF-PQ without stored vectors returns the reconstruction its scores use")
    func reconstruction() throws {
        let index = try IVFPQIndex(
            dimension: Self.dimension,
            metric: .innerProduct,
            configuration: IVFPQConfiguration(listCount: 4, subquantizerCount: 4, bitsPerCode: 4)
        )
        try index.train(Self.rows(256, seed: 14), threads: 1)
        let data = try Self.rows(50, seed: 15)
        try index.add(data, ids: (0..<50).map(UInt64.init))
        let query = try Self.rows(1, seed: 16)
        let hits = try index.search(
            Array(query[0]),
            k: 50,
            parameters: IVFPQSearchParameters(probeCount: 4),
            filter: nil
        )
        #expect(hits.count == 50)
        // For inner product the code score is exactly ⟨q, centroid + decoded residual⟩ (up to rounding).
        for hit in hits {
            let reconstruction = try #require(index.vector(for: hit.id))
            let expected = zip(query[0], reconstruction).reduce(0) { $0 + Double($1.0) * Double($1.1) }
            expectApproximatelyEqual(hit.score, expected, relativeTolerance: 1e-4, scale: 4)
            // And it is an approximation of the added vector, not garbage: closer to it than to its negation.
            let original = Array(data[Int(hit.id)])
            let along = zip(original, reconstruction).reduce(0) { $0 + Double($1.0) * Double($1.1) }
            #expect(along > 0)
        }
    }
}
