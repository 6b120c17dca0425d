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
        _ query: UnsafePointer<Float>,
        k: Int,
        parameters: IVFPQSearchParameters,
        filter: SearchFilter?,
        lists: [InvertedList]
    ) -> [SearchResult] {
        let d = model.dimension
        let innerProduct = model.innerProduct
        // The coarse keys: one dot product (or squared distance) per centroid.
        unsafe model.coarseCentroids.withUnsafeBufferPointer { c in
            unsafe coarseKeys.withUnsafeMutableBufferPointer { keys in
                if innerProduct {
                    unsafe Kernels._dots(query, c.baseAddress, d, keys)
                    for i in 0..<keys.count { unsafe keys[i] = -keys[i] }
                } else {
                    unsafe Kernels._squaredL2s(query, c.baseAddress, d, keys)
                }
            }
        }
        // The query's table, once (not needed for squared L2 without a precomputed table).
        if innerProduct || !model.precomputedTable.isEmpty {
            unsafe queryTable.withUnsafeMutableBufferPointer { t in
                unsafe model.quantizer.innerProductTable(query, scale: innerProduct ? -1 : -2, into: t.baseAddress!)
            }
        }
        return unsafe coarseKeys.withUnsafeBufferPointer { keys in
            unsafe queryTable.withUnsafeBufferPointer { table in
                unsafe search(
                    query,
                    coarseKeys: keys.baseAddress!,
                    queryTable: table.baseAddress!,
                    k: k,
                    parameters: parameters,
                    filter: filter,
                    lists: lists
                )
            }
        }
    }

    /// The `k` best results for a query whose coarse keys (smaller is better, one per list) and query table
    /// (−⟨x_m, c_mj⟩ for inner product, −2⟨x_m, c_mj⟩ for squared L2) are already computed, for example by a
    /// batched matrix product.
    mutating func search(
        _ query: UnsafePointer<Float>,
        coarseKeys: UnsafePointer<Float>,
        queryTable: UnsafePointer<Float>,
        k: Int,
        parameters: IVFPQSearchParameters,
        filter: SearchFilter?,
        lists: [InvertedList]
    ) -> [SearchResult] {
        let listCount = model.listCount
        let innerProduct = model.innerProduct
        // 1. The probeCount nearest non-empty lists.
        var probes = TopK(k: min(parameters.probeCount, listCount))
        for list in 0..<listCount where lists[list].count > 0 {
            probes.push(unsafe coarseKeys[list], id: UInt64(list))
        }
        // 2. Scan them.
        let usesPrecomputed = !innerProduct && !model.precomputedTable.isEmpty
        let refine = parameters.refineFactor > 1
        var candidates = TopK(k: k * parameters.refineFactor)
        for probe in probes.sorted() {
            let list = Int(probe.id)
            if innerProduct {
                unsafe scan(
                    lists[list],
                    list: list,
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
                unsafe prepareListTable(list: list, queryTable: queryTable)
            } else {
                base = 0
                unsafe prepareResidualTable(query, list: list)
            }
            unsafe listTable.withUnsafeBufferPointer { table in
                unsafe scan(
                    lists[list],
                    list: list,
                    table: table.baseAddress!,
                    base: base,
                    tagLocations: refine,
                    filter: filter,
                    into: &candidates
                )
            }
        }
        // 3. Exact re-ranking from stored vectors.
        if refine {
            candidates = unsafe rerank(candidates, query: query, k: k, lists: lists)
        }
        let negate = metric.higherIsBetter
        return candidates.sorted().map { SearchResult(id: $0.id, score: negate ? -$0.key : $0.key) }
    }

    /// listTable = precomputed table of `list` + query table.
    private mutating func prepareListTable(list: Int, queryTable q: UnsafePointer<Float>) {
        let size = listTable.count
        unsafe model.precomputedTable.withUnsafeBufferPointer { pre in
            do {
                unsafe listTable.withUnsafeMutableBufferPointer { out in
                    let source = unsafe pre.baseAddress! + list * size
                    var j = 0
                    while j + 16 <= size {
                        let a = unsafe UnsafeRawPointer(source + j).loadUnaligned(as: SIMD16<Float>.self)
                        let b = unsafe UnsafeRawPointer(q + j).loadUnaligned(as: SIMD16<Float>.self)
                        unsafe UnsafeMutableRawPointer(out.baseAddress! + j).storeBytes(
                            of: a + b,
                            as: SIMD16<Float>.self
                        )
                        j += 16
                    }
                    while j < size {
                        unsafe out[j] = source[j] + q[j]
                        j += 1
                    }
                }
            }
        }
    }

    /// listTable[m][j] = ‖(x − c)_m − p_mj‖², computed from the query's residual against the list's centroid.
    private mutating func prepareResidualTable(_ query: UnsafePointer<Float>, list: Int) {
        let d = model.dimension
        let dsub = model.quantizer.subdimension
        for j in 0..<d { residual[j] = unsafe query[j] - model.coarseCentroids[list * d + j] }
        unsafe residual.withUnsafeBufferPointer { r in
            unsafe listTable.withUnsafeMutableBufferPointer { out in
                unsafe model.quantizer.innerProductTable(r.baseAddress!, scale: -2, into: out.baseAddress!)
                for m in 0..<codeSize {
                    let norm = unsafe Kernels._dot(r.baseAddress! + m * dsub, r.baseAddress! + m * dsub, dsub)
                    for j in 0..<centroidCount {
                        unsafe out[m * centroidCount + j] += norm + model.quantizer.squaredNorms[m * centroidCount + j]
                    }
                }
            }
        }
    }

    /// Scores every code of one list with `table` and offers each to `top`.
    ///
    /// With `tagLocations`, candidates carry `list << 32 | offset` instead of their id, so re-ranking can find
    /// their stored vectors without a lookup.
    private func scan(
        _ entries: InvertedList,
        list: Int,
        table: UnsafePointer<Float>,
        base: Float,
        tagLocations: Bool,
        filter: SearchFilter?,
        into top: inout TopK
    ) {
        guard entries.count > 0 else { return }
        let m = codeSize
        let tag = UInt64(list) << 32
        for c in 0..<entries.ids.chunks.count {
            let first = c << InvertedList.chunkShift
            unsafe entries.codes.chunks[c].withUnsafeBufferPointer { codes in
                unsafe entries.ids.chunks[c].withUnsafeBufferPointer { ids in
                    let count = ids.count
                    let codes = codes.baseAddress!
                    let ids = ids.baseAddress!
                    let chunkTag: UInt64? = tagLocations ? tag | UInt64(first) : nil
                    // Specialised loops: 256 centroids makes every table row offset a constant.
                    if centroidCount == 256 {
                        unsafe Self.scanLoop(
                            codes,
                            ids,
                            count: count,
                            codeSize: m,
                            base: base,
                            tag: chunkTag,
                            filter: filter,
                            into: &top
                        ) {
                            unsafe Self.distance256($0, table: table, codeSize: m)
                        }
                    } else {
                        let ksub = centroidCount
                        unsafe Self.scanLoop(
                            codes,
                            ids,
                            count: count,
                            codeSize: m,
                            base: base,
                            tag: chunkTag,
                            filter: filter,
                            into: &top
                        ) {
                            unsafe Self.distance($0, table: table, codeSize: m, centroidCount: ksub)
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func scanLoop(
        _ codes: UnsafePointer<UInt8>,
        _ ids: UnsafePointer<UInt64>,
        count: Int,
        codeSize m: Int,
        base: Float,
        tag: UInt64?,
        filter: SearchFilter?,
        into top: inout TopK,
        _ distance: (UnsafePointer<UInt8>) -> Float
    ) {
        var threshold = top.threshold
        var code = unsafe codes
        if let filter {
            for i in 0..<count {
                defer { unsafe code += m }
                guard filter.includes(unsafe ids[i]) else { continue }
                let key = unsafe distance(code) + base
                if key <= threshold {
                    top.push(key, id: unsafe tag.map { $0 | UInt64(i) } ?? ids[i])
                    threshold = top.threshold
                }
            }
            return
        }
        for i in 0..<count {
            let key = unsafe distance(code) + base
            unsafe code += m
            if key <= threshold {
                top.push(key, id: unsafe tag.map { $0 | UInt64(i) } ?? ids[i])
                threshold = top.threshold
            }
        }
    }

    /// ``distance(_:table:codeSize:centroidCount:)`` for 256 centroids per sub-quantizer (8-bit codes).
    @inline(__always)
    static func distance256(_ code: UnsafePointer<UInt8>, table: UnsafePointer<Float>, codeSize: Int) -> Float {
        var s0: Float = 0
        var s1: Float = 0
        var s2: Float = 0
        var s3: Float = 0
        var t = unsafe table
        var m = 0
        while m &+ 8 <= codeSize {
            let w = unsafe UnsafeRawPointer(code + m).loadUnaligned(as: UInt64.self)
            unsafe s0 += t[Int(truncatingIfNeeded: w & 0xFF)]
            unsafe s1 += t[256 &+ Int(truncatingIfNeeded: (w &>> 8) & 0xFF)]
            unsafe s2 += t[512 &+ Int(truncatingIfNeeded: (w &>> 16) & 0xFF)]
            unsafe s3 += t[768 &+ Int(truncatingIfNeeded: (w &>> 24) & 0xFF)]
            unsafe s0 += t[1024 &+ Int(truncatingIfNeeded: (w &>> 32) & 0xFF)]
            unsafe s1 += t[1280 &+ Int(truncatingIfNeeded: (w &>> 40) & 0xFF)]
            unsafe s2 += t[1536 &+ Int(truncatingIfNeeded: (w &>> 48) & 0xFF)]
            unsafe s3 += t[1792 &+ Int(truncatingIfNeeded: w &>> 56)]
            unsafe t += 2048
            m &+= 8
        }
        while m < codeSize {
            unsafe s0 += t[Int(code[m])]
            unsafe t += 256
            m &+= 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// The sum of `table[m][code[m]]` over the sub-quantizers, eight codes per 64-bit load.
    @inline(__always)
    static func distance(
        _ code: UnsafePointer<UInt8>,
        table: UnsafePointer<Float>,
        codeSize: Int,
        centroidCount ksub: Int
    ) -> Float {
        var s0: Float = 0
        var s1: Float = 0
        var t = unsafe table
        var m = 0
        while m &+ 2 <= codeSize {
            unsafe s0 += t[Int(code[m])]
            unsafe s1 += t[ksub &+ Int(code[m &+ 1])]
            unsafe t += 2 &* ksub
            m &+= 2
        }
        if m < codeSize { unsafe s0 += t[Int(code[m])] }
        return s0 + s1
    }

    /// Re-scores location-tagged candidates exactly and keeps the best `k`, by id.
    ///
    /// The candidates' vectors lie scattered over the lists, mostly outside the cache: a first pass touches
    /// every cache line of every candidate so the misses overlap instead of arriving one at a time.
    private func rerank(_ candidates: TopK, query: UnsafePointer<Float>, k: Int, lists: [InvertedList]) -> TopK {
        let d = model.dimension
        let locations = candidates.unorderedIDs
        var best = TopK(k: k)
        let half = storedVectors == .float16
        let lineStride = half ? 32 : 16  // components per 64-byte line
        let shift = InvertedList.chunkShift
        let mask = (1 << shift) - 1
        unsafe lists.withUnsafeBufferPointer { lists in
            var touched: UInt32 = 0
            for location in locations {
                let list = Int(location >> 32)
                let offset = Int(location & 0xFFFF_FFFF)
                let (c, r) = (offset >> shift, offset & mask)
                if half {
                    unsafe lists[list].halfVectors.chunks[c].withUnsafeBufferPointer { h in
                        for j in stride(from: r * d, to: (r + 1) * d, by: lineStride) {
                            touched &+= UInt32(unsafe h[j])
                        }
                    }
                } else {
                    unsafe lists[list].vectors.chunks[c].withUnsafeBufferPointer { v in
                        for j in stride(from: r * d, to: (r + 1) * d, by: lineStride) {
                            touched &+= unsafe v[j].bitPattern
                        }
                    }
                }
            }
            // Use the sum so the touching loads are kept; `best` is still empty, so this changes nothing.
            if touched == 0x5EED_5EED { best = TopK(k: k) }
            unsafe withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { buffer in
                let scratch = buffer.baseAddress!
                for location in locations {
                    let list = Int(location >> 32)
                    let offset = Int(location & 0xFFFF_FFFF)
                    let (c, r) = (offset >> shift, offset & mask)
                    let key: Float
                    if half {
                        unsafe lists[list].halfVectors.chunks[c].withUnsafeBufferPointer { h in
                            precondition((r + 1) * d <= h.count, "stored half vector out of range")
                            #if arch(x86_64)
                            if unsafe Kernels._widenHalves(h.baseAddress! + r * d, count: d, into: scratch) { return }
                            #endif
                            for j in 0..<d { unsafe scratch[j] = HalfBits.widen(h[r * d + j]) }
                        }
                        key =
                            unsafe model.innerProduct
                            ? -Kernels._dot(query, scratch, d) : Kernels._squaredL2(query, scratch, d)
                    } else {
                        key = unsafe lists[list].vectors.chunks[c].withUnsafeBufferPointer { v in
                            let row = unsafe v.baseAddress! + r * d
                            return unsafe model.innerProduct
                                ? -Kernels._dot(query, row, d) : Kernels._squaredL2(query, row, d)
                        }
                    }
                    best.push(key, id: unsafe lists[list].ids[offset])
                }
            }
        }
        return best
    }
}
