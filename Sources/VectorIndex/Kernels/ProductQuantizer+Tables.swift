// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

// The product quantizer's query-table kernels: span entry points that check the extents once, and the raw
// pointer loops behind them (one of the places `../STYLE.md` §6 allows raw pointers).

extension ProductQuantizer {
    /// Fills `table` (`M × 2^bits`) with `scale · ⟨x_m, c_mj⟩` for every sub-quantizer `m` and centroid `j`.
    ///
    /// - Precondition: `x` holds `M × subdimension` floats and `table` `M × 2^bits`.
    func innerProductTable(_ x: Span<Float>, scale: Float, into table: inout MutableSpan<Float>) {
        precondition(x.count == subquantizerCount * subdimension, "PQ table: query length")
        precondition(table.count == subquantizerCount * centroidCount, "PQ table: table length")
        unsafe x.withUnsafeBufferPointer { x in
            unsafe table.withUnsafeMutableBufferPointer { t in
                unsafe innerProductTable(x.baseAddress!, scale: scale, into: t.baseAddress!)
            }
        }
    }

    /// ``innerProductTable(_:scale:into:)-(Span<Float>,_,_)`` for `count` queries stored back to back, several at
    /// a time: with sub-vectors of a few floats a matrix product is dominated by packing and stores, while these
    /// kernels keep the sums in registers and read each centroid block once for several queries (4 in the Swift
    /// loop, 4 with AVX2 and 8 with AVX-512 in `Kernels._productQuantizerTables`, chosen by `level`).
    ///
    /// - Precondition: `queries` holds `count × M × subdimension` floats and `tables` `count × M × 2^bits`.
    func innerProductTables(
        _ queries: Span<Float>,
        count: Int,
        scale: Float,
        into tables: inout MutableSpan<Float>,
        level: InstructionLevel = .current
    ) {
        let d = subquantizerCount * subdimension
        let tableSize = subquantizerCount * centroidCount
        precondition(queries.count == count * d, "PQ tables: query length")
        precondition(tables.count >= count * tableSize, "PQ tables: table too short")
        precondition(transposedCentroids.count == d * centroidCount, "PQ tables: centroid count")
        guard count > 0 else { return }
        unsafe queries.withUnsafeBufferPointer { queryBuffer in
            unsafe tables.withUnsafeMutableBufferPointer { tableBuffer in
                #if arch(x86_64)
                let done = unsafe transposedCentroids.withUnsafeBufferPointer { c in
                    unsafe Kernels._productQuantizerTables(
                        queryBuffer,
                        count: count,
                        stride: d,
                        centroids: c,
                        subquantizers: subquantizerCount,
                        subdimension: subdimension,
                        centroidCount: centroidCount,
                        scale: scale,
                        into: tableBuffer,
                        tableStride: tableSize,
                        level: level
                    )
                }
                if done { return }
                #endif
                let (q, t) = (queryBuffer.baseAddress!, tableBuffer.baseAddress!)
                var i = 0
                while i + 4 <= count {
                    unsafe innerProductTables(
                        q + i * d,
                        stride: d,
                        scale: scale,
                        into: t + i * tableSize,
                        tableStride: tableSize
                    )
                    i += 4
                }
                while i < count {
                    unsafe innerProductTable(q + i * d, scale: scale, into: t + i * tableSize, level: level)
                    i += 1
                }
            }
        }
    }

    /// Pointer form of ``innerProductTable(_:scale:into:)-(Span<Float>,_,_)``.
    ///
    /// The work is `d · 2^bits` multiply-adds, done 16 centroids at a time over the transposed centroids.
    func innerProductTable(
        _ x: UnsafePointer<Float>,
        scale: Float,
        into table: UnsafeMutablePointer<Float>,
        level: InstructionLevel = .current
    ) {
        let ksub = centroidCount
        let dsub = subdimension
        unsafe transposedCentroids.withUnsafeBufferPointer { t in
            #if arch(x86_64)
            let done = unsafe Kernels._productQuantizerTable(
                x,
                centroids: t,
                subquantizers: subquantizerCount,
                subdimension: dsub,
                centroidCount: ksub,
                scale: scale,
                into: table,
                level: level
            )
            if done { return }
            #endif
            for m in 0..<subquantizerCount {
                let block = unsafe t.baseAddress! + m * dsub * ksub
                let out = unsafe table + m * ksub
                let sub = unsafe x + m * dsub
                var c = 0
                while c + 16 <= ksub {
                    var acc = SIMD16<Float>()
                    for j in 0..<dsub {
                        let column = unsafe UnsafeRawPointer(block + j * ksub + c).loadUnaligned(as: SIMD16<Float>.self)
                        acc += SIMD16(repeating: unsafe sub[j]) * column
                    }
                    unsafe UnsafeMutableRawPointer(out + c).storeBytes(of: acc * scale, as: SIMD16<Float>.self)
                    c += 16
                }
                while c < ksub {
                    var acc: Float = 0
                    for j in 0..<dsub { acc += unsafe sub[j] * block[j * ksub + c] }
                    unsafe out[c] = acc * scale
                    c += 1
                }
            }
        }
    }

    /// ``innerProductTable(_:scale:into:)`` for four queries at once (rows `stride` floats apart), writing table
    /// `i` at `tables + i * tableStride`: each block of centroids is loaded once for the four queries.
    func innerProductTables(
        _ queries: UnsafePointer<Float>,
        stride: Int,
        scale: Float,
        into tables: UnsafeMutablePointer<Float>,
        tableStride: Int
    ) {
        typealias V = SIMD8<Float>
        let ksub = centroidCount
        let dsub = subdimension
        guard ksub % 8 == 0 else {
            for i in 0..<4 {
                unsafe innerProductTable(queries + i * stride, scale: scale, into: tables + i * tableStride)
            }
            return
        }
        unsafe transposedCentroids.withUnsafeBufferPointer { t in
            for m in 0..<subquantizerCount {
                let block = unsafe t.baseAddress! + m * dsub * ksub
                let x0 = unsafe queries + m * dsub
                let x1 = unsafe x0 + stride
                let x2 = unsafe x1 + stride
                let x3 = unsafe x2 + stride
                var c = 0
                while c < ksub {
                    var a0 = V()
                    var a1 = V()
                    var a2 = V()
                    var a3 = V()
                    var column = unsafe UnsafeRawPointer(block + c)
                    for j in 0..<dsub {
                        let centroids = unsafe column.loadUnaligned(as: V.self)
                        unsafe a0 += V(repeating: x0[j]) * centroids
                        unsafe a1 += V(repeating: x1[j]) * centroids
                        unsafe a2 += V(repeating: x2[j]) * centroids
                        unsafe a3 += V(repeating: x3[j]) * centroids
                        unsafe column += ksub &* 4
                    }
                    let out = unsafe tables + m * ksub + c
                    unsafe UnsafeMutableRawPointer(out).storeBytes(of: a0 * scale, as: V.self)
                    unsafe UnsafeMutableRawPointer(out + tableStride).storeBytes(of: a1 * scale, as: V.self)
                    unsafe UnsafeMutableRawPointer(out + 2 * tableStride).storeBytes(of: a2 * scale, as: V.self)
                    unsafe UnsafeMutableRawPointer(out + 3 * tableStride).storeBytes(of: a3 * scale, as: V.self)
                    c += 8
                }
            }
        }
    }
}
