// SPDX-License-Identifier: Apache-2.0

import Embedding
import Testing
import _RAGTestSupport

@Suite struct MultiHeadAttentionTests {
    /// Float64 attention over one sequence, straight from the definition.
    private func reference(
        _ x: [Float],
        _ layers: [Linear],
        heads: Int,
        length n: Int,
        allowed: (Int, Int) -> Bool
    ) -> [Double] {
        let d = layers[0].outFeatures
        func project(_ l: Linear) -> [Double] {
            (0..<n * d).map { idx in
                let (r, o) = (idx / d, idx % d)
                var s = Double(l.bias![o])
                for i in 0..<d { s += Double(x[r * d + i]) * Double(l.weight[o * d + i]) }
                return s
            }
        }
        let q = project(layers[0])
        let k = project(layers[1])
        let v = project(layers[2])
        let dh = d / heads
        var context = [Double](repeating: 0, count: n * d)
        for h in 0..<heads {
            for i in 0..<n {
                var scores = [Double](repeating: -.infinity, count: n)
                for j in 0..<n where allowed(i, j) {
                    var s = 0.0
                    for c in 0..<dh { s += q[i * d + h * dh + c] * k[j * d + h * dh + c] }
                    scores[j] = s / Double(dh).squareRoot()
                }
                let m = scores.max()!
                guard m > -.infinity else { continue }
                let e: [Double] = scores.map { (s: Double) -> Double in s == -.infinity ? 0 : libmExp(s - m) }
                let total = e.reduce(0, +)
                for j in 0..<n {
                    let weight: Double = e[j] / total
                    for c in 0..<dh {
                        let value: Double = v[j * d + h * dh + c]
                        context[i * d + h * dh + c] += weight * value
                    }
                }
            }
        }
        let out = layers[3]
        return (0..<n * d).map { idx in
            let (r, o) = (idx / d, idx % d)
            var s = Double(out.bias![o])
            for i in 0..<d { s += context[r * d + i] * Double(out.weight[o * d + i]) }
            return s
        }
    }

    @Test("causal and padding masks, two sequences, 1 and 2 threads")
    func matchesReference() {
        var rng = SeededGenerator(seed: 99)
        let d = 24
        let heads = 3
        let n = 6
        let layers = (0..<4).map { _ in
            Linear(
                weight: ContiguousArray(rng.floats(d * d)),
                bias: ContiguousArray(rng.floats(d)),
                inFeatures: d,
                outFeatures: d
            )
        }
        let attention = MultiHeadAttention(
            query: layers[0],
            key: layers[1],
            value: layers[2],
            output: layers[3],
            heads: heads
        )
        let x = rng.floats(2 * n * d)
        // Sequence 0 is full; sequence 1 has 4 real tokens and 2 padding.
        let valid = (0..<2 * n).map { $0 < n + 4 }
        for causal in [false, true] {
            for threads in [1, 2] {
                let y = attention(
                    x,
                    batch: 2,
                    length: n,
                    mask: AttentionMask(causal: causal, keyIsValid: valid),
                    threads: threads
                )
                for s in 0..<2 {
                    let seq = Array(x[s * n * d..<(s + 1) * n * d])
                    let realKeys = s == 0 ? n : 4
                    let expected = reference(seq, layers, heads: heads, length: n) { i, j in
                        j < realKeys && (!causal || j <= i)
                    }
                    for i in 0..<n * d {
                        #expect(
                            abs(Double(y[s * n * d + i]) - expected[i]) < 1e-4,
                            "seq \(s) causal \(causal) element \(i)"
                        )
                    }
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
private func libmExp(_ x: Double) -> Double { Glibc.exp(x) }
#else
import Foundation
private func libmExp(_ x: Double) -> Double { Foundation.exp(x) }
#endif
