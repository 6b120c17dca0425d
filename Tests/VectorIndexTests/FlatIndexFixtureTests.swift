// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import VectorIndex
import _RAGTestSupport

/// Exact search on the shared ANN fixtures against their Float64 ground truth (see `fixtures/ann/README.md`).
@Suite(.enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"))
struct FlatIndexFixtureTests {
    struct Dataset: Sendable, CustomTestStringConvertible {
        let name: String
        let base: String
        let metric: Metric
        var testDescription: String { name }
    }

    static let sets = [
        Dataset(name: "minilm-pypi", base: "minilm-pypi.base.fvecs", metric: .innerProduct),
        Dataset(name: "synthetic-clustered", base: "synthetic-clustered-20k.base.fvecs", metric: .squaredL2),
    ]

    @Test("top-100 equals the ground truth as sets; rank swaps are exact ties", arguments: sets)
    func recallAt100(set: Dataset) throws {
        let ann = "ann/"
        let base = try Fixtures.readFvecs(Fixtures.shared(ann + set.base))
        let queries = try Fixtures.readFvecs(Fixtures.shared(ann + "\(set.name).query.fvecs"))
        let truthFile = set.name == "minilm-pypi" ? "minilm-pypi" : "synthetic-clustered-20k"
        let truth = try Fixtures.readIvecs(Fixtures.shared(ann + "\(truthFile).groundtruth.ivecs"))
        let d = base.dimension
        let n = base.values.count / d
        #expect(base.dimension == (set.metric == .innerProduct ? 384 : 128))
        #expect(n == 20_000)
        let index = try FlatIndex(dimension: d, metric: set.metric)
        try index.add(VectorMatrix(values: base.values, dimension: d), ids: (0..<n).map(UInt64.init))
        // Debug builds run the kernels unoptimised: check the first 100 queries there, all 1,000 in release.
        let queryCount = Fixtures.isOptimizedBuild ? queries.values.count / d : 100
        let queryMatrix = try VectorMatrix(values: queries.values.prefix(queryCount * d), dimension: d)
        let results = try index.search(queryMatrix, k: 100)
        var found = 0
        for q in 0..<queryMatrix.count {
            let expected = truth.values[q * truth.width..<q * truth.width + 100].map(UInt64.init)
            let got = results[q].map(\.id)
            let overlap = Set(got).intersection(expected).count
            found += overlap
            if overlap < 100 {
                // Only the boundary may differ, and only by a tie within Float32 rounding.
                let lastExpected = Array(queryMatrix[q])
                let boundary = set.metric.score(lastExpected, Array(index.vector(for: expected[99])!))
                #expect(abs(results[q][99].score - boundary) < 1e-5, "query \(q): \(100 - overlap) ids differ")
            }
        }
        let recall = Double(found) / Double(queryMatrix.count * 100)
        #expect(recall >= 0.9999, "recall@100 \(recall)")
        if set.metric == .innerProduct {
            // MiniLM embeddings are unit length.
            for id in [0, 1, 19_999] as [UInt64] {
                let v = index.vector(for: id)!
                expectApproximatelyEqual(v.reduce(0) { $0 + $1 * $1 }, 1, relativeTolerance: 2e-5)
            }
        }
    }
}
