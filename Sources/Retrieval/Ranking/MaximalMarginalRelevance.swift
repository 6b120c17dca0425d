// SPDX-License-Identifier: Apache-2.0

public import VectorIndex

/// Maximal marginal relevance (Carbonell and Goldstein, 1998): picks results that are relevant to the query and
/// unlike the results already picked.
///
/// Starting from an empty selection, each step picks the candidate `d` that maximises
///
///     λ · sim(query, d) − (1 − λ) · max over picked s of sim(d, s)
///
/// where `sim` is cosine similarity. `λ = 1` ranks by relevance alone; `λ = 0` only avoids repetition (after the
/// most relevant first pick). Ties go to the candidate listed first.
///
/// ```swift
/// let order = try MaximalMarginalRelevance.select(query: q, candidates: vectors, count: 5, lambda: 0.5)
/// let diverse = order.map { hits[$0] }
/// ```
public enum MaximalMarginalRelevance {
    /// The indices of the selected candidates, in selection order.
    ///
    /// - Parameters:
    ///   - query: The query vector.
    ///   - candidates: One row per candidate, in the same space as `query`.
    ///   - count: How many to select; fewer come back when there are fewer candidates.
    ///   - lambda: The weight of relevance against diversity, in `0...1`; 0.5 by default.
    /// - Returns: Row indices into `candidates`, best first.
    /// - Throws: ``RetrievalError``: `dimensionMismatch` when `query` and `candidates` differ in dimension;
    ///   `invalidQuery` for a negative `count` or a `lambda` outside `0...1`.
    /// - Complexity: O(count · n · d) for n candidates of dimension d.
    public static func select(
        query: [Float],
        candidates: VectorMatrix,
        count: Int,
        lambda: Double = 0.5
    ) throws(RetrievalError) -> [Int] {
        guard count >= 0 else { throw RetrievalError(.invalidQuery, "count must be at least 0, not \(count)") }
        guard lambda >= 0, lambda <= 1 else {
            throw RetrievalError(.invalidQuery, "MMR lambda must be in 0...1, not \(lambda)")
        }
        guard query.count == candidates.dimension else {
            throw RetrievalError(
                .dimensionMismatch,
                "the query has \(query.count) dimensions, the candidates \(candidates.dimension)"
            )
        }
        let n = candidates.count
        let rows = (0..<n).map { Self.unit(candidates[$0]) }
        let q = Self.unit(query[...])
        let relevance = rows.map { Self.dot(q, $0) }
        // The highest similarity of each candidate to anything picked so far.
        var redundancy = [Double](repeating: -.infinity, count: n)
        var picked = [Bool](repeating: false, count: n)
        var order: [Int] = []
        while order.count < min(count, n) {
            var best = -1
            var bestValue = -Double.infinity
            for i in 0..<n where !picked[i] {
                let penalty = order.isEmpty ? 0 : redundancy[i]
                let value = lambda * relevance[i] - (1 - lambda) * penalty
                if best < 0 || value > bestValue {
                    best = i
                    bestValue = value
                }
            }
            picked[best] = true
            order.append(best)
            for i in 0..<n where !picked[i] {
                redundancy[i] = max(redundancy[i], Self.dot(rows[i], rows[best]))
            }
        }
        return order
    }

    /// The vector scaled to length 1 in Float64 (a zero vector stays zero, similar to nothing).
    private static func unit(_ vector: ArraySlice<Float>) -> [Double] {
        let values = vector.map(Double.init)
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? values.map { $0 / norm } : values
    }

    /// The dot product of two vectors of equal length.
    private static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }
}
