// SPDX-License-Identifier: Apache-2.0

/// A hybrid query: a vector leg and a keyword (BM25F) leg run concurrently and fused into one ranking.
///
/// By default the vector leg embeds the same text in the collection's first named vector, and the legs are
/// fused by ``HybridFusion/relativeScore`` with ``HybridFusion/defaultAlpha`` (0.75 to the vector leg).
///
/// ```swift
/// var query = HybridQuery("red running shoes")
/// query.alpha = 0.5
/// query.filter = .lessThan("price", .double(100))
/// for result in try await collection.search(query) {
///     print(result.score, result.distance ?? .nan, result.keywordScore ?? 0)
/// }
/// ```
public struct HybridQuery: Sendable {
    /// The keyword leg's text.
    public var text: String
    /// The vector leg: a named vector and what to look for in it (by default the query text in the first
    /// named vector).
    public var vector: NearQuery.Target
    /// The vector leg's weight in `0...1`; the keyword leg gets `1 − alpha`.
    public var alpha: Double = HybridFusion.defaultAlpha
    /// How the legs are fused.
    public var fusion: HybridFusion = .relativeScore
    /// Drop vector-leg candidates farther than this distance (the keyword leg is not cut).
    public var maxVectorDistance: Float?
    /// The keyword leg's properties with boosts; `nil` searches every keyword-indexed property.
    public var properties: [KeywordProperty]?
    /// How many distinct query words a keyword-leg match must contain.
    public var matching: KeywordOperator = .or(minimumMatch: 1)
    /// Only objects that pass this filter are returned, by either leg.
    public var filter: Filter?
    /// The most results to return.
    public var limit: Int = 10
    /// How many of the best results to skip.
    public var offset: Int = 0
    /// How many candidates each leg contributes before fusion; `nil` takes `offset + limit`.
    public var candidatesPerLeg: Int?
    /// Cut the results after this many jumps in the fused score curve (`nil` or 0: no cut).
    public var autocut: Int?
    /// Re-score the best fused candidates with a reranker.
    public var rerank: Rerank?
    /// Pick varied results among the best fused candidates.
    public var diversity: Diversity?
    /// Whether results carry the objects' vectors.
    public var includeVectors = false
    /// The blob properties whose bytes results should carry.
    public var includeBlobs: [String] = []

    /// Creates a hybrid query whose vector leg embeds `text` in `vector` (the first named vector when `nil`).
    public init(_ text: String, vector: String? = nil) {
        self.text = text
        self.vector = NearQuery.Target(vector: vector, .text(text))
    }

    /// Creates a hybrid query with its own vector leg (an image, a vector, several concepts).
    public init(_ text: String, vector: NearQuery.Target) {
        self.text = text
        self.vector = vector
    }
}
