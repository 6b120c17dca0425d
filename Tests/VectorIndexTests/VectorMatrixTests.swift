// SPDX-License-Identifier: Apache-2.0

import Testing
import VectorIndex

/// Every public initialiser refuses a bad shape with a typed error.
@Suite struct VectorMatrixTests {
    @Test("bad shapes throw invalidArgument")
    func badShapes() {
        #expect(code { _ = try VectorMatrix(dimension: 0) } == .invalidArgument)
        #expect(code { _ = try VectorMatrix(dimension: -3) } == .invalidArgument)
        #expect(code { _ = try VectorMatrix(values: [1, 2, 3], dimension: 2) } == .invalidArgument)
        #expect(code { _ = try VectorMatrix(values: [1, 2], dimension: 0) } == .invalidArgument)
        #expect(code { _ = try VectorMatrix(rows: []) } == .invalidArgument)
        #expect(code { _ = try VectorMatrix(rows: [[1, 2], [3]]) } == .dimensionMismatch)
    }

    @Test("normalised twice equals normalised once, bit for bit; zero rows stay zero")
    func idempotent() throws {
        var values: [Float] = []
        for i in 0..<30 * 768 { values.append(Float((i &* 40_503) % 997) / 400 - 1.2) }
        values += [Float](repeating: 0, count: 768)
        let once = try VectorMatrix(values: values, dimension: 768).normalized()
        #expect(once.normalized().values.map(\.bitPattern) == once.values.map(\.bitPattern))
        #expect(once[30].allSatisfy { $0 == 0 })
    }
}
