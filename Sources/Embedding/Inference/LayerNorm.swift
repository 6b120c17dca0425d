// SPDX-License-Identifier: Apache-2.0

package import _RAGNumerics

/// Layer normalisation over the last dimension: `(x - mean) / √(var + eps) · γ + β` with the biased variance.
package struct LayerNorm: Sendable {
    let weight: ContiguousArray<Float>
    let bias: ContiguousArray<Float>
    let epsilon: Float

    package init(weight: ContiguousArray<Float>, bias: ContiguousArray<Float>, epsilon: Float) {
        precondition(weight.count == bias.count, "layer norm: weight and bias sizes differ")
        self.weight = weight
        self.bias = bias
        self.epsilon = epsilon
    }

    /// Loads `prefix.weight` and `prefix.bias`, both `[size]`.
    init(_ weights: some ModelWeights, _ prefix: String, size: Int, epsilon: Float) throws(EmbeddingError) {
        self.init(
            weight: try weights.floats(prefix + ".weight", shape: [size]),
            bias: try weights.floats(prefix + ".bias", shape: [size]),
            epsilon: epsilon
        )
    }

    var size: Int { weight.count }

    /// Normalises every row of `x` in place: above the baseline `level` with the dispatched C kernel (the same
    /// Float64 mean and variance, vectorised; the Swift loop below is the portable path and its oracle).
    package func apply(_ x: inout [Float], level: InstructionLevel = .current) {
        let d = size
        precondition(d > 0 && x.count % d == 0, "layer norm: input size")
        let rows = x.count / d
        if applyWide(&x, rows: rows, level: level) { return }
        // Mean and variance are accumulated in Double (two passes), so eps = 1e-12 rows stay exact.
        for r in 0..<rows {
            let base = r * d
            var sum = 0.0
            for j in 0..<d { sum += Double(x[base + j]) }
            let mean = sum / Double(d)
            var squares = 0.0
            for j in 0..<d {
                let c = Double(x[base + j]) - mean
                squares += c * c
            }
            let inverse = 1 / (squares / Double(d) + Double(epsilon)).squareRoot()
            let m = Float(mean)
            let s = Float(inverse)
            for j in 0..<d { x[base + j] = (x[base + j] - m) * s * weight[j] + bias[j] }
        }
    }

    /// A normalised copy of `x`.
    package func callAsFunction(_ x: [Float]) -> [Float] {
        var y = x
        apply(&y)
        return y
    }
}
