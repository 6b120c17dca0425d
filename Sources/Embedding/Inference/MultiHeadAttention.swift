// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// Which keys each query may attend to, for a batch of sequences padded to one length.
package struct AttentionMask: Sendable {
    /// Query `i` sees only keys `j <= i` (text decoders such as CLIP's text tower).
    package var causal: Bool
    /// `batch × length` flags, `false` for padding keys; `nil` when every key is real.
    package var keyIsValid: [Bool]?

    package static let none = AttentionMask(causal: false, keyIsValid: nil)

    package init(causal: Bool, keyIsValid: [Bool]?) {
        self.causal = causal
        self.keyIsValid = keyIsValid
    }
}

/// Multi-head scaled dot-product self-attention with fused Q/K/V projections and an output projection.
///
/// Optionally with one learned key and value appended to every sequence after the projection (PyTorch's
/// `nn.MultiheadAttention(add_bias_kv=True)`, used by ImageBind's audio, depth, thermal and IMU towers): `biasKey`
/// and `biasValue` (`[width]`, split over the heads like any projected row) become key and value `L + 1`, which
/// every query sees whatever the mask.
package struct MultiHeadAttention: Sendable {
    /// `[3d, d]`: the query, key and value projections stacked.
    let qkv: Linear
    let output: Linear
    let heads: Int
    /// The appended key and value (`[d]` each), or `nil`.
    let appended: (key: ContiguousArray<Float>, value: ContiguousArray<Float>)?

    /// Creates the attention from its stacked `[3d, d]` Q/K/V projection and its `[d, d]` output projection, and
    /// optionally the learned key and value appended after the projection.
    package init(
        qkv: Linear,
        output: Linear,
        heads: Int,
        appending appended: (key: ContiguousArray<Float>, value: ContiguousArray<Float>)? = nil
    ) {
        precondition(qkv.outFeatures == 3 * output.outFeatures, "attention: Q/K/V must stack three widths")
        precondition(output.outFeatures % heads == 0, "attention: width not divisible by heads")
        precondition(
            appended.map { $0.key.count == output.outFeatures && $0.value.count == output.outFeatures } ?? true,
            "attention: appended key and value must have the model width"
        )
        self.qkv = qkv
        self.output = output
        self.heads = heads
        self.appended = appended
    }

    /// Creates the attention from separate projections (stacked here, for tests and hand-built layers).
    package init(query: Linear, key: Linear, value: Linear, output: Linear, heads: Int) {
        self.init(qkv: Linear(concatenating: [query, key, value]), output: output, heads: heads)
    }

    var width: Int { output.outFeatures }

    /// Attends within each of `batch` sequences of `length` rows of `x` (`batch × length × width`).
    package func callAsFunction(_ x: [Float], batch: Int, length: Int, mask: AttentionMask, threads: Int) -> [Float] {
        let d = width
        let rows = batch * length
        var projected = qkv(x, rows: rows, threads: threads)
        let keys = length + (appended == nil ? 0 : 1)
        if let appended {
            // Each sequence gets one more row: [0 | key | value] (its query part is never read).
            var extended = [Float](repeating: 0, count: batch * keys * 3 * d)
            for s in 0..<batch {
                let to = s * keys * 3 * d
                extended[to..<to + length * 3 * d] = projected[s * length * 3 * d..<(s + 1) * length * 3 * d]
                let last = to + length * 3 * d
                for j in 0..<d {
                    extended[last + d + j] = appended.key[j]
                    extended[last + 2 * d + j] = appended.value[j]
                }
            }
            projected = extended
        }
        var context = [Float](repeating: 0, count: rows * d)
        let job = _AttentionJob(
            heads: heads,
            headWidth: d / heads,
            width: d,
            length: length,
            keys: keys,
            mask: mask
        )
        job.run(sequences: batch, qkv: projected, context: &context, threads: threads)
        return output(context, rows: rows, threads: threads)
    }
}
