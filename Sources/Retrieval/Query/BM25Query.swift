// SPDX-License-Identifier: Apache-2.0

/// A keyword query on a collection: BM25F over its keyword-indexed text properties, with a filter and the same
/// result options as a vector query.
///
/// ```swift
/// var query = BM25Query("SKU-1234 charger", properties: [KeywordProperty("title", boost: 2), KeywordProperty("body")])
/// query.filter = .equal("category", .text("electronics"))
/// let results = try await collection.search(query)  // results[0].keywordScore == results[0].score
/// ```
public struct BM25Query: Sendable {
    /// The query text, split with the collection's tokenizer; stop words are dropped.
    public var text: String
    /// The searched properties with their boosts (`title^2`); `nil` searches every keyword-indexed property.
    public var properties: [KeywordProperty]?
    /// How many distinct query words a result must contain.
    public var matching: KeywordOperator = .or(minimumMatch: 1)
    /// Only objects that pass this filter are returned.
    public var filter: Filter?
    /// The most results to return.
    public var limit: Int = 10
    /// How many of the best results to skip.
    public var offset: Int = 0
    /// Cut the results after this many jumps in the score curve (`nil` or 0: no cut).
    public var autocut: Int?
    /// Re-score the best candidates with a reranker.
    public var rerank: Rerank?
    /// Whether results carry the objects' vectors.
    public var includeVectors = false
    /// The blob properties whose bytes results should carry.
    public var includeBlobs: [String] = []

    /// Creates a keyword query.
    public init(_ text: String, properties: [KeywordProperty]? = nil) {
        self.text = text
        self.properties = properties
    }
}
