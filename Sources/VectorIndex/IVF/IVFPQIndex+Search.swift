// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

extension IVFPQIndex {
    /// The `k` stored vectors closest to `query` that pass `filter`, best first, with ``searchParameters``.
    ///
    /// - Throws: As ``search(_:k:parameters:filter:)``.
    public func search(
        _ query: [Float],
        k: Int,
        filter: SearchFilter? = nil
    ) throws(VectorIndexError) -> [SearchResult] {
        try search(query, k: k, parameters: searchParameters, filter: filter)
    }

    /// The `k` stored vectors closest to `query` that pass `filter`, best first.
    ///
    /// Scores are approximate (from codes) unless `parameters.refineFactor > 1`, in which case the best
    /// `k × refineFactor` candidates are re-scored exactly from the stored vectors. The filter is checked before
    /// a code is scored.
    ///
    /// - Throws: ``VectorIndexError/Code/untrained`` before ``train(_:threads:)``; ``VectorIndexError/Code/invalidVector``
    ///   or ``VectorIndexError/Code/dimensionMismatch`` for a bad query; ``VectorIndexError/Code/invalidArgument``
    ///   for a negative `k`, a `probeCount` or `refineFactor` below 1, or a refine factor above 1 on an index
    ///   that keeps no full vectors.
    public func search(
        _ query: [Float],
        k: Int,
        parameters: IVFPQSearchParameters,
        filter: SearchFilter? = nil
    ) throws(VectorIndexError) -> [SearchResult] {
        let q = try VectorValidation.prepareQuery(query, k: k, dimension: dimension, metric: metric)
        let contents = snapshot()
        guard let model = contents.model else { throw VectorIndexError(.untrained, "train the index before searching") }
        try validate(parameters)
        guard k > 0 else { return [] }
        var searcher = IVFPQSearcher(model: model, configuration: configuration, metric: metric)
        return searcher.search(q.span, k: k, parameters: parameters, filter: filter, lists: contents.lists)
    }

    /// The `k` closest stored vectors for every row of `queries` that pass `filter`, with ``searchParameters``
    /// and every processor.
    ///
    /// - Returns: One result list per query, in query order.
    /// - Throws: As ``search(_:k:parameters:filter:threads:)``.
    public func search(
        _ queries: VectorMatrix,
        k: Int,
        filter: SearchFilter? = nil
    ) throws(VectorIndexError) -> [[SearchResult]] {
        try search(queries, k: k, parameters: searchParameters, filter: filter, threads: nil)
    }

    /// The `k` closest stored vectors for every row of `queries`, using up to `threads` threads.
    ///
    /// Coarse distances and query tables for a block of queries come from matrix products, so scores can differ
    /// from a single-query search by rounding (and near-ties can swap places).
    ///
    /// - Returns: One result list per query, in query order.
    /// - Throws: As ``search(_:k:parameters:filter:)``, naming the first bad query.
    public func search(
        _ queries: VectorMatrix,
        k: Int,
        parameters: IVFPQSearchParameters,
        filter: SearchFilter? = nil,
        threads: Int? = nil
    ) throws(VectorIndexError) -> [[SearchResult]] {
        let prepared = try VectorValidation.prepareQueries(queries, k: k, dimension: dimension, metric: metric)
        let contents = snapshot()
        guard let model = contents.model else { throw VectorIndexError(.untrained, "train the index before searching") }
        try validate(parameters)
        let n = prepared.count
        guard k > 0, n > 0 else { return Array(repeating: [], count: n) }
        let chunk = 32
        let chunks = (n + chunk - 1) / chunk
        let configuration = self.configuration
        let metric = self.metric
        // Blocks of 32 queries round-robin over the threads; each thread keeps one searcher and one set of tables.
        let found = Sharding.map(chunks: chunks, threads: threads ?? Parallel.processorCount) { _, blocks in
            var searcher = IVFPQSearcher(model: model, configuration: configuration, metric: metric)
            var batch = IVFPQBatchTables(model: model, rows: chunk)
            var found: [(query: Int, results: [SearchResult])] = []
            for c in blocks {
                let rows = c * chunk..<min(n, (c + 1) * chunk)
                let d = prepared.dimension
                let values = prepared.values
                let queries = values.span.extracting(rows.lowerBound * d..<rows.upperBound * d)
                batch.compute(queries, count: rows.count)
                for i in 0..<rows.count {
                    let results = searcher.search(
                        queries.extracting(i * d..<(i + 1) * d),
                        coarseKeys: batch.keys.span.extracting(batch.keyRange(row: i)),
                        queryTable: batch.tables.span.extracting(batch.tableRange(row: i)),
                        k: k,
                        parameters: parameters,
                        filter: filter,
                        lists: contents.lists
                    )
                    found.append((rows.lowerBound + i, results))
                }
            }
            return found
        }
        var results = [[SearchResult]](repeating: [], count: n)
        for (query, list) in found.joined() { results[query] = list }
        return results
    }

    private func validate(_ parameters: IVFPQSearchParameters) throws(VectorIndexError) {
        guard parameters.probeCount >= 1 else {
            throw VectorIndexError(.invalidArgument, "probeCount must be at least 1, got \(parameters.probeCount)")
        }
        guard parameters.refineFactor >= 1 else {
            throw VectorIndexError(.invalidArgument, "refineFactor must be at least 1, got \(parameters.refineFactor)")
        }
        if parameters.refineFactor > 1 && configuration.storedVectors == .none {
            throw VectorIndexError(
                .invalidArgument,
                "refineFactor \(parameters.refineFactor) needs stored vectors; create the index with "
                    + "storedVectors .float32, .float16 or .scalarQuantized8"
            )
        }
    }
}
