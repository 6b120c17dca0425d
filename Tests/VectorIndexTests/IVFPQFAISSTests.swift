// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import VectorIndex
import _RAGTestSupport

@Suite struct IVFPQFAISSImportTests {
    @Test("other FAISS index types are unsupported, by type code", arguments: ["IHNf", "IxPT", "IwPf", "IwFl"])
    func unsupportedTypes(code: String) {
        let bytes = Array(code.utf8) + [UInt8](repeating: 0, count: 64)
        let error = #expect(throws: VectorIndexError.self) { try IVFPQIndex(faissIndex: bytes) }
        #expect(error?.code == .unsupported)
        #expect(error?.message.contains("'\(code)'") == true)
    }

    @Test("bytes that are not a FAISS index are corrupt")
    func garbage() {
        for bytes in [[], [0x49, 0x77], [0x00, 0xFF, 0x10, 0x80, 1, 2, 3], Array("IwPQ".utf8)] as [[UInt8]] {
            let error = #expect(throws: VectorIndexError.self) { try IVFPQIndex(faissIndex: bytes) }
            #expect(error?.code == .corruptFile)
        }
    }
}

/// FAISS-written `IndexIVFPQ` files searched with our code must give FAISS's results (see
/// `fixtures/ann/README.md`, "faiss-files").
@Suite(.enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"))
struct IVFPQFAISSOracleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let probes: [Int]
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "ivfpq-l2-d128", probes: [1, 4, 16, 64]),
        Case(name: "ivfpq-ip-d384", probes: [1, 4, 32]),
    ]

    static func npy(_ name: String) throws -> NPYArray {
        try NPYArray(contentsOf: Fixtures.shared("ann/faiss-files/\(name).npy"))
    }

    @Test("same ids in the same order, distances within 1e-4 relative", arguments: cases)
    func sameResults(testCase: Case) async throws {
        let index = try await IVFPQIndex.load(
            faissIndexAt: Fixtures.shared("ann/faiss-files/\(testCase.name).faissindex").path
        )
        let queries = try Self.npy("\(testCase.name).queries")
        let d = queries.shape[1]
        #expect(index.dimension == d)
        #expect(index.metric == (testCase.name.contains("ip") ? .innerProduct : .squaredL2))
        #expect(index.count == (d == 128 ? 5000 : 4000))
        let q = queries.floats
        for probes in testCase.probes {
            let ids = try Self.npy("\(testCase.name).nprobe\(probes).ids").integers
            let distances = try Self.npy("\(testCase.name).nprobe\(probes).distances").floats
            let batch = try index.search(
                VectorMatrix(values: q, dimension: d),
                k: 10,
                parameters: IVFPQSearchParameters(probeCount: probes)
            )
            for i in 0..<queries.shape[0] {
                let single = try index.search(
                    Array(q[i * d..<(i + 1) * d]),
                    k: 10,
                    parameters: IVFPQSearchParameters(probeCount: probes)
                )
                try Self.expectFAISS(batch[i], ids: ids, distances: distances, query: i, probes: probes)
                try Self.expectFAISS(single, ids: ids, distances: distances, query: i, probes: probes)
            }
        }
    }

    /// Our top-10 for query `i` against FAISS's: same ids in the same order (near-ties may swap), distances within
    /// 1e-4 relative.
    static func expectFAISS(_ results: [SearchResult], ids: [Int], distances: [Float], query i: Int, probes: Int) throws
    {
        let expectedIDs = ids[i * 10..<(i + 1) * 10].map { UInt64($0) }
        let expected = Array(distances[i * 10..<(i + 1) * 10])
        #expect(results.count == 10)
        for r in 0..<min(10, results.count) {
            let tolerance = 1e-4 * max(1, abs(expected[r]))
            #expect(abs(results[r].score - expected[r]) <= tolerance, "nprobe \(probes) query \(i) rank \(r)")
            if results[r].id != expectedIDs[r] {
                // Only near-ties may swap places.
                let neighbours = [r - 1, r + 1].filter { (0..<10).contains($0) }
                let tied = neighbours.contains { abs(expected[$0] - expected[r]) <= 1e-5 * max(1, abs(expected[r])) }
                #expect(tied, "nprobe \(probes) query \(i) rank \(r): \(results[r].id) vs FAISS \(expectedIDs[r])")
            }
        }
    }

    @Test("every truncation of a FAISS file is a typed error")
    func truncations() throws {
        let bytes = try [UInt8](Data(contentsOf: Fixtures.shared("ann/faiss-files/ivfpq-l2-d128.faissindex")))
        var lengths = Array(0..<200)
        lengths += stride(from: 200, to: bytes.count, by: 997)
        lengths.append(bytes.count - 1)
        for length in lengths {
            let result = Result { () throws(VectorIndexError) in try IVFPQIndex(faissIndex: Array(bytes[0..<length])) }
            guard case .failure(let error) = result else {
                Issue.record("truncation to \(length) bytes was accepted")
                continue
            }
            #expect(error.code == .corruptFile, "length \(length): \(error)")
        }
        var extended = bytes
        extended.append(0)
        #expect((#expect(throws: VectorIndexError.self) { try IVFPQIndex(faissIndex: extended) })?.code == .corruptFile)
    }
}
