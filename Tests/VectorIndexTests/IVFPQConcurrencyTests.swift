// SPDX-License-Identifier: Apache-2.0

import Testing
import VectorIndex
import _RAGTestSupport

@Suite struct IVFPQConcurrencyTests {
    @Test("IVF-PQ searches run while other tasks add, upsert and remove; every search sees a consistent snapshot")
    func concurrentReadersAndWriters() async throws {
        let d = 16
        let index = try IVFPQIndex(
            dimension: d,
            metric: .squaredL2,
            configuration: IVFPQConfiguration(
                listCount: 8,
                subquantizerCount: 4,
                bitsPerCode: 5,
                storedVectors: .float32
            )
        )
        let data = try clusteredData(count: 800, dimension: d, clusters: 8, seed: 21)
        try index.train(data)
        // Ids below 800 are permanent; the writers churn ids from 1000 up.
        try index.add(data, ids: (0..<800).map { UInt64($0) })
        let query = Array(data[17])
        let parameters = IVFPQSearchParameters(probeCount: 8, refineFactor: 2)
        let permanent = SearchFilter { $0 < 800 }
        let baseline = try index.search(query, k: 5, parameters: parameters, filter: permanent)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    var rng = SeededGenerator(seed: UInt64(writer + 10))
                    for round in 0..<150 {
                        let id = UInt64(1000 + writer * 10_000 + round)
                        try index.add(rng.floats(d), id: id)
                        if round % 3 == 1 {
                            try index.upsert(VectorMatrix(values: rng.floats(d), dimension: d), ids: [id])
                        }
                        if round % 2 == 1 { index.remove([id - 1]) }
                    }
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<60 {
                        let results = try index.search(query, k: 5, parameters: parameters, filter: permanent)
                        #expect(results == baseline)
                        let batch = try index.search(
                            VectorMatrix(values: query + query + query + query + query, dimension: d),
                            k: 3,
                            parameters: parameters,
                            threads: 2
                        )
                        #expect(batch.count == 5 && batch.allSatisfy { $0.count == 3 })
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(index.count == 800 + 2 * 75)
    }
}
