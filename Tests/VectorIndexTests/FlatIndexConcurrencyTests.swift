// SPDX-License-Identifier: Apache-2.0

import Testing
import VectorIndex
import _RAGTestSupport

@Suite struct FlatIndexConcurrencyTests {
    @Test("searches run while other tasks add and remove; every search sees a consistent snapshot")
    func concurrentReadersAndWriters() async throws {
        let d = 16
        let index = try FlatIndex(dimension: d, metric: .innerProduct)
        // Ids below 1000 are permanent; the writers churn ids from 1000 up.
        try index.add(VectorMatrix(rows: randomRows(1000, dimension: d, seed: 1)), ids: (0..<1000).map(UInt64.init))
        let query = [Float](repeating: 0.25, count: d)
        let baseline = try index.search(query, k: 5, filter: SearchFilter { $0 < 1000 })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    var rng = SeededGenerator(seed: UInt64(writer + 10))
                    for round in 0..<200 {
                        let id = UInt64(1000 + writer * 10_000 + round)
                        try index.add(rng.floats(d), id: id)
                        if round % 2 == 1 { index.remove([id - 1]) }
                    }
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<100 {
                        let results = try index.search(query, k: 5, filter: SearchFilter { $0 < 1000 })
                        #expect(results == baseline)
                        let batch = try index.search(
                            VectorMatrix(rows: [query, query, query, query]),
                            k: 3,
                            threads: 2
                        )
                        #expect(batch.count == 4 && batch.allSatisfy { $0.count == 3 })
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(index.count == 1000 + 2 * 100)
    }
}
