// SPDX-License-Identifier: Apache-2.0

import _RAGInternals

/// The one shard-and-gather loop behind the batch searches and the k-means and product-quantizer steps.
///
/// Work is cut into `chunks` pieces; up to `threads` workers take them round-robin (worker `w` runs chunks
/// `w`, `w + workers`, …), so results never depend on the thread count. Each worker sets up its own scratch
/// state once and returns what it found; the results come back in worker order.
enum Sharding {
    /// The number of workers for `chunks` pieces on at most `threads` threads (at least 1).
    static func workerCount(chunks: Int, threads: Int) -> Int {
        max(1, min(threads, chunks))
    }

    /// Runs `body(worker, chunks)` on every worker and returns each worker's result, in worker order.
    static func map<Result: Sendable>(
        chunks: Int,
        threads: Int,
        _ body: (_ worker: Int, _ chunks: StrideTo<Int>) -> Result
    ) -> [Result] {
        let workers = workerCount(chunks: chunks, threads: threads)
        let results = Locked([Result?](repeating: nil, count: workers))
        Parallel.forEach(parts: workers) { w in
            let result = body(w, stride(from: w, to: chunks, by: workers))
            results.withLock { $0[w] = result }
        }
        return results.withLock { $0.compactMap { $0 } }
    }

    /// Runs `body(worker, chunks)` on every worker; the bodies write their results to disjoint memory.
    static func forEach(chunks: Int, threads: Int, _ body: (_ worker: Int, _ chunks: StrideTo<Int>) -> Void) {
        let workers = workerCount(chunks: chunks, threads: threads)
        Parallel.forEach(parts: workers) { w in body(w, stride(from: w, to: chunks, by: workers)) }
    }
}
