// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

extension FlatIndex {
    /// The `k` stored vectors closest to `query` that pass `filter`, best first.
    ///
    /// `k == 0` returns nothing; a `k` larger than the number of (passing) vectors returns them all. A filter is
    /// checked before a row is scored, so a selective filter also makes the scan cheaper.
    ///
    /// - Throws: ``VectorIndexError/Code/invalidVector`` for an empty or non-finite query (or a zero query in a
    ///   cosine index), ``VectorIndexError/Code/dimensionMismatch`` for a wrong length,
    ///   ``VectorIndexError/Code/invalidArgument`` for a negative `k`, ``VectorIndexError/Code/untrained`` for
    ///   an untrained ``VectorStorage/scalarQuantized8`` index.
    /// - Complexity: O(n·d) for n stored vectors; compact storage reads 2 or 1 bytes per component instead of 4.
    public func search(
        _ query: [Float],
        k: Int,
        filter: SearchFilter? = nil
    ) throws(VectorIndexError)
        -> [SearchResult]
    {
        let q = try prepareQuery(query, k: k)
        let storage = snapshot()
        try Self.checkTrained(storage)
        guard k > 0 else { return [] }
        var top = TopK(k: min(k, storage.count))
        Self.scan(storage, rows: 0..<storage.count, query: q, metric: metric, filter: filter, into: &top)
        return results(top)
    }

    /// The `k` closest stored vectors for every row of `queries`, using every processor.
    ///
    /// - Returns: One result list per query, in query order.
    /// - Throws: As ``search(_:k:filter:)-(_,_,_)``, naming the first bad query.
    public func search(
        _ queries: VectorMatrix,
        k: Int,
        filter: SearchFilter? = nil
    ) throws(VectorIndexError) -> [[SearchResult]] {
        try search(queries, k: k, filter: filter, threads: nil)
    }

    /// The `k` closest stored vectors for every row of `queries`, using up to `threads` threads.
    ///
    /// Without a filter, the batch runs as a blocked matrix product over shards of the stored rows; squared L2
    /// scores then come from ‖q‖² + ‖x‖² − 2 q·x and can differ from a single-query search by rounding.
    ///
    /// - Parameters:
    ///   - queries: One query per row.
    ///   - k: The number of results per query.
    ///   - filter: Restricts every query to the ids that pass.
    ///   - threads: The most threads to use; `nil` uses every processor.
    /// - Returns: One result list per query, in query order.
    /// - Throws: As `search(_:k:filter:)` (one query), naming the first bad query.
    public func search(
        _ queries: VectorMatrix,
        k: Int,
        filter: SearchFilter? = nil,
        threads: Int?
    ) throws(VectorIndexError) -> [[SearchResult]] {
        let prepared = try VectorValidation.prepareQueries(queries, k: k, dimension: dimension, metric: metric)
        let storage = snapshot()
        try Self.checkTrained(storage)
        guard k > 0, !queries.isEmpty else { return Array(repeating: [], count: queries.count) }
        let n = storage.count
        let threadCount = max(1, min(threads ?? Parallel.processorCount, max(1, n / 4096)))
        let kept = min(k, n)
        let metric = self.metric
        let usesProduct = filter == nil && queries.count >= 4
        // One contiguous shard of rows per thread; each shard keeps its own top k, merged at the end.
        let shard = (n + threadCount - 1) / threadCount
        let shardTops = Sharding.map(chunks: threadCount, threads: threadCount) { _, shards in
            var tops = [TopK](repeating: TopK(k: kept), count: prepared.count)
            for t in shards {
                let rows = min(n, t * shard)..<min(n, (t + 1) * shard)
                if usesProduct {
                    Self.scanWithProduct(storage, rows: rows, queries: prepared, metric: metric, into: &tops)
                } else {
                    for i in 0..<prepared.count {
                        let query = ContiguousArray(prepared[i])
                        Self.scan(storage, rows: rows, query: query, metric: metric, filter: filter, into: &tops[i])
                    }
                }
            }
            return tops
        }
        return (0..<queries.count).map { i in
            var merged = shardTops[0][i]
            for t in 1..<shardTops.count { merged.merge(shardTops[t][i]) }
            return results(merged)
        }
    }

    /// Validates a query and returns it ready to scan (normalised for cosine).
    func prepareQuery(_ query: [Float], k: Int) throws(VectorIndexError) -> ContiguousArray<Float> {
        try VectorValidation.prepareQuery(query, k: k, dimension: dimension, metric: metric)
    }

    /// Converts selected keys back to scores (keys are negated for higher-is-better metrics).
    func results(_ top: TopK) -> [SearchResult] {
        let negate = metric.higherIsBetter
        return top.sorted().map { SearchResult(id: $0.id, score: negate ? -$0.key : $0.key) }
    }

    /// Throws ``VectorIndexError/Code/untrained`` for an untrained ``VectorStorage/scalarQuantized8`` index.
    static func checkTrained(_ storage: FlatRows) throws(VectorIndexError) {
        guard storage.isTrained else {
            throw VectorIndexError(
                .untrained,
                "a scalarQuantized8 index must be trained before it is searched; call train(_:threads:)"
            )
        }
    }

    /// Scores `query` against `rows` of `storage` and offers each passing row to `top`.
    static func scan(
        _ storage: FlatRows,
        rows: Range<Int>,
        query: ContiguousArray<Float>,
        metric: Metric,
        filter: SearchFilter?,
        into top: inout TopK
    ) {
        guard storage.storage == .float32 else {
            scanCompact(storage, rows: rows, query: query, metric: metric, filter: filter, into: &top)
            return
        }
        let d = storage.dimension
        let isL2 = metric == .squaredL2
        let q = query.span
        // One chunk's scores at a time, reused across chunks.
        var scratch = ContiguousArray<Float>(repeating: 0, count: min(rows.count, 1 << FlatRows.chunkShift))
        storage.forEachChunk(in: rows) { chunk, ids, local, _ in
            if let filter {
                for row in local where filter.includes(ids[row]) {
                    let x = chunk.extracting(row * d..<(row + 1) * d)
                    top.push(isL2 ? Kernels.squaredL2(q, x) : -Kernels.dot(q, x), id: ids[row])
                }
                return
            }
            let block = chunk.extracting(local.lowerBound * d..<local.upperBound * d)
            // Full chunks reuse the buffer; only a partial first or last chunk resizes it.
            if scratch.count != local.count { scratch = ContiguousArray(repeating: 0, count: local.count) }
            var scores = scratch.mutableSpan
            if isL2 {
                Kernels.squaredL2s(query: q, rows: block, dimension: d, into: &scores)
            } else {
                Kernels.dots(query: q, rows: block, dimension: d, into: &scores)
            }
            var threshold = top.threshold
            for i in 0..<scores.count {
                let key = isL2 ? scores[i] : -scores[i]
                if key <= threshold {
                    top.push(key, id: ids[local.lowerBound + i])
                    threshold = top.threshold
                }
            }
        }
    }

    /// Scores every query against `rows` in blocks (one chunk at a time) with the matrix-product kernel.
    ///
    /// Compact storage is decoded to Float32 a chunk at a time first: the decoding is shared by every query.
    static func scanWithProduct(
        _ storage: FlatRows,
        rows: Range<Int>,
        queries: VectorMatrix,
        metric: Metric,
        into tops: inout [TopK]
    ) {
        guard !rows.isEmpty else { return }
        let d = storage.dimension
        let m = queries.count
        let isL2 = metric == .squaredL2
        let queryNorms = isL2 ? queries.squaredNorms() : []
        let block = min(rows.count, 1 << FlatRows.chunkShift)
        var products = ContiguousArray<Float>(repeating: 0, count: m * block)
        var rowNorms = ContiguousArray<Float>(repeating: 0, count: isL2 ? block : 0)
        // Compact rows are decoded a chunk at a time into a scratch buffer; Float32 rows are used in place.
        storage.forEachDecodedChunk(in: rows) { b, ids, local in
            let count = local.count
            // Full chunks reuse the buffer; only a partial first or last chunk resizes it.
            if products.count != m * count { products = ContiguousArray(repeating: 0, count: m * count) }
            var out = products.mutableSpan
            MatrixProduct.multiply(
                m: m,
                n: count,
                k: d,
                a: queries.values.span,
                lda: d,
                b: b,
                ldb: d,
                layout: .transposed,
                c: &out,
                ldc: count
            )
            if isL2 {
                for j in 0..<count { rowNorms[j] = Kernels.squaredNorm(b.extracting(j * d..<(j + 1) * d)) }
                Kernels.squaredL2sFromProducts(
                    &out,
                    querySquaredNorms: queryNorms.span,
                    rowSquaredNorms: rowNorms.span.extracting(0..<count)
                )
            }
            for i in 0..<m {
                // Work on a local copy moved out of the array: no retain/release per score.
                var top = TopK(k: 0)
                swap(&top, &tops[i])
                var threshold = top.threshold
                let base = i * count
                for j in 0..<count {
                    let key = isL2 ? out[base + j] : -out[base + j]
                    if key <= threshold {
                        top.push(key, id: ids[local.lowerBound + j])
                        threshold = top.threshold
                    }
                }
                swap(&top, &tops[i])
            }
        }
    }
}
