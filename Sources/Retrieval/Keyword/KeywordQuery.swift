// SPDX-License-Identifier: Apache-2.0

/// A keyword (BM25F) query: the text, the properties it searches with their boosts, how many of its words a
/// document must contain, and how many results to return.
///
/// ```swift
/// let query = try KeywordQuery(
///     "fast json parser",
///     properties: [KeywordProperty(parsing: "title^2"), KeywordProperty("summary")],
///     matching: .or(minimumMatch: 2),
///     limit: 10
/// )
/// let hits = try index.search(query)
/// ```
public struct KeywordQuery: Sendable, Hashable {
    /// The query text; it is tokenized with the index's ``WordTokenizer`` and its stop words are dropped.
    public var text: String
    /// The properties searched, with their boosts; `nil` searches every property of the index with boost 1.
    public var properties: [KeywordProperty]?
    /// How many of the query's words a document must contain to be returned.
    public var matching: KeywordOperator
    /// The most results returned.
    public var limit: Int

    /// Creates a query.
    ///
    /// - Parameters:
    ///   - text: The query text.
    ///   - properties: The properties searched, with boosts; `nil` (the default) searches all of the index's
    ///     properties with boost 1.
    ///   - matching: `.or(minimumMatch: 1)` by default: a document needs one of the words.
    ///   - limit: The most results returned; 10 by default.
    public init(
        _ text: String,
        properties: [KeywordProperty]? = nil,
        matching: KeywordOperator = .or(minimumMatch: 1),
        limit: Int = 10
    ) {
        self.text = text
        self.properties = properties
        self.matching = matching
        self.limit = limit
    }
}

/// How many distinct query words a document must contain, as Weaviate's BM25 `operator`.
///
/// A word counts as contained when it occurs in any of the searched properties. Stop words are not query words.
public enum KeywordOperator: Sendable, Hashable {
    /// Every distinct query word.
    case and
    /// At least `minimumMatch` distinct query words (Weaviate's `minimumOrTokensMatch`); 1 is plain `or`.
    case or(minimumMatch: Int)
}

/// A property searched by a keyword query and the weight of its term frequencies (Weaviate's `title^2`).
public struct KeywordProperty: Sendable, Hashable, CustomStringConvertible {
    /// The property name.
    public var name: String
    /// The factor applied to the property's term frequencies before saturation; 1 means no boost.
    public var boost: Double

    /// Creates a searched property.
    ///
    /// - Parameters:
    ///   - name: The property name.
    ///   - boost: The weight of its term frequencies; 1 by default. It must be finite and positive, which the
    ///     search checks.
    public init(_ name: String, boost: Double = 1) {
        self.name = name
        self.boost = boost
    }

    /// Parses Weaviate's `name^boost` form, such as `title^2` or `summary` (boost 1).
    ///
    /// - Parameter text: A property name, optionally followed by `^` and a positive number.
    /// - Throws: ``RetrievalError`` with code `invalidQuery` when the name is empty or the boost is not a finite
    ///   positive number.
    public init(parsing text: String) throws(RetrievalError) {
        let parts = text.split(separator: "^", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard !name.isEmpty else {
            throw RetrievalError(.invalidQuery, "the searched property '\(text)' has no name")
        }
        guard parts.count == 2 else {
            self.init(name)
            return
        }
        guard let boost = Double(parts[1]), boost.isFinite, boost > 0 else {
            throw RetrievalError(.invalidQuery, "the boost in '\(text)' is not a positive number")
        }
        self.init(name, boost: boost)
    }

    /// `name^boost`, or the bare name when the boost is 1.
    public var description: String { boost == 1 ? name : "\(name)^\(boost)" }
}

/// One keyword search result: the document's key and its BM25F score (higher is better).
public struct KeywordMatch: Sendable, Hashable {
    /// The key the document was added with.
    public var key: UInt64
    /// The BM25F score; it is not normalised and has no upper bound.
    public var score: Float

    /// Creates a result.
    ///
    /// - Parameters:
    ///   - key: The document's key.
    ///   - score: Its score.
    public init(key: UInt64, score: Float) {
        self.key = key
        self.score = score
    }
}
