// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

// Exact re-ranking of IVF-PQ candidates from the stored vectors: a pointer loop over scattered rows, kept here
// among the kernels (`../STYLE.md` §6) behind a span entry point.

extension IVFPQSearcher {
    /// Re-scores location-tagged candidates from their stored vectors and keeps the best `k`, by id.
    ///
    /// The candidates' vectors lie scattered over the lists, mostly outside the cache: a first pass touches
    /// every cache line of every candidate so the misses overlap instead of arriving one at a time. Float32 and
    /// Float16 rows are scored exactly; 8-bit rows are gathered into one block and scored by the compact-row
    /// kernels without decoding them.
    ///
    /// Raw pointers on purpose: a span form (binding each candidate's chunk to a local and scoring through the
    /// span kernels) ran the refine(4) searches of `ivfpq-report` 2–7 % slower (one retain and release per
    /// candidate and visit), e.g. IVF256,PQ24x8 nprobe 4: 32,175 → 29,843 q/s on one thread.
    func rerank(_ candidates: TopK, query: Span<Float>, k: Int, lists: [InvertedList]) -> TopK {
        precondition(query.count == model.dimension, "re-rank: query length")
        let locations = candidates.unorderedIDs
        let touched = unsafe lists.withUnsafeBufferPointer { lists in unsafe touch(locations, in: lists) }
        var best = TopK(k: k)
        // Use the sum so the touching loads are kept; `best` is still empty, so this changes nothing.
        if touched == 0x5EED_5EED { best = TopK(k: k) }
        if storedVectors == .scalarQuantized8 {
            rerankCodes(locations, query: query, lists: lists, into: &best)
        } else {
            unsafe query.withUnsafeBufferPointer { q in
                unsafe rerank(locations, query: q.baseAddress!, lists: lists, into: &best)
            }
        }
        return best
    }

    /// Reads one byte of every 64 of each candidate's stored row, so the rows' cache misses overlap.
    private func touch(_ locations: [UInt64], in lists: UnsafeBufferPointer<InvertedList>) -> UInt32 {
        let rowBytes = model.dimension * storedVectors.componentBytes
        let shift = InvertedList.chunkShift
        let mask = (1 << shift) - 1
        var touched: UInt32 = 0
        for location in locations {
            let offset = Int(location & 0xFFFF_FFFF)
            let (c, r) = (offset >> shift, offset & mask)
            unsafe lists[Int(location >> 32)].vectors.chunks[c].withUnsafeBufferPointer { row in
                for j in stride(from: r * rowBytes, to: (r + 1) * rowBytes, by: 64) {
                    touched &+= UInt32(unsafe row[j])
                }
            }
        }
        return touched
    }

    /// Float32 and Float16 rows, scored exactly against the query.
    private func rerank(
        _ locations: [UInt64],
        query: UnsafePointer<Float>,
        lists: [InvertedList],
        into best: inout TopK
    ) {
        let d = model.dimension
        let half = storedVectors == .float16
        let rowBytes = d * storedVectors.componentBytes
        let shift = InvertedList.chunkShift
        let mask = (1 << shift) - 1
        unsafe lists.withUnsafeBufferPointer { lists in
            unsafe withUnsafeTemporaryAllocation(of: Float.self, capacity: d) { buffer in
                let scratch = buffer.baseAddress!
                for location in locations {
                    let list = Int(location >> 32)
                    let offset = Int(location & 0xFFFF_FFFF)
                    let (c, r) = (offset >> shift, offset & mask)
                    let key = unsafe lists[list].vectors.chunks[c].withUnsafeBufferPointer { bytes -> Float in
                        precondition((r + 1) * rowBytes <= bytes.count, "stored vector out of range")
                        let start = unsafe bytes.baseAddress! + r * rowBytes
                        if half {
                            unsafe start.withMemoryRebound(to: UInt16.self, capacity: d) { h in
                                #if arch(x86_64)
                                if unsafe Kernels._widenHalves(h, count: d, into: scratch) { return }
                                #endif
                                for j in 0..<d { unsafe scratch[j] = HalfBits.widen(h[j]) }
                            }
                            return unsafe model.innerProduct
                                ? -Kernels._dot(query, scratch, d) : Kernels._squaredL2(query, scratch, d)
                        }
                        return unsafe start.withMemoryRebound(to: Float.self, capacity: d) { row in
                            unsafe model.innerProduct ? -Kernels._dot(query, row, d) : Kernels._squaredL2(query, row, d)
                        }
                    }
                    best.push(key, id: unsafe lists[list].ids[offset])
                }
            }
        }
    }

    /// 8-bit rows: gathered into one block, then scored by the affine forms of the query.
    private func rerankCodes(
        _ locations: [UInt64],
        query: Span<Float>,
        lists: [InvertedList],
        into best: inout TopK
    ) {
        guard let quantizer = model.vectorQuantizer else { preconditionFailure("8-bit stored vectors need bounds") }
        let d = model.dimension
        let n = locations.count
        var block = ContiguousArray<UInt8>(repeating: 0, count: n * d)
        let shift = InvertedList.chunkShift
        let mask = (1 << shift) - 1
        unsafe block.withUnsafeMutableBufferPointer { out in
            for (i, location) in locations.enumerated() {
                let offset = Int(location & 0xFFFF_FFFF)
                let (c, r) = (offset >> shift, offset & mask)
                unsafe lists[Int(location >> 32)].vectors.chunks[c].withUnsafeBufferPointer { codes in
                    precondition((r + 1) * d <= codes.count, "stored vector out of range")
                    unsafe (out.baseAddress! + i * d).update(from: codes.baseAddress! + r * d, count: d)
                }
            }
        }
        var scores = ContiguousArray<Float>(repeating: 0, count: n)
        var out = scores.mutableSpan
        if model.innerProduct {
            let (weights, bias) = quantizer.dotForm(query)
            CompactRowKernels.byteAffineDots(
                weights: weights.span,
                bias: bias,
                codes: block.span,
                dimension: d,
                into: &out
            )
        } else {
            let (offsets, scales) = quantizer.squaredL2Form(query)
            CompactRowKernels.byteAffineSquaredL2s(
                offsets: offsets.span,
                scales: scales.span,
                codes: block.span,
                dimension: d,
                into: &out
            )
        }
        for (i, location) in locations.enumerated() {
            let offset = Int(location & 0xFFFF_FFFF)
            best.push(model.innerProduct ? -scores[i] : scores[i], id: lists[Int(location >> 32)].ids[offset])
        }
    }
}
