// SPDX-License-Identifier: Apache-2.0

#if arch(x86_64)
import _RAGKernelsC

/// The entry points into the C micro-kernels of `_RAGKernelsC`, one switch on the level each (by default
/// ``InstructionLevel/current``; tests pass each supported level explicitly, so other tests running in
/// parallel keep theirs).
///
/// Callers have checked every length: the C functions read exactly `count` (or `count × dimension`) floats
/// from each input and write `out.count` scores, nothing else.
extension Kernels {
    /// The dispatched inner product of `count >= 1` floats.
    package static func _dotWide(
        _ a: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>,
        _ count: Int,
        level: InstructionLevel = .current
    ) -> Float {
        switch level {
        case .avx512: unsafe rag_avx512_dot(a, b, count)
        case .avx2: unsafe rag_avx2_dot(a, b, count)
        case .baseline: unsafe _dotPortable(a, b, count)
        }
    }

    /// The dispatched squared Euclidean distance of `count >= 1` floats.
    package static func _squaredL2Wide(
        _ a: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>,
        _ count: Int,
        level: InstructionLevel = .current
    ) -> Float {
        switch level {
        case .avx512: unsafe rag_avx512_squared_l2(a, b, count)
        case .avx2: unsafe rag_avx2_squared_l2(a, b, count)
        case .baseline: unsafe _squaredL2Portable(a, b, count)
        }
    }

    /// The dispatched ``_dots(_:_:_:_:)``: `out.count` rows of `dimension` floats back to back from `rows`.
    package static func _dotsWide(
        _ query: UnsafePointer<Float>,
        _ rows: UnsafePointer<Float>,
        _ dimension: Int,
        _ out: UnsafeMutableBufferPointer<Float>,
        level: InstructionLevel = .current
    ) {
        guard let scores = out.baseAddress else { return }
        switch level {
        case .avx512: unsafe rag_avx512_dots(query, rows, dimension, out.count, scores)
        case .avx2: unsafe rag_avx2_dots(query, rows, dimension, out.count, scores)
        case .baseline:
            for i in 0..<out.count { unsafe scores[i] = _dotPortable(query, rows + i &* dimension, dimension) }
        }
    }

    /// The dispatched ``_squaredL2s(_:_:_:_:)``.
    package static func _squaredL2sWide(
        _ query: UnsafePointer<Float>,
        _ rows: UnsafePointer<Float>,
        _ dimension: Int,
        _ out: UnsafeMutableBufferPointer<Float>,
        level: InstructionLevel = .current
    ) {
        guard let scores = out.baseAddress else { return }
        switch level {
        case .avx512: unsafe rag_avx512_squared_l2s(query, rows, dimension, out.count, scores)
        case .avx2: unsafe rag_avx2_squared_l2s(query, rows, dimension, out.count, scores)
        case .baseline:
            for i in 0..<out.count {
                unsafe scores[i] = _squaredL2Portable(query, rows + i &* dimension, dimension)
            }
        }
    }

    /// The dispatched ``cosines(query:rows:dimension:into:)`` for a query of norm `queryNorm`.
    package static func _cosinesWide(
        _ query: UnsafePointer<Float>,
        queryNorm: Float,
        _ rows: UnsafePointer<Float>,
        _ dimension: Int,
        _ out: UnsafeMutableBufferPointer<Float>,
        level: InstructionLevel = .current
    ) {
        guard let scores = out.baseAddress else { return }
        switch level {
        case .avx512: unsafe rag_avx512_cosines(query, queryNorm, rows, dimension, out.count, scores)
        case .avx2: unsafe rag_avx2_cosines(query, queryNorm, rows, dimension, out.count, scores)
        case .baseline:
            for i in 0..<out.count {
                let (dot, squares) = unsafe _dotAndSquaredNorm(query, rows + i &* dimension, dimension)
                let denominator = queryNorm * squares.squareRoot()
                unsafe scores[i] = denominator > 0 ? dot / denominator : 0
            }
        }
    }

    /// The nearest of `padded` centroids to each of `count` points (product-quantiser training).
    ///
    /// The centroids come transposed (`dimension` rows of `padded` floats), the points `stride` floats apart;
    /// "nearest" minimises `halfNorms[c] − ⟨x, c⟩`, lowest index among equals. Returns false, writing nothing,
    /// at the baseline level.
    ///
    /// - Precondition: `padded` is a positive multiple of 16 and the buffers hold what those sizes say.
    package static func _nearestShort(
        _ points: UnsafeBufferPointer<Float>,
        count: Int,
        stride: Int,
        dimension: Int,
        transposed: UnsafeBufferPointer<Float>,
        halfNorms: UnsafeBufferPointer<Float>,
        padded: Int,
        labels: UnsafeMutableBufferPointer<Int32>,
        level: InstructionLevel = .current
    ) -> Bool {
        guard count > 0 else { return true }
        precondition(padded > 0 && padded % 16 == 0 && dimension >= 1 && stride >= dimension, "nearest: sizes")
        precondition(points.count >= (count - 1) * stride + dimension, "nearest: points too short")
        precondition(transposed.count >= dimension * padded && halfNorms.count >= padded, "nearest: centroids")
        precondition(labels.count >= count, "nearest: labels too short")
        let (p, t, h, l) = (points.baseAddress!, transposed.baseAddress!, halfNorms.baseAddress!, labels.baseAddress!)
        switch level {
        // With AVX-512 four points share each pass over the centroids (`rag_avx512_nearest_short4`: the same labels
        // as the one-point kernel with a quarter of the centroid loads).
        case .avx512: unsafe rag_avx512_nearest_short4(p, count, stride, dimension, t, h, padded, l)
        case .avx2: unsafe rag_avx2_nearest_short(p, count, stride, dimension, t, h, padded, l)
        case .baseline: return false
        }
        return true
    }

    /// Widens `count` IEEE binary16 bit patterns to Float32 (exact) with F16C; returns false, writing nothing,
    /// at the baseline level.
    package static func _widenHalves(
        _ source: UnsafePointer<UInt16>,
        count: Int,
        into destination: UnsafeMutablePointer<Float>,
        level: InstructionLevel = .current
    ) -> Bool {
        precondition(count >= 0, "widen halves: negative count")
        switch level {
        case .avx512: unsafe rag_avx512_widen_halves(source, count, destination)
        case .avx2: unsafe rag_avx2_widen_halves(source, count, destination)
        case .baseline: return false
        }
        return true
    }

    /// The dispatched product-quantiser table of one query (see `rag_avx2_pq_table`).
    ///
    /// Reads `subquantizers` blocks of `subdimension × centroidCount` transposed centroids from `centroids` and
    /// `subquantizers × subdimension` floats of `x`; writes `subquantizers × centroidCount` entries of `table`.
    /// Returns false, writing nothing, at the baseline level (the caller runs its Swift loop).
    package static func _productQuantizerTable(
        _ x: UnsafePointer<Float>,
        centroids: UnsafeBufferPointer<Float>,
        subquantizers: Int,
        subdimension: Int,
        centroidCount: Int,
        scale: Float,
        into table: UnsafeMutablePointer<Float>,
        level: InstructionLevel = .current
    ) -> Bool {
        precondition(
            subquantizers >= 0 && subdimension >= 1 && centroidCount >= 1
                && centroids.count >= subquantizers * subdimension * centroidCount,
            "product-quantiser table: sizes"
        )
        guard let base = centroids.baseAddress else { return subquantizers == 0 }
        switch level {
        case .avx512:
            unsafe rag_avx512_pq_table(x, base, subquantizers, subdimension, centroidCount, scale, table)
        case .avx2:
            unsafe rag_avx2_pq_table(x, base, subquantizers, subdimension, centroidCount, scale, table)
        case .baseline:
            return false
        }
        return true
    }

    /// The dispatched product-quantiser tables of a block of queries (`rag_avx2_pq_tables`,
    /// `rag_avx512_pq_tables`): each transposed centroid vector is read once for 4 (AVX2) or 8 (AVX-512) queries.
    ///
    /// Reads `count` queries of `subquantizers × subdimension` floats, `stride` floats apart, and the transposed
    /// centroids; writes `count` tables of `subquantizers × centroidCount` entries, `tableStride` floats apart.
    /// Returns false, writing nothing, at the baseline level (the caller runs its Swift loop).
    package static func _productQuantizerTables(
        _ queries: UnsafeBufferPointer<Float>,
        count: Int,
        stride: Int,
        centroids: UnsafeBufferPointer<Float>,
        subquantizers: Int,
        subdimension: Int,
        centroidCount: Int,
        scale: Float,
        into tables: UnsafeMutableBufferPointer<Float>,
        tableStride: Int,
        level: InstructionLevel = .current
    ) -> Bool {
        guard level > .baseline else { return false }
        guard count > 0 else { return true }
        let d = subquantizers * subdimension
        let tableSize = subquantizers * centroidCount
        precondition(
            subquantizers >= 1 && subdimension >= 1 && centroidCount >= 1 && stride >= d && tableStride >= tableSize,
            "product-quantiser tables: sizes"
        )
        precondition(queries.count >= (count - 1) * stride + d, "product-quantiser tables: queries too short")
        precondition(centroids.count >= d * centroidCount, "product-quantiser tables: centroids too short")
        precondition(
            tables.count >= (count - 1) * tableStride + tableSize,
            "product-quantiser tables: tables too short"
        )
        let (q, c, t) = (queries.baseAddress!, centroids.baseAddress!, tables.baseAddress!)
        let (m, dsub, ksub) = (subquantizers, subdimension, centroidCount)
        if level == .avx512 {
            unsafe rag_avx512_pq_tables(q, count, stride, c, m, dsub, ksub, scale, t, tableStride)
        } else {
            unsafe rag_avx2_pq_tables(q, count, stride, c, m, dsub, ksub, scale, t, tableStride)
        }
        return true
    }
}
#endif
