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
    private(set) var keys: ContiguousArray<Float>
    /// `capacity × M × 2^bits` query tables.
    private(set) var tables: ContiguousArray<Float>

    init(model: IVFPQModel, rows: Int) {
        self.model = model
        capacity = rows
        keys = ContiguousArray(repeating: 0, count: rows * model.listCount)
        let tableSize = model.quantizer.subquantizerCount * model.quantizer.centroidCount
        needsTables = model.innerProduct || !model.precomputedTable.isEmpty
        tables = ContiguousArray(repeating: 0, count: needsTables ? rows * tableSize : 1)
    }

    /// Fills the keys and tables of `count` queries stored back to back in `queries`.
    ///
    /// - Precondition: `count <= capacity` and `queries.count == count × dimension`.
    mutating func compute(_ queries: Span<Float>, count: Int) {
        precondition(count <= capacity)
        let d = model.dimension
        precondition(queries.count == count * d, "queries hold \(queries.count) floats, expected \(count) x \(d)")
        let lists = model.listCount
        let pq = model.quantizer
        let innerProduct = model.innerProduct
        let coarseSquaredNorms = model.coarseSquaredNorms
        let (capacity, needsTables) = (self.capacity, self.needsTables)
        let packed = model.packedCentroids
        var products = keys.mutableSpan
        Self.coarseProducts(queries, count: count, packed: packed, into: &products)
        if innerProduct {
            for j in 0..<count * lists { products[j] = -products[j] }
        } else {
            // Every row of `keys` (capacity rows) is rewritten; rows past `count` get zero query norms and are
            // never read.
            var norms = ContiguousArray<Float>(repeating: 0, count: capacity)
            for i in 0..<count { norms[i] = Kernels.squaredNorm(queries.extracting(i * d..<(i + 1) * d)) }
            Kernels.squaredL2sFromProducts(
                &products,
                querySquaredNorms: norms.span,
                rowSquaredNorms: coarseSquaredNorms.span
            )
        }
        guard needsTables else { return }
        var out = tables.mutableSpan
        pq.innerProductTables(queries, count: count, scale: innerProduct ? -1 : -2, into: &out)
    }

    /// Row `i`'s coarse keys (one per list) in ``keys``.
    func keyRange(row i: Int) -> Range<Int> {
        i * model.listCount..<(i + 1) * model.listCount
    }

    /// Row `i`'s query table in ``tables`` (empty when searches need none).
    func tableRange(row i: Int) -> Range<Int> {
        let perRow = needsTables ? model.quantizer.subquantizerCount * model.quantizer.centroidCount : 0
        return i * perRow..<(i + 1) * perRow
    }
}
