// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

/// Runs a batch as equal slices on separate threads, one whole model pass per slice.
///
/// Splitting every matrix product's columns across threads leaves the layer norms, activations and softmaxes on
/// one thread and synchronises after every product; a batch of several items scales better when each thread
/// takes its own items from end to end. The results are bit-identical to one pass over the whole batch: items
/// never interact in these models (padding is masked), and the matrix product gives every row the same sums
/// whatever rows surround it.
enum BatchSlices {
    /// Computes `run` over `threads` equal slices of `0..<count` concurrently (each with one thread), then over
    /// the remainder (fewer items than threads) with all `threads`, and returns the rows in batch order.
    ///
    /// - Returns: `nil` when there is nothing to split (one thread or one item); the caller then runs the batch
    ///   itself.
    /// - Throws: The error of the first slice, in batch order, that failed. Callers validate the whole batch
    ///   first, so that messages name positions in the caller's batch rather than in a slice.
    static func run(
        count: Int,
        threads: Int,
        _ run: @Sendable (_ slice: Range<Int>, _ threads: Int) throws(EmbeddingError) -> EmbeddingMatrix
    ) throws(EmbeddingError) -> EmbeddingMatrix? {
        let parts = min(threads, count)
        guard parts > 1 else { return nil }
        let size = count / parts
        let results = Locked([Result<EmbeddingMatrix, EmbeddingError>?](repeating: nil, count: parts))
        Parallel.forEach(parts: parts) { part in
            let result = Result { () throws(EmbeddingError) in try run(part * size..<(part + 1) * size, 1) }
            results.withLock { $0[part] = result }
        }
        var values = ContiguousArray<Float>()
        var dimension = 0
        for result in results.withLock({ $0 }) {
            let rows = try result!.get()
            values += rows.values
            dimension = rows.dimension
        }
        if parts * size < count {
            values += try run(parts * size..<count, threads).values
        }
        return EmbeddingMatrix(unchecked: values, dimension: dimension)
    }
}
