// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import _RAGTestSupport

@testable import VectorIndex

/// `FlatIndex` with Float16 and 8-bit storage: values against IEEE binary16 rounding and FAISS's own 8-bit
/// quantiser (a golden fixture), searches against Float64 brute force over the stored (decoded) vectors, training
/// rules, and the file format.
@Suite struct FlatIndexCompactStorageTests {
    /// FAISS's training, codes and reconstructions (see `Fixtures/README.md`).
    struct Golden: Decodable {
        let dimension: Int
        let training: [Float]
        let minimums: [Float]
        let ranges: [Float]
        let vectors: [Float]
        let codes: [UInt8]
        let reconstructions: [Float]

        static func load() throws -> Golden {
            let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            let data = try Data(contentsOf: root.appendingPathComponent("sq8-faiss-golden.json"))
            return try JSONDecoder().decode(Golden.self, from: data)
        }
    }

    @Test("8-bit training, codes and reconstructions equal FAISS QT_8bit bit for bit")
    func faissGolden() throws {
        let golden = try Golden.load()
        let d = golden.dimension
        let index = try FlatIndex(dimension: d, metric: .squaredL2, storage: .scalarQuantized8)
        #expect(!index.isTrained)
        let report = try index.train(VectorMatrix(values: golden.training, dimension: d))
        #expect(index.isTrained)
        #expect(report.vectorCount == golden.training.count / d)
        #expect(report.constantComponentCount == 1)
        #expect(report.warnings.count == 1)
        let quantizer = try #require(index.snapshot().quantizer)
        #expect(quantizer.minimums.map(\.bitPattern) == golden.minimums.map(\.bitPattern))
        #expect(quantizer.ranges.map(\.bitPattern) == golden.ranges.map(\.bitPattern))
        let n = golden.vectors.count / d
        try index.add(VectorMatrix(values: golden.vectors, dimension: d), ids: (0..<UInt64(n)).map { $0 })
        #expect(Array(index.snapshot().codes.joined()) == golden.codes)
        for r in 0..<n {
            let decoded = try #require(index.vector(for: UInt64(r)))
            #expect(
                decoded.map(\.bitPattern) == golden.reconstructions[r * d..<(r + 1) * d].map(\.bitPattern),
                "vector \(r)"
            )
        }
    }

    @Test("Float16 storage keeps each component rounded to nearest binary16, ties to even")
    func float16Rounding() throws {
        var rng = SeededGenerator(seed: 4)
        let d = 16
        var values = (0..<(8 * d)).map { i -> Float in
            switch i % 4 {
            case 0: rng.nextGaussian()
            case 1: rng.nextSignedUnitFloat() * 1e-5  // half subnormals
            case 2: rng.nextSignedUnitFloat() * 65_000
            default: rng.nextSignedUnitFloat()
            }
        }
        // Exact ties: halfway between neighbouring halves (round to the even one), and the largest finite half.
        values[0..<6] = [1 + 0x1p-11, 1 + 3 * 0x1p-11, -(2 + 0x1p-10), 0x1p-25, 3 * 0x1p-25, 65_519]
        let index = try FlatIndex(dimension: d, metric: .innerProduct, storage: .float16)
        #expect(index.isTrained)
        try index.add(VectorMatrix(values: values, dimension: d), ids: (0..<8).map { $0 })
        for r in 0..<8 {
            let stored = try #require(index.vector(for: UInt64(r)))
            #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
            // Swift's Float16 conversion is the IEEE 754 reference here.
            let expected = values[r * d..<(r + 1) * d].map { Float(Float16($0)) }
            #expect(stored.map(\.bitPattern) == expected.map(\.bitPattern), "row \(r)")
            #endif
            #expect(stored.allSatisfy { $0.isFinite })
        }
        #expect(index.vector(for: 0)![0..<6] == [1, 1 + 0x1p-9, -2, 0, 0x1p-23, 65_504])
        #expect(index.memoryFootprint >= 8 * (2 * d + 8))
    }

    @Test("Float16 storage rejects components beyond ±65,504 (they would round to infinity)")
    func float16Range() throws {
        let index = try FlatIndex(dimension: 2, metric: .squaredL2, storage: .float16)
        #expect(code { try index.add([1, 65_520], id: 1) } == .invalidVector)
        #expect(code { try index.upsert([-70_000, 0], id: 1) } == .invalidVector)
        #expect(index.count == 0)
    }

    @Test("8-bit storage: untrained indexes refuse vectors and searches; training needs an empty index")
    func trainingRules() throws {
        let index = try FlatIndex(dimension: 3, metric: .cosine, storage: .scalarQuantized8)
        #expect(code { try index.add([1, 0, 0], id: 1) } == .untrained)
        #expect(code { _ = try index.search([1, 0, 0], k: 1) } == .untrained)
        #expect(code { try index.train(try VectorMatrix(dimension: 3)) } == .invalidArgument)
        #expect(code { try index.train(VectorMatrix(rows: [[1, 2]])) } == .dimensionMismatch)
        #expect(code { try index.train(VectorMatrix(rows: [[0, 0, 0]])) } == .invalidVector)
        try index.train(VectorMatrix(rows: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, -1, -1]]))
        try index.add([1, 0, 0], id: 1)
        #expect(code { try index.train(VectorMatrix(rows: [[1, 0, 0]])) } == .invalidArgument)
        index.removeAll()
        #expect(index.isTrained)
        try index.add([0, 2, 0], id: 2)
        #expect(try index.search([0, 1, 0], k: 1).first?.id == 2)
        // Float storages need no training: it only validates.
        let plain = try FlatIndex(
            dimension: 3,
            metric: .squaredL2,
            configuration: FlatIndexConfiguration(storage: .float16)
        )
        try plain.add([1, 2, 3], id: 9)
        #expect(try plain.train(VectorMatrix(rows: [[1, 1, 1]])).constantComponentCount == 0)
        #expect(plain.count == 1)
    }

    static let storages: [VectorStorage] = [.float16, .scalarQuantized8]

    private func unit(_ v: [Float]) -> [Float] {
        let norm = Float(v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
        return v.map { $0 / norm }
    }

    @Test(
        "single, batched and filtered searches equal Float64 brute force over the stored vectors",
        arguments: storages,
        Metric.allCases
    )
    func searchMatchesBruteForce(storage: VectorStorage, metric: Metric) throws {
        let d = 37
        let n = 1_100  // three chunks, the last one partial
        var rng = SeededGenerator(seed: 77)
        let rows = (0..<n).map { _ in (0..<d).map { _ in rng.nextGaussian() } }
        let ids = (0..<UInt64(n)).map { $0 * 3 + 1 }
        let index = try FlatIndex(dimension: d, metric: metric, storage: storage)
        try index.train(VectorMatrix(rows: Array(rows.prefix(500))))
        try index.add(VectorMatrix(rows: rows), ids: ids)
        let stored = ids.map { index.vector(for: $0)! }
        let queries = (0..<6).map { _ in (0..<d).map { _ in rng.nextGaussian() } }
        let batch = try index.search(VectorMatrix(rows: queries), k: 10)
        let even = SearchFilter { $0 % 2 == 0 }
        for (i, query) in queries.enumerated() {
            // A cosine index scores the normalised query against the stored (normalised, then encoded) rows by
            // inner product; an 8-bit reconstruction need not be unit length.
            let (oracleQuery, oracleMetric) = metric == .cosine ? (unit(query), Metric.innerProduct) : (query, metric)
            let expected = exactTop(oracleQuery, stored, ids: ids, metric: oracleMetric, k: 10)
            for results in [try index.search(query, k: 10), batch[i]] {
                #expect(results.count == 10)
                for (got, want) in zip(results, expected) {
                    // Same ids, or a near tie that reordered them; the scores agree to Float32 rounding.
                    #expect(abs(Double(got.score) - want.score) <= 1e-4 * max(1, abs(want.score)))
                }
                #expect(Set(results.prefix(9).map(\.id)).isSubset(of: Set(expected.map(\.id))))
            }
            let filtered = try index.search(query, k: 5, filter: even)
            let expectedFiltered = exactTop(oracleQuery, stored, ids: ids, metric: oracleMetric, k: 5) { $0 % 2 == 0 }
            #expect(filtered.map(\.id) == expectedFiltered.map(\.id))
        }
        // Replacing and removing keep the rows consistent.
        try index.upsert(VectorMatrix(rows: [rows[5], rows[6]]), ids: [ids[0], 999_999])
        #expect(index.vector(for: ids[0]) == index.vector(for: ids[5]))
        #expect(index.remove([ids[1], 999_999]) == 2)
        #expect(index.count == n - 1)
        #expect(index.vector(for: ids[n - 1]) == stored[n - 1])
    }

    @Test(
        "compact indexes round-trip through their file (version 2); Float32 still writes version 1",
        arguments: [VectorStorage.float32, .float16, .scalarQuantized8]
    )
    func persistence(storage: VectorStorage) throws {
        let d = 5
        var rng = SeededGenerator(seed: 8)
        let rows = (0..<600).map { _ in (0..<d).map { _ in rng.nextGaussian() } }
        let index = try FlatIndex(dimension: d, metric: .squaredL2, storage: storage)
        let empty = try FlatIndex(serialized: index.serialized())
        #expect(empty.storage == storage && empty.isTrained == index.isTrained)
        try index.train(VectorMatrix(rows: rows))
        try index.add(VectorMatrix(rows: rows), ids: (0..<600).map { $0 })
        let bytes = index.serialized()
        #expect(bytes[8] == (storage == .float32 ? 1 : 2))
        #expect(
            bytes.count == 32 + 600 * (8 + storage.bytesPerComponent * d) + (storage == .scalarQuantized8 ? 8 * d : 0)
                + 8
        )
        let copy = try FlatIndex(serialized: bytes)
        #expect(copy.storage == storage && copy.isTrained && copy.count == 600)
        for id in [0, 1, 511, 512, 599] as [UInt64] { #expect(copy.vector(for: id) == index.vector(for: id)) }
        #expect(try copy.search(rows[3], k: 3) == (try index.search(rows[3], k: 3)))
        #expect(copy.serialized() == bytes)
        if storage != .float32 {
            var unknown = bytes
            unknown[13] = 9
            #expect(code { _ = try FlatIndex(serialized: unknown) } == .corruptFile)
            var flag = bytes
            flag[14] = 2
            #expect(code { _ = try FlatIndex(serialized: flag) } == .corruptFile)
        }
    }

    @Test("a version-1 file written byte by byte loads as a Float32 index")
    func versionOneFile() throws {
        var bytes = Array("MMRAGFLT".utf8) + [1, 0, 0, 0] + [Metric.innerProduct.rawValue, 0, 0, 0]
        bytes += [2, 0, 0, 0, 0, 0, 0, 0] + [1, 0, 0, 0, 0, 0, 0, 0] + [42, 0, 0, 0, 0, 0, 0, 0]
        for x in [Float(0.5), -2] { bytes += (0..<4).map { UInt8(truncatingIfNeeded: x.bitPattern >> (8 * $0)) } }
        // The checksum of the preceding bytes, taken from a file the library writes for the same index.
        let reference = try FlatIndex(dimension: 2, metric: .innerProduct)
        try reference.add([0.5, -2], id: 42)
        let written = reference.serialized()
        #expect(Array(written.prefix(bytes.count)) == bytes)
        let loaded = try FlatIndex(serialized: bytes + written.suffix(8))
        #expect(loaded.storage == .float32)
        #expect(loaded.vector(for: 42) == [0.5, -2])
    }
}
