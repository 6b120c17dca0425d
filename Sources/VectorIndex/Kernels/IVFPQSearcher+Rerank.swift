// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

// Exact re-ranking of IVF-PQ candidates from the stored vectors: a pointer loop over scattered rows, kept here
// among the kernels (`../STYLE.md` §6) behind a span entry point.

extension IVFPQSearcher {
    /// Re-scores location-tagged candidates exactly and keeps the best `k`, by id.
    ///
    /// The candidates' vectors lie scattered over the lists, mostly outside the cache: a first pass touches
    /// every cache line of every candidate so the misses overlap instead of arriving one at a time.
    ///
    /// Raw pointers on purpose: a span form (binding each candidate's chunk to a local and scoring through the
    /// span kernels) ran the refine(4) searches of `ivfpq-report` 2–7 % slower (one retain and release per
    /// candidate and visit), e.g. IVF256,PQ24x8 nprobe 4: 32,175 → 29,843 q/s on one thread.
    func rerank(_ candidates: TopK, query: Span<Float>, k: Int, lists: [InvertedList]) -> TopK {
        precondition(query.count == model.dimension, "re-rank: query length")
        return unsafe query.withUnsafeBufferPointer { q in
            unsafe rerank(candidates, query: q.baseAddress!, k: k, lists: lists)
        }
    }

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
