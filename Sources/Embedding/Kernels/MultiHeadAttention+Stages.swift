// SPDX-License-Identifier: Apache-2.0

extension MultiHeadAttention {
    /// Keys per sequence of `length` rows: `length`, and one more when a key and value are appended.
    func keys(length: Int) -> Int { length + (appended == nil ? 0 : 1) }

    /// Projects rows `rows` of the `batch × length` rows at `x` (``width`` floats each) to queries, keys and
    /// values in `qkv`, laid out as ``callAsFunction(_:batch:length:mask:threads:)`` lays them out: each sequence
    /// takes ``keys(length:)`` rows of `3 × width` (the appended row is ``writeAppended(batch:length:into:)``'s).
    ///
    /// Rows are independent, so threads may project disjoint row ranges of one batch at once.
    func project(
        rows: Range<Int>,
        length: Int,
        _ x: UnsafePointer<Float>,
        into qkv: UnsafeMutablePointer<Float>
    ) {
        let d = width
        let keys = keys(length: length)
        guard keys != length else {
            unsafe self.qkv.apply(
                rows: rows.count,
                x + rows.lowerBound * d,
                lda: d,
                into: qkv + rows.lowerBound * 3 * d,
                ldc: 3 * d
            )
            return
        }
        var row = rows.lowerBound
        while row < rows.upperBound {
            let sequence = row / length
            let end = min(rows.upperBound, (sequence + 1) * length)
            unsafe self.qkv.apply(
                rows: end - row,
                x + row * d,
                lda: d,
                into: qkv + (sequence * keys + row - sequence * length) * 3 * d,
                ldc: 3 * d
            )
            row = end
        }
    }

    /// Writes the appended key and value of each of `batch` sequences into their rows of `qkv` (as
    /// ``project(rows:length:_:into:)`` lays it out); nothing when the attention appends none.
    func writeAppended(batch: Int, length: Int, into qkv: UnsafeMutablePointer<Float>) {
        guard let appended else { return }
        let d = width
        let keys = keys(length: length)
        unsafe appended.key.withUnsafeBufferPointer { key in
            unsafe appended.value.withUnsafeBufferPointer { value in
                for s in 0..<batch {
                    let row = unsafe qkv + (s * keys + length) * 3 * d
                    unsafe (row + d).update(from: key.baseAddress!, count: d)
                    unsafe (row + 2 * d).update(from: value.baseAddress!, count: d)
                }
            }
        }
    }

    /// Attends for the tasks `tasks` (task = sequence × ``heads`` + head) of `qkv` (laid out by
    /// ``project(rows:length:_:into:)``), writing each task's block of `context` (`batch × length × width`).
    ///
    /// The same per-(sequence, head) computation as ``callAsFunction(_:batch:length:mask:threads:)``; tasks are
    /// independent, so threads may take disjoint task ranges at once.
    func attend(
        tasks: Range<Int>,
        length: Int,
        mask: AttentionMask,
        qkv: UnsafePointer<Float>,
        context: UnsafeMutablePointer<Float>
    ) {
        let job = _AttentionJob(
            heads: heads,
            headWidth: width / heads,
            width: width,
            length: length,
            keys: keys(length: length),
            mask: mask
        )
        unsafe job.run(tasks: tasks, qkv: qkv, context: context)
    }
}
