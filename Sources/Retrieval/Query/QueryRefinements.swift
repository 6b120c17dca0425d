// SPDX-License-Identifier: Apache-2.0

/// Re-scores a query's best candidates with a ``Reranker`` (a cross-encoder or a hosted rerank service), which
/// reads the query text beside each candidate's text.
///
/// ```swift
/// var query = NearQuery(target: .init(.text("how do I parse JSON?")))
/// query.rerank = Rerank(CrossEncoderReranker(model: msMarco), property: "summary")
/// ```
public struct Rerank: Sendable {
    /// The reranker.
    public var reranker: any Reranker
    /// The text property read as each candidate's document (a candidate without it reads as empty text).
    public var property: String
    /// The text the reranker compares with; `nil` takes the query's own text (the keyword text, or the first
    /// text concept of a vector query).
    public var query: String?
    /// How many of the best candidates are re-scored (at least the page the query returns).
    public var candidates: Int

    /// Creates a rerank step.
    ///
    /// - Parameters:
    ///   - reranker: What scores the candidates.
    ///   - property: The text property read as each candidate's document.
    ///   - query: The text to compare with; `nil` takes the query's own.
    ///   - candidates: How many of the best candidates are re-scored; 50 by default.
    public init(_ reranker: any Reranker, property: String, query: String? = nil, candidates: Int = 50) {
        self.reranker = reranker
        self.property = property
        self.query = query
        self.candidates = candidates
    }
}

/// Picks varied results with maximal marginal relevance: among the best candidates, each next result is the one
/// most similar to the query and least similar to the results already picked.
public struct Diversity: Sendable, Hashable {
    /// The balance in `0...1`: 1 ranks by relevance alone, 0 by difference alone.
    public var lambda: Double
    /// The named vector whose vectors are compared (`nil`: the query's first target).
    public var vector: String?
    /// How many of the best candidates are considered.
    public var candidates: Int

    /// Creates a diversity step.
    ///
    /// - Parameters:
    ///   - lambda: Relevance against difference, in `0...1`; 0.5 by default.
    ///   - vector: The named vector compared; `nil` takes the query's first target.
    ///   - candidates: How many of the best candidates are considered; 50 by default.
    public init(lambda: Double = 0.5, vector: String? = nil, candidates: Int = 50) {
        self.lambda = lambda
        self.vector = vector
        self.candidates = candidates
    }
}

/// Groups a query's results by a property's value: the best `objectsPerGroup` objects of each of the first
/// `groups` groups, in the order their best object ranks (Weaviate's `groupBy`).
public struct GroupBy: Sendable, Hashable {
    /// The property whose value names the group (objects without it form the `nil` group).
    public var property: String
    /// The most groups returned.
    public var groups: Int
    /// The most objects per group.
    public var objectsPerGroup: Int
    /// How many of the best candidates are grouped; `nil` takes `groups × objectsPerGroup × 10` (at least 100).
    public var candidates: Int?

    /// Creates a grouping.
    public init(_ property: String, groups: Int, objectsPerGroup: Int, candidates: Int? = nil) {
        self.property = property
        self.groups = groups
        self.objectsPerGroup = objectsPerGroup
        self.candidates = candidates
    }
}

/// One group of a grouped query.
public struct ResultGroup: Sendable {
    /// The property value the group's objects share (`nil`: objects without the property).
    public var value: PropertyValue?
    /// The group's results, best first.
    public var results: [QueryResult]
}
