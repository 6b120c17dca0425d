// SPDX-License-Identifier: Apache-2.0

/// Groups sequences into model calls so that padding is small.
///
/// Indices are sorted by length (stable) and cut greedily into runs; each run is padded only to its own longest
/// member. A run holds at most `batchSize` sequences, and at most `tokenBudget` padded positions unless a single
/// sequence is longer than that, so one long text does not make a whole batch of short ones pad to its length.
enum LengthBatches {
    /// The input indices of each model call.
    /// - Precondition: `batchSize >= 1` and `tokenBudget >= 1`.
    static func plan(lengths: [Int], batchSize: Int, tokenBudget: Int = 4096) -> [[Int]] {
        precondition(batchSize >= 1 && tokenBudget >= 1, "batchSize and tokenBudget must be at least 1")
        let order = lengths.indices.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
        var batches: [[Int]] = []
        var current: [Int] = []
        for index in order {
            // Sorted ascending, so the new member sets the padded length of the run.
            if !current.isEmpty, current.count == batchSize || (current.count + 1) * lengths[index] > tokenBudget {
                batches.append(current)
                current = []
            }
            current.append(index)
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
