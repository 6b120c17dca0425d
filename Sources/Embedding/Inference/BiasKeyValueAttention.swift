// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

/// Multi-head self-attention with one learned key and value appended after the projection: PyTorch's
/// `nn.MultiheadAttention(add_bias_kv=True)`.
///
/// Each sequence of `L` rows is projected to queries, keys and values as usual; then `biasKey` and `biasValue`
/// (`[width]`, split over the heads like any projected row) are appended as key and value `L + 1`, so every
/// query attends over `L + 1` keys. No mask is supported (the ImageBind towers that use it attend everywhere).
package struct BiasKeyValueAttention: Sendable {
    /// `[3d, d]`: the query, key and value projections stacked.
    let qkv: Linear
    let output: Linear
    let heads: Int
    /// The appended key, `[d]`.
    let biasKey: ContiguousArray<Float>
    /// The appended value, `[d]`.
    let biasValue: ContiguousArray<Float>

    /// Creates the attention from its stacked projection, output projection and the appended key and value.
    package init(
        qkv: Linear,
        output: Linear,
        heads: Int,
        biasKey: ContiguousArray<Float>,
        biasValue: ContiguousArray<Float>
    ) {
        precondition(qkv.outFeatures == 3 * output.outFeatures, "attention: Q/K/V must stack three widths")
        precondition(output.outFeatures % heads == 0, "attention: width not divisible by heads")
        precondition(biasKey.count == output.outFeatures && biasValue.count == output.outFeatures, "bias k/v size")
        self.qkv = qkv
        self.output = output
        self.heads = heads
        self.biasKey = biasKey
        self.biasValue = biasValue
    }

    var width: Int { output.outFeatures }

    /// Attends within each of `batch` sequences of `length` rows of `x` (`batch × length × width`).
    package func callAsFunction(_ x: [Float], batch: Int, length: Int, threads: Int) -> [Float] {
        let d = width
        let rows = batch * length
        let projected = qkv(x, rows: rows, threads: threads)
        // Each sequence gets one more row: [0 | biasKey | biasValue] (its query part is never read).
        let keys = length + 1
        var extended = [Float](repeating: 0, count: batch * keys * 3 * d)
        for s in 0..<batch {
            let to = s * keys * 3 * d
            extended[to..<to + length * 3 * d] = projected[s * length * 3 * d..<(s + 1) * length * 3 * d]
            let last = to + length * 3 * d
            for j in 0..<d {
                extended[last + d + j] = biasKey[j]
                extended[last + 2 * d + j] = biasValue[j]
            }
        }
        var context = [Float](repeating: 0, count: rows * d)
        let job = _BiasKVJob(heads: heads, headWidth: d / heads, width: d, queries: length)
        unsafe extended.withUnsafeBufferPointer { qkvBuffer in
            unsafe context.withUnsafeMutableBufferPointer { out in
                let q = qkvBuffer.baseAddress!
                let o = out.baseAddress!
                let tasks = batch * heads
                let work = Double(tasks) * Double(length) * Double(keys) * Double(d / heads)
                let usable = min(threads, tasks, work < 5e5 ? 1 : threads)
                if usable <= 1 {
                    unsafe job.run(tasks: 0..<tasks, qkv: q, context: o)
                } else {
                    let chunk = (tasks + usable - 1) / usable
                    // Each task writes a disjoint (sequence, head) block of `context`.
                    Parallel.forEach(parts: usable) { t in
                        let range = min(tasks, t * chunk)..<min(tasks, (t + 1) * chunk)
                        unsafe job.run(tasks: range, qkv: q, context: o)
                    }
                }
            }
        }
        return output(context, rows: rows, threads: threads)
    }
}

/// The per-(sequence, head) work of one call: `queries` queries over `queries + 1` keys.
private struct _BiasKVJob: Sendable {
    let heads: Int
    let headWidth: Int
    let width: Int
    let queries: Int

    func run(tasks: Range<Int>, qkv: UnsafePointer<Float>, context: UnsafeMutablePointer<Float>) {
        guard !tasks.isEmpty else { return }
        let n = queries
        let keys = n + 1
        let dh = headWidth
        let ld = 3 * width
        let scale = 1 / Float(dh).squareRoot()
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(1, n * keys))
        defer { unsafe scores.deallocate() }
        for task in tasks {
            let sequence = task / heads
            let head = task % heads
            let base = unsafe qkv + sequence * keys * ld + head * dh
            unsafe MatrixProduct.multiply(
                m: n,
                n: keys,
                k: dh,
                a: base,
                lda: ld,
                b: base + width,
                ldb: ld,
                layout: .transposed,
                c: scores,
                ldc: keys
            )
            for i in 0..<(n * keys) { unsafe scores[i] *= scale }
            unsafe Softmax.apply(scores, rows: n, width: keys, stride: keys)
            unsafe MatrixProduct.multiply(
                m: n,
                n: dh,
                k: keys,
                a: scores,
                lda: keys,
                b: base + 2 * width,
                ldb: ld,
                layout: .normal,
                c: context + sequence * n * width + head * dh,
                ldc: width
            )
        }
    }
}
