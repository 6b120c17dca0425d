// SPDX-License-Identifier: Apache-2.0

import Embedding
import Testing
import _RAGTestSupport

@Suite struct LayerNormTests {
    @Test("matches a Float64 reference, biased variance, eps inside the root", arguments: [1e-5, 1e-12])
    func matchesReference(epsilon: Double) {
        var rng = SeededGenerator(seed: 7)
        let d = 37
        let rows = 5
        let x = (0..<rows * d).map { _ in rng.nextGaussian() * 3 + 1 }
        let w = ContiguousArray(rng.floats(d))
        let b = ContiguousArray(rng.floats(d))
        let y = LayerNorm(weight: w, bias: b, epsilon: Float(epsilon))(x)
        for r in 0..<rows {
            let row = x[r * d..<(r + 1) * d].map(Double.init)
            let mean = row.reduce(0, +) / Double(d)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d)
            for j in 0..<d {
                let expected = (row[j] - mean) / (variance + epsilon).squareRoot() * Double(w[j]) + Double(b[j])
                #expect(abs(Double(y[r * d + j]) - expected) < 1e-5)
            }
        }
    }

    @Test func constantRowBecomesBias() {
        let y = LayerNorm(weight: [2, 2], bias: [0.5, -0.5], epsilon: 1e-12)([3, 3])
        #expect(y == [0.5, -0.5])
    }
}
