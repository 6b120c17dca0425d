// SPDX-License-Identifier: Apache-2.0

/// How a hybrid query merges its vector and keyword result lists, as Weaviate's `fusionType`.
///
/// Both methods weight the vector leg by `alpha` and the keyword leg by `1 − alpha`: `alpha = 1` is pure vector
/// search, `0` pure keyword search. A document found by one leg only gets nothing from the other.
///
/// ```swift
/// let fused = try HybridFusion.relativeScore.fuse(
///     vector: [.init(key: 2, score: 0.6), .init(key: 1, score: 0.594)],
///     keyword: [.init(key: 1, score: 5), .init(key: 2, score: 2.3)],
///     alpha: 0.5
/// )
/// // fused[0].key == 1: the keyword leg's best, and close to the vector leg's best
/// ```
///
/// Our defaults are ``relativeScore`` (Weaviate's default since 1.24) and ``defaultAlpha`` = 0.75.
public enum HybridFusion: Sendable, Hashable, CaseIterable {
    /// Reciprocal-rank fusion: a document at 0-based rank `r` in a leg gets `weight / (60 + r)` from it.
    ///
    /// Only ranks matter, so a leg whose scores are bunched together counts as much as one with a clear winner.
    case ranked
    /// Relative-score fusion: each leg's scores are min-max normalised (best 1, worst 0) and weighted.
    ///
    /// A leg whose scores are all equal (including a leg with one result) normalises every score to 1.
    case relativeScore

    /// The weight of the vector leg when a query does not say: 0.75.
    public static let defaultAlpha = 0.75

    /// The constant added to ranks in ``ranked`` fusion, 60, as in Weaviate and the original reciprocal-rank
    /// fusion paper.
    public static let rankConstant = 60.0

    /// Merges the two legs of a hybrid query into one list, best first.
    ///
    /// Each leg must be ordered best first and its scores must grow with relevance — pass a similarity, or a
    /// negated distance, for the vector leg (min-max normalisation is unchanged by shifting or scaling a leg). A
    /// key listed twice in one leg counts at its first (best) position only.
    ///
    /// - Parameters:
    ///   - vector: The vector leg's results, best first.
    ///   - keyword: The keyword leg's results, best first.
    ///   - alpha: The vector leg's weight in `0...1`; the keyword leg gets `1 − alpha`.
    /// - Returns: Every key found by either leg, by descending fused score; equal scores by ascending key.
    /// - Throws: ``RetrievalError`` with code `invalidQuery` when `alpha` is outside `0...1` or a score is not
    ///   finite.
    /// - Complexity: O((v + k) log(v + k)).
    public func fuse(
        vector: [FusionCandidate],
        keyword: [FusionCandidate],
        alpha: Double = HybridFusion.defaultAlpha
    ) throws(RetrievalError) -> [FusedMatch] {
        guard alpha >= 0, alpha <= 1 else {
            throw RetrievalError(.invalidQuery, "hybrid alpha must be in 0...1, not \(alpha)")
        }
        for candidate in vector + keyword where !candidate.score.isFinite {
            throw RetrievalError(.invalidQuery, "the score of \(candidate.key) is not finite")
        }
        var merged: [UInt64: FusedMatch] = [:]
        for (isVector, leg, weight) in [(true, vector, alpha), (false, keyword, 1 - alpha)] {
            let low = leg.map(\.score).min() ?? 0
            let high = leg.map(\.score).max() ?? 0
            var seen = Set<UInt64>()
            for (rank, candidate) in leg.enumerated() where seen.insert(candidate.key).inserted {
                let contribution: Double
                switch self {
                case .ranked:
                    contribution = weight / (Self.rankConstant + Double(rank))
                case .relativeScore:
                    contribution = high > low ? weight * (candidate.score - low) / (high - low) : weight
                }
                let component = FusedMatch.Component(score: candidate.score, rank: rank, contribution: contribution)
                var match = merged[candidate.key] ?? FusedMatch(key: candidate.key)
                if isVector { match.vector = component } else { match.keyword = component }
                match.score += contribution
                merged[candidate.key] = match
            }
        }
        return merged.values.sorted { $0.score != $1.score ? $0.score > $1.score : $0.key < $1.key }
    }
}

/// One result of one leg of a hybrid query: a key and its score in that leg (higher is better).
public struct FusionCandidate: Sendable, Hashable {
    /// The document's key.
    public var key: UInt64
    /// Its score in the leg; higher is better.
    public var score: Double

    /// Creates a candidate.
    ///
    /// - Parameters:
    ///   - key: The document's key.
    ///   - score: Its score in the leg; higher is better.
    public init(key: UInt64, score: Double) {
        self.key = key
        self.score = score
    }
}

/// A fused hybrid result: the key, the fused score and what each leg contributed.
public struct FusedMatch: Sendable, Hashable {
    /// A leg's part in a fused result.
    public struct Component: Sendable, Hashable {
        /// The score the leg gave (a similarity or negated distance for the vector leg, BM25F for keyword).
        public var score: Double
        /// The 0-based position in the leg's list.
        public var rank: Int
        /// What the leg added to the fused score: `weight / (60 + rank)` or `weight × normalised score`.
        public var contribution: Double

        /// Creates a component.
        ///
        /// - Parameters:
        ///   - score: The leg's score.
        ///   - rank: The 0-based position in the leg.
        ///   - contribution: What it added to the fused score.
        public init(score: Double, rank: Int, contribution: Double) {
            self.score = score
            self.rank = rank
            self.contribution = contribution
        }
    }

    /// The document's key.
    public var key: UInt64
    /// The fused score, the sum of the components' contributions; higher is better.
    public var score: Double
    /// The vector leg's part, or `nil` when the vector leg did not find the document.
    public var vector: Component?
    /// The keyword leg's part, or `nil` when the keyword leg did not find the document.
    public var keyword: Component?

    /// Creates a result.
    ///
    /// - Parameters:
    ///   - key: The document's key.
    ///   - score: The fused score.
    ///   - vector: The vector leg's part.
    ///   - keyword: The keyword leg's part.
    public init(key: UInt64, score: Double = 0, vector: Component? = nil, keyword: Component? = nil) {
        self.key = key
        self.score = score
        self.vector = vector
        self.keyword = keyword
    }
}
