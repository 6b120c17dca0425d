// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// Runs IVF-PQ queries one at a time with scratch buffers reused across queries (one searcher per thread).
///
/// Every score is kept as a key where smaller is better: squared distances as they are, inner products
/// negated (the tables are built negated, so the scan never flips a sign).
struct IVFPQSearcher {
    let model: IVFPQModel
    let metric: Metric
    let storedVectors: IVFPQConfiguration.StoredVectors
    let codeSize: Int
    let centroidCount: Int
    /// One key per coarse centroid.
    private var coarseKeys: ContiguousArray<Float>
    /// The query's table: −⟨x_m, c_mj⟩ (inner product) or −2⟨x_m, c_mj⟩ (squared L2).
    private var queryTable: ContiguousArray<Float>
    /// The table for one probed list (squared L2 only).
    private var listTable: ContiguousArray<Float>
    /// The query's residual against one centroid (squared L2 without a precomputed table).
    private var residual: ContiguousArray<Float>

    init(model: IVFPQModel, configuration: IVFPQConfiguration, metric: Metric) {
        self.model = model
        self.metric = metric
        storedVectors = configuration.storedVectors
        codeSize = model.quantizer.subquantizerCount
        centroidCount = model.quantizer.centroidCount
        let tableSize = codeSize * centroidCount
        coarseKeys = ContiguousArray(repeating: 0, count: model.listCount)
        queryTable = ContiguousArray(repeating: 0, count: tableSize)
        listTable = ContiguousArray(repeating: 0, count: model.innerProduct ? 0 : tableSize)
        residual = ContiguousArray(repeating: 0, count: model.innerProduct ? 0 : model.dimension)
    }

    /// The `k` best results for a prepared (validated, normalised) query.
    mutating func search(
        _ query: Span<Float>,
        k: Int,
        parameters: IVFPQSearchParameters,
        filter: SearchFilter?,
        lists: [InvertedList]
    ) -> [SearchResult] {
        let model = self.model
        let d = model.dimension
        let innerProduct = model.innerProduct
        // The coarse keys: one dot product (or squared distance) per centroid.
        let centroids = model.coarseCentroids
        var keys = coarseKeys.mutableSpan
        if innerProduct {
            Kernels.dots(query: query, rows: centroids.span, dimension: d, into: &keys)
            for i in 0..<keys.count { keys[i] = -keys[i] }
        } else {
            Kernels.squaredL2s(query: query, rows: centroids.span, dimension: d, into: &keys)
        }
        // The query's table, once (not needed for squared L2 without a precomputed table).
        if innerProduct || !model.precomputedTable.isEmpty {
            var table = queryTable.mutableSpan
            model.quantizer.innerProductTable(query, scale: innerProduct ? -1 : -2, into: &table)
        }
        let (coarse, table) = (coarseKeys, queryTable)
        return search(
            query,
            coarseKeys: coarse.span,
            queryTable: table.span,
            k: k,
            parameters: parameters,
            filter: filter,
            lists: lists
        )
    }

    /// The `k` best results for a query whose coarse keys (smaller is better, one per list) and query table
    /// (−⟨x_m, c_mj⟩ for inner product, −2⟨x_m, c_mj⟩ for squared L2) are already computed, for example by a
    /// batched matrix product.
    ///
    /// - Precondition: `coarseKeys` has one key per list; `queryTable` is a full table (or empty for squared L2
    ///   without a precomputed table, which builds its own per list).
    mutating func search(
        _ query: Span<Float>,
        coarseKeys: Span<Float>,
        queryTable: Span<Float>,
        k: Int,
        parameters: IVFPQSearchParameters,
        filter: SearchFilter?,
        lists: [InvertedList]
    ) -> [SearchResult] {
        let listCount = model.listCount
        let innerProduct = model.innerProduct
        precondition(coarseKeys.count == listCount, "one coarse key per list")
        // 1. The probeCount nearest non-empty lists.
        // A list's entry (one cache line each) is read only for keys that would enter the selection: at 1,024
        // lists and a few probes that is a few dozen lists, not all of them.
        var probes = TopK(k: min(parameters.probeCount, listCount))
        var threshold = probes.threshold
        for list in 0..<listCount {
            let key = coarseKeys[list]
            guard key <= threshold, lists[list].count > 0 else { continue }
            probes.push(key, id: UInt64(list))
            threshold = probes.threshold
        }
        // 2. Scan them.
        let usesPrecomputed = !innerProduct && !model.precomputedTable.isEmpty
        let refine = parameters.refineFactor > 1
        var candidates = TopK(k: k * parameters.refineFactor)
        for probe in probes.sorted() {
            let list = Int(probe.id)
            if innerProduct {
                ADCScan.scan(
                    lists[list],
                    list: list,
                    codeSize: codeSize,
                    centroidCount: centroidCount,
                    table: queryTable,
                    base: probe.key,
                    tagLocations: refine,
                    filter: filter,
                    into: &candidates
                )
                continue
            }
            let base: Float
            if usesPrecomputed {
                base = probe.key
                prepareListTable(list: list, queryTable: queryTable)
            } else {
                base = 0
                prepareResidualTable(query, list: list)
            }
            let (m, ksub) = (codeSize, centroidCount)
            ADCScan.scan(
                lists[list],
                list: list,
                codeSize: m,
                centroidCount: ksub,
                table: listTable.span,
                base: base,
                tagLocations: refine,
                filter: filter,
                into: &candidates
            )
        }
        // 3. Exact re-ranking from stored vectors.
        if refine {
            candidates = rerank(candidates, query: query, k: k, lists: lists)
        }
        let negate = metric.higherIsBetter
        return candidates.sorted().map { SearchResult(id: $0.id, score: negate ? -$0.key : $0.key) }
    }

    /// listTable = precomputed table of `list` + query table.
    private mutating func prepareListTable(list: Int, queryTable: Span<Float>) {
        let size = listTable.count
        let precomputed = model.precomputedTable
        var out = listTable.mutableSpan
        ADCScan.add(precomputed.span.extracting(list * size..<(list + 1) * size), queryTable, into: &out)
    }

    /// listTable[m][j] = ‖(x − c)_m − p_mj‖², computed from the query's residual against the list's centroid.
    private mutating func prepareResidualTable(_ query: Span<Float>, list: Int) {
        let model = self.model
        let (codeSize, ksub) = (self.codeSize, centroidCount)
        let d = model.dimension
        let dsub = model.quantizer.subdimension
        for j in 0..<d { residual[j] = query[j] - model.coarseCentroids[list * d + j] }
        let residual = self.residual
        let r = residual.span
        let squaredNorms = model.quantizer.squaredNorms
        var out = listTable.mutableSpan
        model.quantizer.innerProductTable(r, scale: -2, into: &out)
        for m in 0..<codeSize {
            let norm = Kernels.squaredNorm(r.extracting(m * dsub..<(m + 1) * dsub))
            for j in 0..<ksub { out[m * ksub + j] += norm + squaredNorms[m * ksub + j] }
        }
    }

}
