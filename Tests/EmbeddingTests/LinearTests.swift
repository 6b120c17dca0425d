// SPDX-License-Identifier: Apache-2.0

import Embedding
import Testing
import _RAGTestSupport

@Suite struct LinearTests {
    @Test("y = x·Wᵀ + b with PyTorch [out, in] weights", arguments: [(1, 3, 2), (7, 64, 33), (50, 300, 129)])
    func matchesReference(shape: (Int, Int, Int)) {
        let (rows, inputs, outputs) = shape
        var rng = SeededGenerator(seed: UInt64(rows * 1000 + inputs))
        let x = rng.floats(rows * inputs)
        let w = ContiguousArray(rng.floats(outputs * inputs))
        let b = ContiguousArray(rng.floats(outputs))
        for bias in [true, false] {
            let layer = Linear(weight: w, bias: bias ? b : nil, inFeatures: inputs, outFeatures: outputs)
            for threads in [1, 2] {
                let y = layer(x, rows: rows, threads: threads)
                for r in 0..<rows {
                    for o in 0..<outputs {
                        var sum = bias ? Double(b[o]) : 0
                        for i in 0..<inputs { sum += Double(x[r * inputs + i]) * Double(w[o * inputs + i]) }
                        #expect(abs(Double(y[r * outputs + o]) - sum) < 1e-4 * Double(inputs).squareRoot())
                    }
                }
            }
        }
    }
}
