// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

extension IVFPQBatchTables {
    /// `products[i · lists + l] = ⟨query i, centroid l⟩` for `count` queries stored back to back, with the coarse
    /// centroids the model packed once (the unpacked product repacks them for every block of queries: at 1,024
    /// lists × 384 dimensions that repacking was a fifth of the coarse step).
    ///
    /// Bit for bit the product of the unpacked centroids (same tile, same summation order).
    ///
    /// - Precondition: `queries.count == count × packed.depth` and `products.count >= count × packed.columns`.
    static func coarseProducts(
        _ queries: Span<Float>,
        count: Int,
        packed: PackedMatrix,
        into products: inout MutableSpan<Float>
    ) {
        let (lists, d) = (packed.columns, packed.depth)
        precondition(queries.count == count * d, "coarse products: query length")
        precondition(products.count >= count * lists, "coarse products: output too short")
        guard count > 0 else { return }
        unsafe queries.withUnsafeBufferPointer { q in
            unsafe products.withUnsafeMutableBufferPointer { out in
                unsafe MatrixProduct.multiply(
                    m: count,
                    a: q.baseAddress!,
                    lda: d,
                    b: packed,
                    c: out.baseAddress!,
                    ldc: lists
                )
            }
        }
    }
}
