// SPDX-License-Identifier: Apache-2.0

import MultimodalRAG
import Testing

@Suite struct UmbrellaTests {
    @Test("the umbrella re-exports VectorIndex: the README example runs")
    func readmeExample() throws {
        let index = try FlatIndex(dimension: 3, metric: .cosine)
        try index.add(VectorMatrix(rows: [[1, 0, 0], [0, 1, 0], [0.7, 0.7, 0]]), ids: [1, 2, 3])
        let hits = try index.search([1, 0.1, 0], k: 2)
        #expect(hits.map(\.id) == [1, 3])
    }
}
