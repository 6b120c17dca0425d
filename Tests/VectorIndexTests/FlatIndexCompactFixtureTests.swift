// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import VectorIndex
import _RAGTestSupport

/// Exact search with compact storage on the shared MiniLM fixture (20,000 × 384, inner product) against its
/// Float64 ground truth: recall@10 of 8-bit storage trained on the base set, and of Float16 storage.
@Suite(.enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"))
struct FlatIndexCompactFixtureTests {
    @Test("minilm-pypi recall@10 with compact storage: 8-bit ≥ 0.99, Float16 ≥ 0.999")
    func recallAt10() throws {
        let base = try Fixtures.readFvecs(Fixtures.shared("ann/minilm-pypi.base.fvecs"))
        let queries = try Fixtures.readFvecs(Fixtures.shared("ann/minilm-pypi.query.fvecs"))
        let truth = try Fixtures.readIvecs(Fixtures.shared("ann/minilm-pypi.groundtruth.ivecs"))
        let d = base.dimension
        let n = base.values.count / d
        let data = try VectorMatrix(values: base.values, dimension: d)
        let queryCount = Fixtures.isOptimizedBuild ? queries.values.count / d : 200
        let queryMatrix = try VectorMatrix(values: queries.values.prefix(queryCount * d), dimension: d)
        for (storage, minimum) in [(VectorStorage.scalarQuantized8, 0.99), (.float16, 0.999)] {
            let index = try FlatIndex(dimension: d, metric: .innerProduct, storage: storage)
            try index.train(data)
            try index.add(data, ids: (0..<UInt64(n)).map { $0 })
            var found = 0
            for q in 0..<queryCount {
                let expected = Set(truth.values[q * truth.width..<q * truth.width + 10].map(UInt64.init))
                let got = try index.search(Array(queryMatrix[q]), k: 10)
                found += got.filter { expected.contains($0.id) }.count
            }
            let recall = Double(found) / Double(queryCount * 10)
            #expect(recall >= minimum, "\(storage) recall@10 \(recall)")
        }
    }
}
