// SPDX-License-Identifier: Apache-2.0

/// One pre-norm transformer block of CLIP: `x += attn(LN1(x)); x += fc2(act(fc1(LN2(x))))`.
struct CLIPEncoderLayer: Sendable {
    let norm1: LayerNorm
    let attention: MultiHeadAttention
    let norm2: LayerNorm
    let fc1: Linear
    let fc2: Linear
    let activation: Activation

    /// Loads `prefix.{layer_norm1, self_attn.{q,k,v,out}_proj, layer_norm2, mlp.fc1, mlp.fc2}`.
    init(
        _ weights: some ModelWeights,
        _ prefix: String,
        width: Int,
        intermediate: Int,
        heads: Int,
        epsilon: Float,
        activation: Activation
    ) throws(EmbeddingError) {
        norm1 = try LayerNorm(weights, prefix + ".layer_norm1", size: width, epsilon: epsilon)
        let a = prefix + ".self_attn."
        attention = MultiHeadAttention(
            qkv: try Linear(weights, stacking: [a + "q_proj", a + "k_proj", a + "v_proj"], in: width, out: width),
            output: try Linear(weights, a + "out_proj", in: width, out: width),
            heads: heads
        )
        norm2 = try LayerNorm(weights, prefix + ".layer_norm2", size: width, epsilon: epsilon)
        fc1 = try Linear(weights, prefix + ".mlp.fc1", in: width, out: intermediate)
        fc2 = try Linear(weights, prefix + ".mlp.fc2", in: intermediate, out: width)
        self.activation = activation
    }

    /// Runs the block on `batch × length` rows in place.
    func apply(_ x: inout [Float], batch: Int, length: Int, mask: AttentionMask, threads: Int) {
        let rows = batch * length
        let attended = attention(norm1(x), batch: batch, length: length, mask: mask, threads: threads)
        for i in x.indices { x[i] += attended[i] }
        var hidden = fc1(norm2(x), rows: rows, threads: threads)
        activation.apply(&hidden)
        let out = fc2(hidden, rows: rows, threads: threads)
        for i in x.indices { x[i] += out[i] }
    }
}
