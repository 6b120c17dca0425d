// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

/// The per-(sequence, head) work of one attention call.
struct _AttentionJob: Sendable {
    let heads: Int
    let headWidth: Int
    let width: Int
    /// Queries per sequence.
    let length: Int
    /// Keys per sequence: `length`, plus one when a key and value are appended (always visible).
    let keys: Int
    let mask: AttentionMask

    /// Computes every (sequence, head) task of `sequences` sequences from `qkv` into `context`, spreading whole
    /// heads over up to `threads` threads when the work pays for the hand-off (per-head products are small).
    func run(sequences: Int, qkv: [Float], context: inout [Float], threads: Int) {
        let tasks = sequences * heads
        unsafe qkv.withUnsafeBufferPointer { qkvBuffer in
            unsafe context.withUnsafeMutableBufferPointer { out in
                let q = qkvBuffer.baseAddress!
                let o = out.baseAddress!
                let work = Double(tasks) * Double(length) * Double(keys) * Double(headWidth)
                let usable = min(threads, tasks, work < 5e5 ? 1 : threads)
                if usable <= 1 {
                    unsafe run(tasks: 0..<tasks, qkv: q, context: o)
                } else {
                    let chunk = (tasks + usable - 1) / usable
                    // Each task writes a disjoint (sequence, head) block of `context`.
                    Parallel.forEach(parts: usable) { t in
                        let range = min(tasks, t * chunk)..<min(tasks, (t + 1) * chunk)
                        unsafe run(tasks: range, qkv: q, context: o)
                    }
                }
            }
        }
    }

    /// Computes tasks `tasks` (task = sequence × heads + head) into `context`.
    func run(tasks: Range<Int>, qkv: UnsafePointer<Float>, context: UnsafeMutablePointer<Float>) {
        guard !tasks.isEmpty else { return }
        let n = length
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
            for i in 0..<n {
                let row = unsafe scores + i * keys
                for j in 0..<keys {
                    var masked = j < n && mask.causal && j > i
                    if j < n, let valid = mask.keyIsValid, !valid[sequence * n + j] { masked = true }
                    unsafe row[j] = masked ? -.infinity : row[j] * scale
                }
            }
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
