// SPDX-License-Identifier: Apache-2.0

/// One post-norm BERT block: `x = LN(x + attn(x)); x = LN(x + out(act(intermediate(x))))`.
struct BERTEncoderLayer: Sendable {
    let attention: MultiHeadAttention
    let attentionNorm: LayerNorm
    let intermediate: Linear
    let output: Linear
    let outputNorm: LayerNorm
    let activation: Activation

    /// Loads `prefix.attention.{self.{query,key,value}, output.{dense,LayerNorm}}`, `prefix.intermediate.dense`,
    /// `prefix.output.{dense,LayerNorm}`.
    init(
        _ weights: some ModelWeights,
        _ prefix: String,
        width: Int,
        intermediate size: Int,
        heads: Int,
        epsilon: Float,
        activation: Activation
    ) throws(EmbeddingError) {
        let a = prefix + ".attention."
        attention = MultiHeadAttention(
            qkv: try Linear(
                weights,
                stacking: [a + "self.query", a + "self.key", a + "self.value"],
                in: width,
                out: width
            ),
            output: try Linear(weights, a + "output.dense", in: width, out: width),
            heads: heads
        )
        attentionNorm = try LayerNorm(weights, a + "output.LayerNorm", size: width, epsilon: epsilon)
        intermediate = try Linear(weights, prefix + ".intermediate.dense", in: width, out: size)
        output = try Linear(weights, prefix + ".output.dense", in: size, out: width)
        outputNorm = try LayerNorm(weights, prefix + ".output.LayerNorm", size: width, epsilon: epsilon)
        self.activation = activation
    }

    /// Runs the block on `batch × length` rows in place.
    func apply(_ x: inout [Float], batch: Int, length: Int, mask: AttentionMask, threads: Int) {
        let rows = batch * length
        let attended = attention(x, batch: batch, length: length, mask: mask, threads: threads)
        for i in x.indices { x[i] += attended[i] }
        attentionNorm.apply(&x)
        var hidden = intermediate(x, rows: rows, threads: threads)
        activation.apply(&hidden)
        let out = output(hidden, rows: rows, threads: threads)
        for i in x.indices { x[i] += out[i] }
        outputNorm.apply(&x)
    }
}
