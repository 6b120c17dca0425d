// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import VectorIndex
import _RAGTestSupport

@Suite struct IVFPQPersistenceTests {
    /// 64 vectors of dimension 8 in 4 lists with 2 × 4-bit codes and Float16 vectors: a 2.4 KB file.
    static func small(
        stored: IVFPQConfiguration.StoredVectors = .float16,
        metric: Metric = .squaredL2
    ) throws -> IVFPQIndex {
        let index = try IVFPQIndex(
            dimension: 8,
            metric: metric,
            configuration: IVFPQConfiguration(listCount: 4, subquantizerCount: 2, bitsPerCode: 4, storedVectors: stored)
        )
        let data = try clusteredData(count: 64, dimension: 8, clusters: 4, seed: 9)
        try index.train(data)
        try index.add(data, ids: (0..<64).map { UInt64($0) * 3 + 1 })
        index.searchParameters = IVFPQSearchParameters(probeCount: 2, refineFactor: stored == .none ? 1 : 3)
        return index
    }

    static let query: [Float] = [0.5, -1, 2, 0, 1, 1, -0.5, 3]

    @Test(
        "serialized bytes round-trip configuration, parameters, lists and results",
        arguments: [
            IVFPQConfiguration.StoredVectors.none, .float32, .float16, .scalarQuantized8,
        ]
    )
    func roundTrip(stored: IVFPQConfiguration.StoredVectors) throws {
        let index = try Self.small(stored: stored, metric: .cosine)
        let bytes = index.serialized()
        let copy = try IVFPQIndex(serialized: bytes)
        #expect(copy.configuration == index.configuration)
        #expect(copy.metric == .cosine && copy.dimension == 8 && copy.count == 64)
        #expect(copy.searchParameters == index.searchParameters)
        #expect(copy.serialized() == bytes)
        #expect(try copy.search(Self.query, k: 10) == index.search(Self.query, k: 10))
    }

    @Test("the header is the documented layout; an untrained index is header and checksum only")
    func layout() throws {
        let bytes = try Self.small().serialized()
        #expect(Array(bytes[0..<8]) == Array("MMRAGIVP".utf8))
        #expect(Array(bytes[8..<12]) == [1, 0, 0, 0])
        #expect(Array(bytes[12..<16]) == [Metric.squaredL2.rawValue, 2, 4, 1])
        #expect(Array(bytes[16..<24]) == [8, 0, 0, 0, 0, 0, 0, 0])
        // header, 4×8 coarse floats, 8×16 codebook floats, 4 sizes, 64 × (id + 2 codes + 8 halves), checksum
        #expect(bytes.count == 88 + 4 * 8 * 4 + 8 * 16 * 4 + 4 * 8 + 64 * (8 + 2 + 16) + 8)
        let untrained = try IVFPQIndex(
            dimension: 8,
            metric: .innerProduct,
            configuration: IVFPQConfiguration(listCount: 4, subquantizerCount: 2)
        )
        let empty = untrained.serialized()
        #expect(empty.count == 96)
        let back = try IVFPQIndex(serialized: empty)
        #expect(!back.isTrained && back.configuration == untrained.configuration)
    }

    @Test(
        "8-bit stored vectors are a version-2 file with the trained bounds after the codebooks",
        arguments: [Metric.squaredL2, .cosine]
    )
    func scalarQuantizedLayout(metric: Metric) throws {
        let index = try Self.small(stored: .scalarQuantized8, metric: metric)
        let bytes = index.serialized()
        #expect(Array(bytes[8..<12]) == [2, 0, 0, 0])
        #expect(Array(bytes[12..<16]) == [metric.rawValue, 3, 4, 1])
        // header, coarse and codebook floats, 2 × 8 bound floats, 4 sizes, 64 × (id + 2 codes + 8 codes), checksum
        #expect(bytes.count == 88 + 4 * 8 * 4 + 8 * 16 * 4 + 2 * 8 * 4 + 4 * 8 + 64 * (8 + 2 + 8) + 8)
        let copy = try IVFPQIndex(serialized: bytes)
        for id in [1, 4, 190] as [UInt64] { #expect(copy.vector(for: id) == index.vector(for: id)) }
        // A version-1 reader's file cannot hold 8-bit vectors: the version says which layout follows.
        var older = bytes
        older[8] = 1
        let error = #expect(throws: VectorIndexError.self) { try IVFPQIndex(serialized: older) }
        #expect(error?.code == .corruptFile)
        #expect(error?.message.contains("stored-vector code 3 in a version-1 file") == true)
    }

    @Test(
        "flipping any bit pattern in any byte is detected",
        arguments: [IVFPQConfiguration.StoredVectors.float16, .scalarQuantized8]
    )
    func byteFlips(stored: IVFPQConfiguration.StoredVectors) throws {
        let bytes = try Self.small(stored: stored).serialized()
        for offset in bytes.indices {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = bytes
                damaged[offset] ^= mask
                let result = Result { () throws(VectorIndexError) in try IVFPQIndex(serialized: damaged) }
                guard case .failure(let error) = result else {
                    Issue.record("flip \(mask) at \(offset) was not detected")
                    continue
                }
                #expect(error.code == .corruptFile || error.code == .unsupportedVersion)
            }
        }
    }

    @Test(
        "every truncation is a corrupt-file error",
        arguments: [IVFPQConfiguration.StoredVectors.float16, .scalarQuantized8]
    )
    func truncations(stored: IVFPQConfiguration.StoredVectors) throws {
        let bytes = try Self.small(stored: stored).serialized()
        for length in 0..<bytes.count {
            let result = Result { () throws(VectorIndexError) in try IVFPQIndex(serialized: Array(bytes[0..<length])) }
            guard case .failure(let error) = result else {
                Issue.record("truncation to \(length) bytes was accepted")
                continue
            }
            #expect(error.code == .corruptFile, "length \(length): \(error)")
        }
    }

    @Test("a header claiming huge lists is rejected before allocating")
    func lyingSizes() throws {
        var bytes = try Self.small(stored: .none).serialized()
        // The first list size sits after the header and the centroids.
        let sizes = 88 + 4 * 8 * 4 + 8 * 16 * 4
        for i in 0..<8 { bytes[sizes + i] = 0xFF }
        let error = #expect(throws: VectorIndexError.self) { try IVFPQIndex(serialized: bytes) }
        #expect(error?.code == .corruptFile)
        #expect(error?.message.contains("too short") == true)
    }

    @Test("save and load through the file system")
    func saveAndLoad() async throws {
        let index = try Self.small()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-\(UUID().uuidString).ivfpq")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await index.save(to: path)
        let loaded = try await IVFPQIndex.load(from: path)
        #expect(loaded.serialized() == index.serialized())
        let missing = await #expect(throws: VectorIndexError.self) {
            try await IVFPQIndex.load(from: path + ".missing")
        }
        #expect(missing?.code == .fileSystem)
    }

    @Test("half precision conversion rounds to nearest even and round-trips every half value")
    func halfPrecision() throws {
        // Through the public path: Float16-stored vectors re-rank with the rounded values.
        let index = try IVFPQIndex(
            dimension: 4,
            metric: .innerProduct,
            configuration: IVFPQConfiguration(
                listCount: 1,
                subquantizerCount: 1,
                bitsPerCode: 1,
                storedVectors: .float16
            )
        )
        try index.train(VectorMatrix(values: [1, 0, 0, 0, 0, 1, 0, 0], dimension: 4))
        // 0.1 → 0x2E66 = 0.0999755859375; 65504 is the largest half; 2⁻²⁴ the smallest subnormal.
        try index.add(VectorMatrix(values: [0.1, 65504, 0x1p-24, -2], dimension: 4), ids: [1])
        let hit = try index.search(
            [1, 0, 0, 0],
            k: 1,
            parameters: IVFPQSearchParameters(probeCount: 1, refineFactor: 2)
        )
        #expect(hit.first?.score == 0.0999755859375)
        let big = try index.search(
            [0, 1, 0, 0],
            k: 1,
            parameters: IVFPQSearchParameters(probeCount: 1, refineFactor: 2)
        )
        #expect(big.first?.score == 65504)
        let tiny = try index.search(
            [0, 0, 0x1p24, 0],
            k: 1,
            parameters: IVFPQSearchParameters(probeCount: 1, refineFactor: 2)
        )
        #expect(tiny.first?.score == 1)
    }
}
