// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// One query prepared for scoring compact rows: the query itself for Float16 rows, its affine form for 8-bit
/// codes (see ``ScalarQuantizer/dotForm(_:)`` and ``ScalarQuantizer/squaredL2Form(_:)``).
struct CompactQuery {
    let isL2: Bool
    let query: ContiguousArray<Float>
    /// Weights (inner product) or offsets (squared L2) for 8-bit codes.
    let first: ContiguousArray<Float>
    /// Scales (squared L2) for 8-bit codes.
    let second: ContiguousArray<Float>
    let bias: Float

    /// ‖q‖² when squared distances come from inner products and the rows' stored norms.
    let querySquaredNorm: Float?

    init(_ query: ContiguousArray<Float>, rows: FlatRows, isL2: Bool) {
        self.query = query
        let expanded = isL2 && rows.keepsNorms
        self.isL2 = isL2 && !expanded
        querySquaredNorm = expanded ? Kernels.squaredNorm(query.span) : nil
        if rows.storage == .scalarQuantized8, let quantizer = rows.quantizer {
            if self.isL2 {
                (first, second) = quantizer.squaredL2Form(query.span)
                bias = 0
            } else {
                (first, bias) = quantizer.dotForm(query.span)
                second = []
            }
        } else {
            first = []
            second = []
            bias = 0
        }
    }

    /// Scores Float16 rows (`scores.count` of them) as inner products or squared distances.
    func score(halves: Span<UInt16>, dimension: Int, into scores: inout MutableSpan<Float>) {
        if isL2 {
            CompactRowKernels.halfSquaredL2s(query: query.span, rows: halves, dimension: dimension, into: &scores)
        } else {
            CompactRowKernels.halfDots(query: query.span, rows: halves, dimension: dimension, into: &scores)
        }
    }

    /// Scores 8-bit code rows (`scores.count` of them) as inner products or squared distances of their decodings.
    func score(codes: Span<UInt8>, dimension: Int, into scores: inout MutableSpan<Float>) {
        if isL2 {
            CompactRowKernels.byteAffineSquaredL2s(
                offsets: first.span,
                scales: second.span,
                codes: codes,
                dimension: dimension,
                into: &scores
            )
        } else {
            CompactRowKernels.byteAffineDots(
                weights: first.span,
                bias: bias,
                codes: codes,
                dimension: dimension,
                into: &scores
            )
        }
    }
}

extension FlatIndex {
    /// ``scan(_:rows:query:metric:filter:into:)`` for Float16 and 8-bit storage: scores the compact rows directly.
    static func scanCompact(
        _ storage: FlatRows,
        rows: Range<Int>,
        query: ContiguousArray<Float>,
        metric: Metric,
        filter: SearchFilter?,
        into top: inout TopK
    ) {
        let prepared = CompactQuery(query, rows: storage, isL2: metric == .squaredL2)
        switch storage.storage {
        case .float32:
            preconditionFailure("scanCompact: Float32 rows take the Float32 scan")
        case .float16:
            scanChunks(storage, storage.halves, rows: rows, metric: metric, filter: filter, into: &top) {
                halves,
                scores,
                _,
                _ in
                prepared.score(halves: halves, dimension: storage.dimension, into: &scores)
            }
        case .scalarQuantized8:
            scanChunks(storage, storage.codes, rows: rows, metric: metric, filter: filter, into: &top) {
                codes,
                scores,
                start,
                local in
                prepared.score(codes: codes, dimension: storage.dimension, into: &scores)
                guard let queryNorm = prepared.querySquaredNorm else { return }
                // ‖q − x‖² from the inner products: the same clamp at 0 as the batch search.
                let norms = storage.norms.chunks[start >> FlatRows.chunkShift]
                for i in 0..<scores.count {
                    scores[i] = max(0, queryNorm + norms[local.lowerBound + i] - 2 * scores[i])
                }
            }
        }
    }

    /// Runs `score` over `rows` of `values` a chunk at a time (one row at a time for the rows a filter passes)
    /// and offers every score to `top`; `score` also gets the global index of the chunk's first row and the
    /// scored rows counted inside the chunk.
    private static func scanChunks<Element>(
        _ storage: FlatRows,
        _ values: AlignedChunkedRows<Element>,
        rows: Range<Int>,
        metric: Metric,
        filter: SearchFilter?,
        into top: inout TopK,
        _ score: (Span<Element>, inout MutableSpan<Float>, Int, Range<Int>) -> Void
    ) {
        let d = storage.dimension
        let isL2 = metric == .squaredL2
        var scratch = ContiguousArray<Float>(repeating: 0, count: min(rows.count, 1 << FlatRows.chunkShift))
        var single = ContiguousArray<Float>(repeating: 0, count: 1)
        storage.forEachChunk(of: values, in: rows) { elements, ids, local, start in
            if let filter {
                var one = single.mutableSpan
                for row in local where filter.includes(ids[row]) {
                    score(elements.extracting(row * d..<(row + 1) * d), &one, start, row..<row + 1)
                    top.push(isL2 ? one[0] : -one[0], id: ids[row])
                }
                return
            }
            if scratch.count != local.count { scratch = ContiguousArray(repeating: 0, count: local.count) }
            var scores = scratch.mutableSpan
            score(elements.extracting(local.lowerBound * d..<local.upperBound * d), &scores, start, local)
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
}
