// SPDX-License-Identifier: Apache-2.0

/// One match from a search: the stored vector's id and its score against the query.
///
/// The score is in the index's ``Metric``: a squared distance for ``Metric/squaredL2`` (smaller is closer), an
/// inner product or cosine similarity otherwise (larger is closer). Results come best first; equal scores are
/// ordered by ascending id.
public struct SearchResult: Sendable, Hashable, CustomStringConvertible {
    /// The id the vector was added with.
    public var id: UInt64
    /// The vector's score against the query.
    public var score: Float

    /// Creates a result.
    public init(id: UInt64, score: Float) {
        self.id = id
        self.score = score
    }

    /// `id: score`.
    public var description: String { "\(id): \(score)" }
}
