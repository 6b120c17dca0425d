// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// Coarse keys and query tables for a block of queries, computed with matrix products instead of one dot
/// product at a time: the part of a search that does not depend on the lists.
struct IVFPQBatchTables {
    let model: IVFPQModel
    let capacity: Int
    /// Whether searches read query tables (all but squared L2 without a precomputed table).
    let needsTables: Bool
    /// `capacity × listCount` coarse keys (smaller is better).
    private var keys: ContiguousArray<Float>
    /// `capacity × M × 2^bits` query tables.
    private var tables: ContiguousArray<Float>

    init(model: IVFPQModel, rows: Int) {
        self.model = model
        capacity = rows
        keys = ContiguousArray(repeating: 0, count: rows * model.listCount)
        let tableSize = model.quantizer.subquantizerCount * model.quantizer.centroidCount
        needsTables = model.innerProduct || !model.precomputedTable.isEmpty
        tables = ContiguousArray(repeating: 0, count: needsTables ? rows * tableSize : 1)
    }

    /// Fills the keys and tables of `count` queries stored back to back at `queries`.
    mutating func compute(_ queries: UnsafePointer<Float>, count: Int) {
        precondition(count <= capacity)
        let d = model.dimension
        let lists = model.listCount
        let pq = model.quantizer
        let tableSize = pq.subquantizerCount * pq.centroidCount
        let innerProduct = model.innerProduct
        let coarseSquaredNorms = model.coarseSquaredNorms
        unsafe keys.withUnsafeMutableBufferPointer { out in
            unsafe model.coarseCentroids.withUnsafeBufferPointer { c in
                unsafe MatrixProduct.multiply(
                    m: count,
                    n: lists,
                    k: d,
                    a: queries,
                    lda: d,
                    b: c.baseAddress!,
                    ldb: d,
                    layout: .transposed,
                    c: out.baseAddress!,
                    ldc: lists
                )
            }
            var products = unsafe UnsafeMutableBufferPointer(rebasing: out[0..<count * lists]).mutableSpan
            if innerProduct {
                for j in 0..<products.count { products[j] = -products[j] }
            } else {
                let norms = ContiguousArray(
                    (0..<count).map { i in unsafe Kernels._dot(queries + i * d, queries + i * d, d) }
                )
                Kernels.squaredL2sFromProducts(
                    &products,
                    querySquaredNorms: norms.span,
                    rowSquaredNorms: coarseSquaredNorms.span
                )
            }
        }
        guard needsTables else { return }
        // Tables four queries at a time: with sub-vectors of a few floats a matrix product is dominated by packing
        // and stores, while this kernel keeps the sums in registers and reads each centroid block once for four.
        let scale: Float = innerProduct ? -1 : -2
        unsafe tables.withUnsafeMutableBufferPointer { out in
            var i = 0
            while i + 4 <= count {
                unsafe pq.innerProductTables(
                    queries + i * d,
                    stride: d,
                    scale: scale,
                    into: out.baseAddress! + i * tableSize,
                    tableStride: tableSize
                )
                i += 4
            }
            while i < count {
                unsafe pq.innerProductTable(queries + i * d, scale: scale, into: out.baseAddress! + i * tableSize)
                i += 1
            }
        }
    }

    /// Calls `body` with row `i`'s coarse keys and query table.
    func withRow<Result>(_ i: Int, _ body: (UnsafePointer<Float>, UnsafePointer<Float>) -> Result) -> Result {
        let lists = model.listCount
        let tableSize = model.quantizer.subquantizerCount * model.quantizer.centroidCount
        let perRow = needsTables ? tableSize : 0
        return unsafe keys.withUnsafeBufferPointer { k in
            unsafe tables.withUnsafeBufferPointer { t in
                unsafe body(k.baseAddress! + i * lists, t.baseAddress! + i * perRow)
            }
        }
    }
}
