// SPDX-License-Identifier: Apache-2.0

import _RAGInternals

extension ImageBindTower {
    /// The trunk: the pre-trunk LayerNorm (vision) and the blocks over `items` sequences of `length` rows;
    /// `heads` of the result holds the final states.
    ///
    /// Each block runs as a row stage (`norm_1`, Q/K/V; fused with the previous block's output projection and
    /// MLP), then an attention stage over (sequence, head) pairs. With several threads, each takes an equal
    /// range of rows, or of pairs, through a whole stage with one-thread products, so the LayerNorms, the GELU
    /// and the residual adds split too, and two stages synchronise per block. Rows never interact outside
    /// attention and every matrix product gives a row the same sums whatever rows surround it, so the result
    /// is the same bits for any thread count.
    func trunk(_ tokensIn: [Float], items: Int, length: Int, threads: Int, record: Bool) -> Pass {
        let d = width
        let rows = items * length
        let mask = AttentionMask(causal: tower == .text, keyIsValid: nil)
        let heads = blocks[0].attention.heads
        let tasks = items * heads
        // At least 16 rows per thread, and attention split only when a pair's work pays for the hand-off.
        let rowParts = max(1, min(threads, rows / 16))
        let attentionWork = Double(tasks) * Double(length) * Double(length + 1) * Double(d / heads)
        let taskParts = max(1, min(threads, tasks, attentionWork < 5e5 ? 1 : threads))
        var hidden: [[Float]] = record ? [tokensIn] : []
        let last = ImageBindTrunkBuffers.with(
            sequences: items,
            length: length,
            keys: blocks.map { $0.attention.keys(length: length) }.max()!,
            width: d,
            hiddenWidth: blocks.map(\.fc1.outFeatures).max()!
        ) { buffers in
            unsafe tokensIn.withUnsafeBufferPointer {
                unsafe buffers.stream.update(from: $0.baseAddress!, count: rows * d)
            }
            func rowStage(_ body: (Range<Int>) -> Void) {
                Parallel.forEach(parts: rowParts) { part in body(Self.share(part, of: rowParts, count: rows)) }
            }
            func snapshot() -> [Float] { unsafe Array(UnsafeBufferPointer(start: buffers.stream, count: rows * d)) }
            // Stage i finishes block i − 1 (the pre-trunk LayerNorm for i = 0) and starts block i.
            for i in 0...blocks.count {
                let next = i < blocks.count ? blocks[i] : nil
                rowStage { range in
                    if i == 0 {
                        let at = range.lowerBound * d
                        unsafe preNorm?.apply(rows: range.count, from: buffers.stream + at, to: buffers.stream + at)
                    } else {
                        blocks[i - 1].finish(rows: range, buffers)
                    }
                    if !record { next?.start(rows: range, length: length, buffers) }
                }
                if record {
                    hidden.append(snapshot())
                    if let next { rowStage { next.start(rows: $0, length: length, buffers) } }
                }
                guard let next else { break }
                unsafe next.attention.writeAppended(batch: items, length: length, into: buffers.qkv)
                Parallel.forEach(parts: taskParts) { part in
                    unsafe next.attention.attend(
                        tasks: Self.share(part, of: taskParts, count: tasks),
                        length: length,
                        mask: mask,
                        qkv: buffers.qkv,
                        context: buffers.context
                    )
                }
            }
            return record ? hidden.last! : snapshot()
        }
        return Pass(heads: last, stem: [], hidden: hidden)
    }

    /// Part `part` of `parts` near-equal contiguous ranges covering `0..<count`.
    static func share(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        count * part / parts..<count * (part + 1) / parts
    }
}
