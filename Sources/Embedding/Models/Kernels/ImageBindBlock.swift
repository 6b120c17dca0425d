// SPDX-License-Identifier: Apache-2.0

/// One pre-LayerNorm transformer block of an ImageBind trunk: `x += attn(norm_1(x)); x += mlp(norm_2(x))`, the
/// MLP `fc1 → exact GELU → fc2`, LayerNorms with eps 1e-6, attention with or without the learned extra key and
/// value (`add_bias_kv`).
///
/// A pass runs it in two stages over a ``ImageBindTrunkBuffers`` (see ``ImageBindTower``'s trunk): ``start(rows:length:_:)``
/// and ``finish(rows:_:)`` work on rows, which are independent, and the attention between them on (sequence,
/// head) pairs, so threads can split either without changing a bit.
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
}

extension ImageBindBlock {
    /// The row stage before attention: `norm_1` of rows `rows` of the stream, then their queries, keys and values.
    func start(rows: Range<Int>, length: Int, _ buffers: ImageBindTrunkBuffers) {
        let d = buffers.width
        let at = rows.lowerBound * d
        unsafe norm1.apply(rows: rows.count, from: buffers.stream + at, to: buffers.normed + at)
        unsafe attention.project(rows: rows, length: length, buffers.normed, into: buffers.qkv)
    }

    /// The row stage after attention, for rows `rows`: `x += out_proj(context)`, then `x += fc2(gelu(fc1(norm_2(x))))`.
    func finish(rows: Range<Int>, _ buffers: ImageBindTrunkBuffers) {
        let d = buffers.width
        let h = fc1.outFeatures
        let n = rows.count
        let at = rows.lowerBound * d
        let x = unsafe buffers.stream + at
        let scratch = unsafe buffers.normed + at
        let hidden = unsafe buffers.hidden + rows.lowerBound * h
        unsafe attention.output.apply(rows: n, buffers.context + at, lda: d, into: scratch, ldc: d)
        for i in 0..<n * d { unsafe x[i] += scratch[i] }
        unsafe norm2.apply(rows: n, from: x, to: scratch)
        unsafe fc1.apply(rows: n, scratch, lda: d, into: hidden, ldc: h)
        unsafe Activation.gelu.apply(hidden, count: n * h)
        unsafe fc2.apply(rows: n, hidden, lda: h, into: scratch, ldc: d)
        for i in 0..<n * d { unsafe x[i] += scratch[i] }
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
