// SPDX-License-Identifier: Apache-2.0

/// One pre-LayerNorm transformer block of an ImageBind trunk: `x += attn(norm_1(x)); x += mlp(norm_2(x))`, the
/// MLP `fc1 → exact GELU → fc2`, LayerNorms with eps 1e-6, attention with or without the learned extra key and
/// value (`add_bias_kv`).
struct ImageBindBlock: Sendable {
    let norm1: LayerNorm
    let attention: MultiHeadAttention
    let norm2: LayerNorm
    let fc1: Linear
    let fc2: Linear

    /// Loads `prefix.{norm_1, attn.{in_proj_weight, in_proj_bias, bias_k?, bias_v?, out_proj}, norm_2, mlp.fc1,
    /// mlp.fc2}`; the widths come from the tensors' shapes, `add_bias_kv` from the presence of `attn.bias_k`.
    ///
    /// `storage` is how the four projection weights are kept.
    init(
        _ weights: some ModelWeights,
        _ prefix: String,
        width d: Int,
        heads: Int,
        storage: WeightStorage = .float32
    ) throws(EmbeddingError) {
        guard heads > 0, d % heads == 0 else {
            throw EmbeddingError(.invalidConfiguration, "\(prefix): width \(d) is not divisible by \(heads) heads")
        }
        let a = prefix + ".attn."
        let qkv = Linear(
            weight: try tensor(weights, a + "in_proj_weight", [3 * d, d]),
            bias: try tensor(weights, a + "in_proj_bias", [3 * d]),
            inFeatures: d,
            outFeatures: 3 * d,
            storage: storage
        )
        let output = try Linear(weights, a + "out_proj", in: d, out: d, storage: storage)
        // `add_bias_kv`: the learned key and value appended after the projection.
        let appended =
            weights.contains(a + "bias_k")
            ? (key: try tensor(weights, a + "bias_k", [1, 1, d]), value: try tensor(weights, a + "bias_v", [1, 1, d]))
            : nil
        attention = MultiHeadAttention(qkv: qkv, output: output, heads: heads, appending: appended)
        norm1 = try LayerNorm(weights, prefix + ".norm_1", size: d, epsilon: 1e-6)
        norm2 = try LayerNorm(weights, prefix + ".norm_2", size: d, epsilon: 1e-6)
        let hidden = try weights.shape(of: prefix + ".mlp.fc1.weight").first ?? 0
        fc1 = try Linear(weights, prefix + ".mlp.fc1", in: d, out: hidden, storage: storage)
        fc2 = try Linear(weights, prefix + ".mlp.fc2", in: hidden, out: d, storage: storage)
    }

    /// Runs the block on `batch × length` rows in place (`causal` masks later keys; an appended key stays visible).
    func apply(_ x: inout [Float], batch: Int, length: Int, causal: Bool, threads: Int) {
        let rows = batch * length
        let normed = norm1(x)
        let mask = AttentionMask(causal: causal, keyIsValid: nil)
        let attended = attention(normed, batch: batch, length: length, mask: mask, threads: threads)
        for i in x.indices { x[i] += attended[i] }
        var hidden = fc1(norm2(x), rows: rows, threads: threads)
        Activation.gelu.apply(&hidden)
        let out = fc2(hidden, rows: rows, threads: threads)
        for i in x.indices { x[i] += out[i] }
    }
}

/// Tensor `name` as floats, checked against `shape` (the one place this file reads weights).
private func tensor(
    _ weights: some ModelWeights,
    _ name: String,
    _ shape: [Int]
) throws(EmbeddingError) -> ContiguousArray<Float> {
    try weights.floats(name, shape: shape)
}
