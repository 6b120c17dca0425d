// SPDX-License-Identifier: Apache-2.0

import Testing
import VectorIndex
import _RAGTestSupport

/// IVF-PQ recall on the shared ANN sets against FAISS's reference numbers (`fixtures/ann/minilm-pypi.faiss.md`).
///
/// Release builds only: training on 20,000 × 384 floats takes minutes unoptimised.
@Suite(
    .enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"),
    .enabled(if: Fixtures.isOptimizedBuild, "runs in release builds (swift test -c release)")
)
struct IVFPQFixtureTests {
    static let probes = [1, 4, 8, 16, 32, 64]

    /// FAISS's smallest R@10 over three k-means seeds, plain and with RefineFlat(4), per nprobe (from the .md).
    static let faissFloor: [Int: [Int: (plain: Double, refined: Double)]] = [
        48: [
            1: (0.402, 0.447), 4: (0.569, 0.691), 8: (0.612, 0.772), 16: (0.639, 0.835), 32: (0.654, 0.883),
            64: (0.664, 0.913),
        ],
        24: [
            1: (0.361, 0.444), 4: (0.472, 0.656), 8: (0.491, 0.709), 16: (0.499, 0.736), 32: (0.503, 0.752),
            64: (0.505, 0.759),
        ],
    ]

    @Test(
        "MiniLM IVF256,PQ{48,24}: R@10 at least FAISS's minimum over seeds − 0.05, rising with nprobe",
        arguments: [48, 24]
    )
    func miniLM(subquantizers: Int) throws {
        let (data, queryMatrix, truth) = try Self.miniLMSet()
        let d = data.dimension
        let index = try IVFPQIndex(
            dimension: d,
            metric: .innerProduct,
            configuration: IVFPQConfiguration(listCount: 256, subquantizerCount: subquantizers, storedVectors: .float16)
        )
        let report = try index.train(data)
        #expect(report.warnings.isEmpty)  // 78 vectors per list and per centroid: more than 39
        try index.add(data, ids: (0..<UInt64(data.count)).map { $0 })
        var previous = 0.0
        for probes in Self.probes {
            let plain = try recallAt10(index, queryMatrix, truth, IVFPQSearchParameters(probeCount: probes))
            let refined = try recallAt10(
                index,
                queryMatrix,
                truth,
                IVFPQSearchParameters(probeCount: probes, refineFactor: 4)
            )
            let floor = Self.faissFloor[subquantizers]![probes]!
            #expect(plain >= floor.plain - 0.05, "nprobe \(probes): R@10 \(plain)")
            #expect(refined >= floor.refined - 0.05, "nprobe \(probes): refined R@10 \(refined)")
            #expect(refined >= plain - 0.01)
            #expect(plain >= previous - 0.01, "R@10 fell from \(previous) to \(plain) at nprobe \(probes)")
            previous = plain
        }
    }

    @Test("MiniLM IVF256,PQ48 re-ranked from 8-bit stored vectors: R@10 within 0.01 of re-ranking from Float32")
    func miniLMScalarQuantizedRefine() throws {
        let (data, queryMatrix, truth) = try Self.miniLMSet()
        let d = data.dimension
        var indexes: [IVFPQIndex] = []
        for stored in [IVFPQConfiguration.StoredVectors.float32, .scalarQuantized8] {
            let index = try IVFPQIndex(
                dimension: d,
                metric: .innerProduct,
                configuration: IVFPQConfiguration(listCount: 256, subquantizerCount: 48, storedVectors: stored)
            )
            try index.train(data)
            try index.add(data, ids: (0..<UInt64(data.count)).map { $0 })
            indexes.append(index)
        }
        // The same seed and training set give the same lists and codes: only the re-ranking vectors differ.
        #expect(indexes[0].ids == indexes[1].ids)
        for probes in [1, 4, 16, 64] {
            let parameters = IVFPQSearchParameters(probeCount: probes, refineFactor: 4)
            let full = try recallAt10(indexes[0], queryMatrix, truth, parameters)
            let codes = try recallAt10(indexes[1], queryMatrix, truth, parameters)
            #expect(codes >= full - 0.01, "nprobe \(probes): 8-bit \(codes), Float32 \(full)")
        }
    }

    /// The `minilm-pypi` base vectors, queries and ground truth.
    static func miniLMSet() throws -> (base: VectorMatrix, queries: VectorMatrix, truth: (width: Int, values: [Int])) {
        let base = try Fixtures.readFvecs(Fixtures.shared("ann/minilm-pypi.base.fvecs"))
        let queries = try Fixtures.readFvecs(Fixtures.shared("ann/minilm-pypi.query.fvecs"))
        let truth = try Fixtures.readIvecs(Fixtures.shared("ann/minilm-pypi.groundtruth.ivecs"))
        return (
            try VectorMatrix(values: base.values, dimension: base.dimension),
            try VectorMatrix(values: queries.values, dimension: queries.dimension),
            truth
        )
    }

    func recallAt10(
        _ index: IVFPQIndex,
        _ queries: VectorMatrix,
        _ truth: (width: Int, values: [Int]),
        _ parameters: IVFPQSearchParameters
    ) throws -> Double {
        let results = try index.search(queries, k: 10, parameters: parameters)
        var found = 0
        for q in 0..<queries.count {
            let expected = Set(truth.values[q * truth.width..<q * truth.width + 10].map { UInt64($0) })
            found += results[q].filter { expected.contains($0.id) }.count
        }
        return Double(found) / Double(queries.count * 10)
    }
}
