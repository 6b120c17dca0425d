// SPDX-License-Identifier: Apache-2.0

/// A second-stage ranker: scores each candidate text against the query, usually with a model that reads both
/// together (a cross-encoder or a hosted rerank API), which is slower than the first stage but more precise.
///
/// A collection applies a reranker to its top candidates and reorders them by the new scores. Implement it to
/// bring your own model or service:
///
/// ```swift
/// struct WordOverlap: Reranker {
///     func scores(query: String, documents: [String]) async throws -> [Double] {
///         let words = Set(query.lowercased().split(separator: " "))
///         return documents.map { document in
///             Double(Set(document.lowercased().split(separator: " ")).intersection(words).count)
///         }
///     }
/// }
/// let reordered = try await WordOverlap().rerank(query: "red bike", documents: ["a red car", "red bike for sale"])
/// // reordered.first?.index == 1
/// ```
public protocol Reranker: Sendable {
    /// One relevance score per document, in the order given; higher is more relevant.
    ///
    /// Scores are only compared with each other; their scale is the reranker's own.
    ///
    /// - Parameters:
    ///   - query: The query text.
    ///   - documents: The candidates' texts.
    /// - Returns: Exactly `documents.count` finite scores.
    /// - Throws: Whatever stops the reranker from scoring (a model or network failure).
    func scores(query: String, documents: [String]) async throws -> [Double]
}

/// A candidate after reranking: its position in the input and its new score.
public struct RerankedDocument: Sendable, Hashable {
    /// The position of the document in the list given to the reranker.
    public var index: Int
    /// The reranker's score; higher is more relevant.
    public var score: Double

    /// Creates a reranked entry.
    ///
    /// - Parameters:
    ///   - index: The position in the input list.
    ///   - score: The reranker's score.
    public init(index: Int, score: Double) {
        self.index = index
        self.score = score
    }
}

extension Reranker {
    /// Scores the documents and returns them best first.
    ///
    /// - Parameters:
    ///   - query: The query text.
    ///   - documents: The candidates' texts.
    ///   - limit: The most entries returned; all by default.
    /// - Returns: Input positions with their scores, by descending score; equal scores keep their input order.
    /// - Throws: What ``scores(query:documents:)`` throws, or ``RetrievalError`` with code `rerankingFailed` when
    ///   it returns a different number of scores than documents, or a score that is not finite.
    public func rerank(query: String, documents: [String], limit: Int? = nil) async throws -> [RerankedDocument] {
        guard !documents.isEmpty, (limit ?? 1) > 0 else { return [] }
        let scores = try await scores(query: query, documents: documents)
        guard scores.count == documents.count else {
            throw RetrievalError(
                .rerankingFailed,
                "\(type(of: self)) returned \(scores.count) scores for \(documents.count) documents"
            )
        }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw RetrievalError(.rerankingFailed, "\(type(of: self)) gave document \(bad) the score \(scores[bad])")
        }
        let ranked = scores.enumerated()
            .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
            .map { RerankedDocument(index: $0.offset, score: $0.element) }
        return limit.map { Array(ranked.prefix($0)) } ?? ranked
    }
}
