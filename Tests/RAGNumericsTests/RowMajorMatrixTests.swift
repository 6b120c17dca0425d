// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGNumerics
import _RAGTestSupport

/// The one row normaliser: unit length against a Float64 computation, idempotent to the bit, zero rows kept.
@Suite struct RowMajorMatrixTests {
    static let dimensions = [1, 2, 3, 7, 8, 15, 16, 17, 100, 384, 512, 768, 1024, 1536, 4096]

    /// Rows of seeded uniform values scaled by powers of two and ten, so norms range far from 1.
    private func rows(_ count: Int, _ dimension: Int, seed: UInt64) -> RowMajorMatrix {
        var rng = SeededGenerator(seed: seed)
        var values = ContiguousArray<Float>()
        for r in 0..<count {
            let scale = [1e-3, 0.5, 1, 3, 1e4][r % 5] as Float
            values += rng.floats(dimension).map { $0 * scale }
        }
        return RowMajorMatrix(unchecked: values, dimension: dimension)
    }

    @Test("normalised rows have unit length (Float64 check); normalising again changes no bit", arguments: dimensions)
    func idempotent(dimension: Int) {
        let once = rows(60, dimension, seed: UInt64(dimension)).normalized()
        for r in 0..<once.count {
            let row = once.values[r * dimension..<(r + 1) * dimension]
            let length = row.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(length - 1) < 4 * Double(dimension).squareRoot() * 0x1p-24 + 0x1p-23)
        }
        let twice = once.normalized()
        #expect(twice.values.map(\.bitPattern) == once.values.map(\.bitPattern))
    }

    @Test("a unit matrix is returned without copying its buffer")
    func noCopyWhenUnit() {
        let once = rows(8, 384, seed: 7).normalized()
        let twice = once.normalized()
        let a = unsafe once.values.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        let b = unsafe twice.values.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        #expect(a == b)
    }

    @Test("zero rows stay zero; rows far from unit length are scaled")
    func zeroRows() {
        let m = RowMajorMatrix(unchecked: [0, 0, 0, 3, 4, 0], dimension: 3).normalized()
        #expect(m.values == [0, 0, 0, 0.6, 0.8, 0])
    }

    @Test("shape problems are named")
    func shapes() {
        #expect(RowMajorMatrix.shapeProblem(valueCount: 6, dimension: 3) == nil)
        #expect(RowMajorMatrix.shapeProblem(valueCount: 0, dimension: 1) == nil)
        #expect(RowMajorMatrix.shapeProblem(valueCount: 6, dimension: 0) != nil)
        #expect(RowMajorMatrix.shapeProblem(valueCount: 6, dimension: -2) != nil)
        #expect(RowMajorMatrix.shapeProblem(valueCount: 7, dimension: 3) != nil)
    }
}
