// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

/// Splits a vector into `M` equal sub-vectors and replaces each by the index of its nearest centroid among
/// `2^bits` centroids trained for that sub-space: a vector of `d` floats becomes `M` one-byte codes.
///
/// Distances to a query are then approximated with lookup tables (asymmetric distance computation): the query
/// stays exact and is compared once with every centroid of every sub-space, after which a code's score is the
/// sum of `M` table entries.
struct ProductQuantizer: Sendable, Hashable {
    /// The full vector length.
    let dimension: Int
    /// `M`, the number of sub-quantizers (and code bytes per vector).
    let subquantizerCount: Int
    /// Bits per code; codes are stored one byte each.
    let bitsPerCode: Int
    /// `M × 2^bits × (d / M)` centroids, sub-quantizer by sub-quantizer (the layout FAISS uses too).
    let centroids: ContiguousArray<Float>
    /// The same centroids as `M` blocks of `(d / M) × 2^bits`, so tables are built with SIMD across centroids.
    let transposedCentroids: ContiguousArray<Float>
    /// `M × 2^bits` squared lengths of the centroids.
    let squaredNorms: ContiguousArray<Float>

    /// `2^bits`, the centroids per sub-quantizer.
    var centroidCount: Int { 1 << bitsPerCode }
    /// `d / M`, the length of a sub-vector.
    var subdimension: Int { dimension / subquantizerCount }

    init(dimension: Int, subquantizerCount: Int, bitsPerCode: Int, centroids: ContiguousArray<Float>) {
        precondition(dimension % subquantizerCount == 0 && centroids.count == dimension << bitsPerCode)
        self.dimension = dimension
        self.subquantizerCount = subquantizerCount
        self.bitsPerCode = bitsPerCode
        self.centroids = centroids
        let ksub = 1 << bitsPerCode
        let dsub = dimension / subquantizerCount
        var transposed = ContiguousArray<Float>(repeating: 0, count: centroids.count)
        var norms = ContiguousArray<Float>(repeating: 0, count: subquantizerCount * ksub)
        for m in 0..<subquantizerCount {
            for c in 0..<ksub {
                var norm: Float = 0
                for j in 0..<dsub {
                    let value = centroids[(m * ksub + c) * dsub + j]
                    transposed[(m * dsub + j) * ksub + c] = value
                    norm += value * value
                }
                norms[m * ksub + c] = norm
            }
        }
        transposedCentroids = transposed
        squaredNorms = norms
    }

    /// Trains one k-means per sub-space on `count` vectors, the sub-quantizers in parallel.
    static func train(
        _ vectors: UnsafeBufferPointer<Float>,
        count: Int,
        dimension: Int,
        subquantizerCount: Int,
        bitsPerCode: Int,
        iterations: Int,
        seed: UInt64,
        threads: Int
    ) -> (quantizer: ProductQuantizer, emptyClusterSplits: Int) {
        let ksub = 1 << bitsPerCode
        let dsub = dimension / subquantizerCount
        let perWorker = Sharding.map(chunks: subquantizerCount, threads: threads) { _, subquantizers in
            var results: [(m: Int, result: KMeans.Result)] = []
            for m in subquantizers {
                // Gather sub-vector m of every row so k-means sees contiguous points.
                var sub = ContiguousArray<Float>(repeating: 0, count: count * dsub)
                for i in 0..<count {
                    for j in 0..<dsub { sub[i * dsub + j] = unsafe vectors[i * dimension + m * dsub + j] }
                }
                let parameters = KMeans.Parameters(
                    clusterCount: ksub,
                    iterations: iterations,
                    seed: seed &+ UInt64(m),
                    spherical: false,
                    threads: 1
                )
                let result = unsafe sub.withUnsafeBufferPointer { points in
                    unsafe KMeans.train(points, count: count, dimension: dsub, parameters: parameters)
                }
                results.append((m, result))
            }
            return results
        }
        let results = perWorker.joined().sorted { $0.m < $1.m }.map(\.result)
        var centroids = ContiguousArray<Float>()
        centroids.reserveCapacity(dimension * ksub)
        var splits = 0
        for result in results {
            centroids.append(contentsOf: result.centroids)
            splits += result.emptyClusterSplits
        }
        let quantizer = ProductQuantizer(
            dimension: dimension,
            subquantizerCount: subquantizerCount,
            bitsPerCode: bitsPerCode,
            centroids: centroids
        )
        return (quantizer, splits)
    }

    /// Encodes `count` vectors (rows of `dimension` floats) into `count × M` codes.
    func encode(
        _ vectors: UnsafePointer<Float>,
        count: Int,
        into codes: UnsafeMutablePointer<UInt8>,
        threads: Int
    ) {
        guard count > 0 else { return }
        let ksub = centroidCount
        let dsub = subdimension
        var labels = ContiguousArray<Int32>(repeating: 0, count: count)
        unsafe centroids.withUnsafeBufferPointer { c in
            unsafe labels.withUnsafeMutableBufferPointer { l in
                for m in 0..<subquantizerCount {
                    unsafe KMeans.assign(
                        vectors + m * dsub,
                        count: count,
                        stride: dimension,
                        dimension: dsub,
                        centroids: c.baseAddress! + m * ksub * dsub,
                        centroidCount: ksub,
                        innerProduct: false,
                        threads: threads,
                        labels: l.baseAddress!
                    )
                    for i in 0..<count { unsafe codes[i * subquantizerCount + m] = UInt8(truncatingIfNeeded: l[i]) }
                }
            }
        }
    }

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

    /// ``innerProductTable(_:scale:into:)-(Span<Float>,_,_)`` for `count` queries stored back to back, four at a
    /// time: with sub-vectors of a few floats a matrix product is dominated by packing and stores, while this
    /// kernel keeps the sums in registers and reads each centroid block once for four queries.
    ///
    /// - Precondition: `queries` holds `count × M × subdimension` floats and `tables` `count × M × 2^bits`.
    func innerProductTables(_ queries: Span<Float>, count: Int, scale: Float, into tables: inout MutableSpan<Float>) {
        let d = subquantizerCount * subdimension
        let tableSize = subquantizerCount * centroidCount
        precondition(queries.count == count * d, "PQ tables: query length")
        precondition(tables.count >= count * tableSize, "PQ tables: table too short")
        guard count > 0 else { return }
        unsafe queries.withUnsafeBufferPointer { q in
            unsafe tables.withUnsafeMutableBufferPointer { t in
                let (q, t) = (q.baseAddress!, t.baseAddress!)
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
                    unsafe innerProductTable(q + i * d, scale: scale, into: t + i * tableSize)
                    i += 1
                }
            }
        }
    }

    /// Pointer form of ``innerProductTable(_:scale:into:)-(Span<Float>,_,_)``.
    ///
    /// The work is `d · 2^bits` multiply-adds, done 16 centroids at a time over the transposed centroids.
    func innerProductTable(_ x: UnsafePointer<Float>, scale: Float, into table: UnsafeMutablePointer<Float>) {
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
                into: table
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
