// SPDX-License-Identifier: Apache-2.0

import VectorIndex

import struct Foundation.UUID

/// The result options every query kind has.
protocol CollectionQuery: Sendable {
    var limit: Int { get set }
    var offset: Int { get set }
    var autocut: Int? { get set }
    var rerank: Rerank? { get }
    var diversity: Diversity? { get }
    var includeVectors: Bool { get }
    var includeBlobs: [String] { get }
}

extension NearQuery: CollectionQuery {}
extension HybridQuery: CollectionQuery {}
extension BM25Query: CollectionQuery {
    /// Keyword queries have no query vector to diversify against.
    var diversity: Diversity? { nil }
}

/// What every query kind does with its ranked candidates: rerank, diversify, page, autocut, attach blobs.
struct ResultShaping: Sendable {
    var limit: Int
    var offset: Int
    var autocut: Int?
    var rerank: Rerank?
    var diversity: Diversity?
    var includeVectors: Bool
    var includeBlobs: [String]

    init(
        limit: Int,
        offset: Int,
        autocut: Int?,
        rerank: Rerank?,
        diversity: Diversity?,
        includeVectors: Bool,
        includeBlobs: [String]
    ) throws(RetrievalError) {
        guard limit >= 0, offset >= 0 else {
            throw RetrievalError(.invalidQuery, "limit (\(limit)) and offset (\(offset)) must be ≥ 0")
        }
        if let rerank, rerank.candidates < 1 {
            throw RetrievalError(.invalidQuery, "rerank candidates must be at least 1, not \(rerank.candidates)")
        }
        if let diversity {
            guard diversity.candidates >= 1, diversity.lambda >= 0, diversity.lambda <= 1 else {
                throw RetrievalError(
                    .invalidQuery,
                    "diversity needs lambda in 0...1 and at least 1 candidate, not \(diversity.lambda) and "
                        + "\(diversity.candidates)"
                )
            }
        }
        self.limit = limit
        self.offset = offset
        self.autocut = autocut
        self.rerank = rerank
        self.diversity = diversity
        self.includeVectors = includeVectors
        self.includeBlobs = includeBlobs
    }

    init(_ query: some CollectionQuery) throws(RetrievalError) {
        try self.init(
            limit: query.limit,
            offset: query.offset,
            autocut: query.autocut,
            rerank: query.rerank,
            diversity: query.diversity,
            includeVectors: query.includeVectors,
            includeBlobs: query.includeBlobs
        )
    }

    /// How many ranked candidates the query needs before shaping.
    var pool: Int {
        guard limit > 0 else { return 0 }
        return max(offset + limit, rerank?.candidates ?? 0, diversity?.candidates ?? 0)
    }

    /// Whether candidates must carry vectors (for diversity, or because results do).
    var fetchesVectors: Bool { includeVectors || diversity != nil }
}

extension MultimodalCollection {
    /// Shapes ranked candidates (best first) into a page of results.
    ///
    /// - Parameters:
    ///   - candidates: The ranked candidates, best first.
    ///   - shaping: The query's result options.
    ///   - queryText: The text a reranker compares with, when the query has one.
    ///   - queryVector: The named vector and query vector diversity compares with, when the query has one.
    /// - Returns: The page, best first.
    /// - Throws: ``RetrievalError`` from the reranker, the diversity step or a blob read.
    func finish(
        _ candidates: [QueryResult],
        _ shaping: ResultShaping,
        queryText: String?,
        queryVector: (name: String, vector: [Float])?
    ) async throws(RetrievalError) -> [QueryResult] {
        var ranked = candidates
        if let rerank = shaping.rerank {
            ranked = try await reranked(ranked, rerank, queryText: queryText, wanted: shaping.offset + shaping.limit)
        }
        if let diversity = shaping.diversity {
            ranked = try diversified(
                ranked,
                diversity,
                queryVector: queryVector,
                wanted: shaping.offset + shaping.limit
            )
        }
        var page = Array(ranked.dropFirst(shaping.offset).prefix(shaping.limit))
        if let jumps = shaping.autocut, jumps > 0 {
            page = Array(page.prefix(Autocut.count(of: page.map { Double($0.score) }, jumps: jumps)))
        }
        for i in page.indices {
            if !shaping.includeVectors { page[i].object.vectors = [:] }
            for name in shaping.includeBlobs {
                if case .blob(let reference)? = page[i].object.properties[name] {
                    page[i].blobs[name] = try await blob(reference)
                }
            }
        }
        return page
    }

    private func reranked(
        _ ranked: [QueryResult],
        _ rerank: Rerank,
        queryText: String?,
        wanted: Int
    ) async throws(RetrievalError) -> [QueryResult] {
        guard let text = rerank.query ?? queryText else {
            throw RetrievalError(.invalidQuery, "reranking needs a query text: set Rerank.query")
        }
        guard let property = schema.property(named: rerank.property) else {
            throw RetrievalError(
                .unknownProperty,
                "rerank reads property \"\(rerank.property)\", which is not declared"
            )
        }
        guard property.type == .text || property.type == .textArray else {
            throw RetrievalError(.invalidQuery, "rerank reads \"\(property.name)\", a \(property.type) property")
        }
        let head = Array(ranked.prefix(max(rerank.candidates, wanted)))
        let documents = head.map { result -> String in
            switch result.object.properties[property.name] {
            case .text(let text)?: text
            case .textArray(let values)?: values.joined(separator: "\n")
            default: ""
            }
        }
        let order: [RerankedDocument]
        do {
            order = try await rerank.reranker.rerank(query: text, documents: documents)
        } catch let error as RetrievalError {
            throw error
        } catch {
            throw RetrievalError(.rerankingFailed, "the reranker failed", underlying: error)
        }
        return order.map { entry in
            var result = head[entry.index]
            result.rerankScore = Float(entry.score)
            result.score = Float(entry.score)
            return result
        }
    }

    private func diversified(
        _ ranked: [QueryResult],
        _ diversity: Diversity,
        queryVector: (name: String, vector: [Float])?,
        wanted: Int
    ) throws(RetrievalError) -> [QueryResult] {
        guard let queryVector else { throw RetrievalError(.invalidQuery, "diversity needs a vector query") }
        let name = diversity.vector ?? queryVector.name
        guard name == queryVector.name else {
            throw RetrievalError(.invalidQuery, "diversity compares \"\(name)\", which the query does not target")
        }
        let head = Array(ranked.prefix(max(diversity.candidates, wanted)))
        let withVector = head.indices.filter { head[$0].object.vectors[name] != nil }
        let matrix: VectorMatrix
        do {
            matrix = try VectorMatrix(
                values: ContiguousArray(withVector.flatMap { head[$0].object.vectors[name]! }),
                dimension: queryVector.vector.count
            )
        } catch {
            throw RetrievalError(.invalidQuery, "the candidates' vectors do not form a matrix", underlying: error)
        }
        let order = try MaximalMarginalRelevance.select(
            query: queryVector.vector,
            candidates: matrix,
            count: withVector.count,
            lambda: diversity.lambda
        )
        return order.map { head[withVector[$0]] }
    }

    // MARK: - Grouping

    /// Runs a vector query and groups its results by a property.
    ///
    /// - Throws: What ``search(_:)-(NearQuery)`` throws, and ``RetrievalError/Code/unknownProperty`` or
    ///   ``RetrievalError/Code/invalidQuery`` for a grouping property that is not declared or counts below 1.
    public func search(_ query: NearQuery, groupBy: GroupBy) async throws(RetrievalError) -> [ResultGroup] {
        try await grouped(query, groupBy) { (wide) throws(RetrievalError) in try await search(wide) }
    }

    /// Runs a keyword query and groups its results by a property.
    public func search(_ query: BM25Query, groupBy: GroupBy) async throws(RetrievalError) -> [ResultGroup] {
        try await grouped(query, groupBy) { (wide) throws(RetrievalError) in try await search(wide) }
    }

    /// Runs a hybrid query and groups its results by a property.
    public func search(_ query: HybridQuery, groupBy: GroupBy) async throws(RetrievalError) -> [ResultGroup] {
        try await grouped(query, groupBy) { (wide) throws(RetrievalError) in try await search(wide) }
    }

    /// Runs `query` over the grouping's candidates (no offset or autocut) and groups the results.
    private func grouped<Query: CollectionQuery>(
        _ query: Query,
        _ groupBy: GroupBy,
        _ run: (Query) async throws(RetrievalError) -> [QueryResult]
    ) async throws(RetrievalError) -> [ResultGroup] {
        var wide = query
        wide.limit = try candidateCount(groupBy)
        wide.offset = 0
        wide.autocut = nil
        return Self.grouped(try await run(wide), groupBy)
    }

    private func candidateCount(_ groupBy: GroupBy) throws(RetrievalError) -> Int {
        guard schema.property(named: groupBy.property) != nil else {
            throw RetrievalError(.unknownProperty, "groupBy names \"\(groupBy.property)\", which is not declared")
        }
        guard groupBy.groups >= 1, groupBy.objectsPerGroup >= 1, (groupBy.candidates ?? 1) >= 1 else {
            throw RetrievalError(.invalidQuery, "groupBy needs at least one group, object and candidate")
        }
        return groupBy.candidates ?? max(100, groupBy.groups * groupBy.objectsPerGroup * 10)
    }

    static func grouped(_ results: [QueryResult], _ groupBy: GroupBy) -> [ResultGroup] {
        var groups: [ResultGroup] = []
        var position: [PropertyValue?: Int] = [:]
        for result in results {
            let value = result.object.properties[groupBy.property]
            if let index = position[value] {
                if groups[index].results.count < groupBy.objectsPerGroup { groups[index].results.append(result) }
            } else if groups.count < groupBy.groups {
                position[value] = groups.count
                groups.append(ResultGroup(value: value, results: [result]))
            }
        }
        return groups
    }
}
