// SPDX-License-Identifier: Apache-2.0

public import struct Foundation.UUID

extension MultimodalCollection {
    // MARK: - Filters alone

    /// Up to `limit` objects that pass `filter`, in ascending id order, starting after `cursor`: page through
    /// them by passing the last id back.
    ///
    /// - Throws: ``RetrievalError/Code/unknownProperty``, ``RetrievalError/Code/typeMismatch`` or
    ///   ``RetrievalError/Code/invalidQuery`` for a filter that does not fit the schema.
    public func objects(
        where filter: Filter,
        after cursor: UUID? = nil,
        limit: Int = 100
    ) async throws(RetrievalError) -> [CollectionObject] {
        try schema.validate(filter)
        return try await rethrowing { try await self.store.objects(matching: filter, after: cursor, limit: limit) }
    }

    // MARK: - Keyword search

    /// The objects whose keyword-indexed text best matches `text` (BM25F), best first.
    public func bm25(
        _ text: String,
        properties: [KeywordProperty]? = nil,
        filter: Filter? = nil,
        limit: Int = 10
    ) async throws(RetrievalError) -> [QueryResult] {
        var query = BM25Query(text, properties: properties)
        query.filter = filter
        query.limit = limit
        return try await search(query)
    }

    /// Runs a keyword query: BM25F over the keyword-indexed properties among the objects that pass the filter.
    ///
    /// Then come reranking, the offset, the limit and autocut. Each result's ``QueryResult/score`` and
    /// ``QueryResult/keywordScore`` are its BM25F score.
    ///
    /// - Throws: ``RetrievalError/Code/unknownProperty`` for a searched property that is not keyword-indexed;
    ///   ``RetrievalError/Code/invalidQuery`` for a negative limit or offset, a bad boost or operator;
    ///   ``RetrievalError/Code/unsupported`` when the collection indexes no text; filter errors as
    ///   ``objects(where:after:limit:)``.
    public func search(_ query: BM25Query) async throws(RetrievalError) -> [QueryResult] {
        let shaping = try ResultShaping(query)
        if let filter = query.filter { try schema.validate(filter) }
        let candidates = try await keywordCandidates(
            query.text,
            properties: query.properties,
            matching: query.matching,
            k: shaping.pool,
            filter: query.filter,
            includeVectors: query.includeVectors
        )
        return try await finish(candidates, shaping, queryText: query.text, queryVector: nil)
    }

    func keywordCandidates(
        _ text: String,
        properties: [KeywordProperty]?,
        matching: KeywordOperator,
        k: Int,
        filter: Filter?,
        includeVectors: Bool
    ) async throws(RetrievalError) -> [QueryResult] {
        let keywordQuery = KeywordQuery(text, properties: properties, matching: matching, limit: k)
        let hits = try await rethrowing {
            try await self.store.keywordSearch(
                KeywordStoreSearch(query: keywordQuery, filter: filter, includeVectors: includeVectors)
            )
        }
        return hits.map { QueryResult(object: $0.object, score: $0.score, keywordScore: $0.score) }
    }

    // MARK: - Hybrid search

    /// The objects that best match `text` by meaning and by words together, best first (relative-score fusion,
    /// `alpha` to the vector leg).
    public func hybrid(
        _ text: String,
        alpha: Double = HybridFusion.defaultAlpha,
        filter: Filter? = nil,
        limit: Int = 10
    ) async throws(RetrievalError) -> [QueryResult] {
        var query = HybridQuery(text)
        query.alpha = alpha
        query.filter = filter
        query.limit = limit
        return try await search(query)
    }

    /// Runs a hybrid query: the vector leg (cut by ``HybridQuery/maxVectorDistance``) and the keyword leg run
    /// concurrently over the objects that pass the filter, each contributing its best `offset + limit`
    /// candidates (or ``HybridQuery/candidatesPerLeg``), fused by ``HybridQuery/fusion``; then reranking,
    /// diversity, the offset, the limit and autocut.
    ///
    /// Each result carries the fused ``QueryResult/score`` and its components: ``QueryResult/distance`` from the
    /// vector leg and ``QueryResult/keywordScore`` from the keyword leg (`nil` for a leg that did not find it).
    ///
    /// - Throws: What vector and keyword queries throw, and ``RetrievalError/Code/invalidQuery`` for an alpha
    ///   outside `0...1`.
    public func search(_ query: HybridQuery) async throws(RetrievalError) -> [QueryResult] {
        let shaping = try ResultShaping(query)
        guard query.alpha >= 0, query.alpha <= 1 else {
            throw RetrievalError(.invalidQuery, "hybrid alpha must be in 0...1, not \(query.alpha)")
        }
        if let filter = query.filter { try schema.validate(filter) }
        let perLeg = max(query.candidatesPerLeg ?? 0, shaping.pool)
        guard perLeg > 0 else { return [] }
        // The keyword leg runs while the vector leg embeds its query and searches.
        let keywordLeg = Task { () async throws -> [QueryResult] in
            guard query.alpha < 1 else { return [] }
            return try await keywordCandidates(
                query.text,
                properties: query.properties,
                matching: query.matching,
                k: perLeg,
                filter: query.filter,
                includeVectors: shaping.fetchesVectors
            )
        }
        let targets: [VectorStoreSearch.Target]
        let vectorLeg: [QueryResult]
        do {
            targets = query.alpha > 0 ? try await resolve([query.vector]) : []
            vectorLeg =
                query.alpha > 0
                ? try await vectorCandidates(
                    targets,
                    join: .minimum,
                    k: perLeg,
                    filter: query.filter,
                    includeVectors: shaping.fetchesVectors,
                    maxDistance: query.maxVectorDistance,
                    certainty: nil
                ) : []
        } catch {
            keywordLeg.cancel()
            throw error
        }
        let keywordResults = try await rethrowing { try await keywordLeg.value }
        let fused = try Self.fuse(vector: vectorLeg, keyword: keywordResults, query.fusion, alpha: query.alpha)
        return try await finish(
            fused,
            shaping,
            queryText: query.text,
            queryVector: targets.first.map { ($0.vector, $0.query) }
        )
    }

    /// Fuses the two legs' results into one list, best first, keeping each leg's component.
    static func fuse(
        vector: [QueryResult],
        keyword: [QueryResult],
        _ fusion: HybridFusion,
        alpha: Double
    ) throws(RetrievalError) -> [QueryResult] {
        // Keys for fusion: positions in one combined list of distinct objects.
        var index: [UUID: Int] = [:]
        var merged: [QueryResult] = []
        func key(_ result: QueryResult) -> UInt64 {
            if let i = index[result.object.id] {
                if merged[i].keywordScore == nil { merged[i].keywordScore = result.keywordScore }
                if merged[i].distance == nil {
                    merged[i].distance = result.distance
                    merged[i].certainty = result.certainty
                    merged[i].distances = result.distances
                    merged[i].matchedTarget = result.matchedTarget
                }
                return UInt64(i)
            }
            index[result.object.id] = merged.count
            merged.append(result)
            return UInt64(merged.count - 1)
        }
        let vectorCandidates = vector.map { FusionCandidate(key: key($0), score: Double($0.score)) }
        let keywordCandidates = keyword.map { FusionCandidate(key: key($0), score: Double($0.score)) }
        let fused = try fusion.fuse(vector: vectorCandidates, keyword: keywordCandidates, alpha: alpha)
        return fused.map { match in
            var result = merged[Int(match.key)]
            result.score = Float(match.score)
            return result
        }
    }
}
