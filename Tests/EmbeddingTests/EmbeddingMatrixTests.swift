// SPDX-License-Identifier: Apache-2.0

import Embedding
import Testing

/// Shapes are checked with a typed error; normalising uses the one Float32 normaliser and is idempotent.
@Suite struct EmbeddingMatrixTests {
    @Test("a bad shape throws invalidInput instead of trapping", arguments: [(6, 0), (6, -1), (7, 3), (1, 2)])
    func badShapes(count: Int, dimension: Int) {
        #expect {
            _ = try EmbeddingMatrix(values: ContiguousArray(repeating: 1, count: count), dimension: dimension)
        } throws: { ($0 as? EmbeddingError)?.code == .invalidInput }
    }

    @Test("an empty matrix of any positive dimension is valid")
    func empty() throws {
        let m = try EmbeddingMatrix(values: [], dimension: 5)
        #expect(m.count == 0 && m.dimension == 5)
    }

    @Test("normalised twice equals normalised once, bit for bit")
    func idempotent() throws {
        var values = ContiguousArray<Float>()
        for i in 0..<40 * 512 { values.append(Float((i &* 2_654_435_761) % 1_000) / 500 - 1) }
        let once = try EmbeddingMatrix(values: values, dimension: 512).normalized()
        #expect(once.normalized().values.map(\.bitPattern) == once.values.map(\.bitPattern))
        for r in 0..<once.count {
            let length = once[r].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(length - 1) < 1e-6)
        }
    }
}
