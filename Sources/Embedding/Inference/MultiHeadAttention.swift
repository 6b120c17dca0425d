// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
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
package struct MultiHeadAttention: Sendable {
    /// `[3d, d]`: the query, key and value projections stacked.
    let qkv: Linear
    let output: Linear
    let heads: Int

    /// Creates the attention from its stacked `[3d, d]` Q/K/V projection and its `[d, d]` output projection.
    package init(qkv: Linear, output: Linear, heads: Int) {
        precondition(qkv.outFeatures == 3 * output.outFeatures, "attention: Q/K/V must stack three widths")
        precondition(output.outFeatures % heads == 0, "attention: width not divisible by heads")
        self.qkv = qkv
        self.output = output
        self.heads = heads
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
        let projected = qkv(x, rows: rows, threads: threads)
        var context = [Float](repeating: 0, count: rows * d)
        let job = _AttentionJob(
            heads: heads,
            headWidth: d / heads,
            width: d,
            length: length,
            mask: mask
        )
        unsafe projected.withUnsafeBufferPointer { qkvBuffer in
            unsafe context.withUnsafeMutableBufferPointer { out in
                let q = qkvBuffer.baseAddress!
                let o = out.baseAddress!
                let tasks = batch * heads
                // Per-head products are small; spread whole heads over the threads instead.
                let work = Double(tasks) * Double(length) * Double(length) * Double(d / heads)
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

/// The per-(sequence, head) work of one attention call.
private struct _AttentionJob: Sendable {
    let heads: Int
    let headWidth: Int
    let width: Int
    let length: Int
    let mask: AttentionMask

    /// Computes tasks `tasks` (task = sequence × heads + head) into `context`.
    func run(tasks: Range<Int>, qkv: UnsafePointer<Float>, context: UnsafeMutablePointer<Float>) {
        guard !tasks.isEmpty else { return }
        let n = length
        let dh = headWidth
        let ld = 3 * width
        let scale = 1 / Float(dh).squareRoot()
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(1, n * n))
        defer { unsafe scores.deallocate() }
        for task in tasks {
            let sequence = task / heads
            let head = task % heads
            let base = unsafe qkv + sequence * n * ld + head * dh
            unsafe MatrixProduct.multiply(
                m: n,
                n: n,
                k: dh,
                a: base,
                lda: ld,
                b: base + width,
                ldb: ld,
                layout: .transposed,
                c: scores,
                ldc: n
            )
            for i in 0..<n {
                let row = unsafe scores + i * n
                for j in 0..<n {
                    var masked = mask.causal && j > i
                    if let valid = mask.keyIsValid, !valid[sequence * n + j] { masked = true }
                    unsafe row[j] = masked ? -.infinity : row[j] * scale
                }
            }
            unsafe Softmax.apply(scores, rows: n, width: n, stride: n)
            unsafe MatrixProduct.multiply(
                m: n,
                n: dh,
                k: n,
                a: scores,
                lda: n,
                b: base + 2 * width,
                ldb: ld,
                layout: .normal,
                c: context + sequence * n * width + head * dh,
                ldc: width
            )
        }
    }
}
