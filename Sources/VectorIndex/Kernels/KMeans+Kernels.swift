// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

// The k-means loops on raw pointers (assignment, centroid sums), behind span entry points that check every
// extent once; this file is one of the places `../STYLE.md` §6 allows raw pointers.

extension KMeans {
    /// ``assign(_:count:stride:dimension:centroids:centroidCount:packed:innerProduct:threads:labels:)-(UnsafePointer<Float>,_,_,_,_,_,_,_,_,_)``
    /// on spans.
    ///
    /// - Precondition: `1 <= dimension <= stride`, `points` holds `(count − 1) · stride + dimension` floats or
    ///   more, `centroids` at least `centroidCount · dimension`, and `labels` at least `count` slots.
    static func assign(
        _ points: Span<Float>,
        count: Int,
        stride: Int,
        dimension d: Int,
        centroids: Span<Float>,
        centroidCount k: Int,
        packed: PackedMatrix? = nil,
        innerProduct: Bool,
        threads: Int,
        labels: inout MutableSpan<Int32>
    ) {
        precondition(d >= 1 && stride >= d && k >= 1 && count >= 0, "k-means assignment: bad sizes")
        guard count > 0 else { return }
        precondition(points.count >= (count - 1) * stride + d, "k-means assignment: too few points")
        precondition(centroids.count >= k * d, "k-means assignment: too few centroids")
        precondition(labels.count >= count, "k-means assignment: too few labels")
        if let packed {
            precondition(packed.columns == k && packed.depth == d, "k-means assignment: packed centroids' shape")
        }
        unsafe points.withUnsafeBufferPointer { p in
            unsafe centroids.withUnsafeBufferPointer { c in
                unsafe labels.withUnsafeMutableBufferPointer { l in
                    unsafe assign(
                        p.baseAddress!,
                        count: count,
                        stride: stride,
                        dimension: d,
                        centroids: c.baseAddress!,
                        centroidCount: k,
                        packed: packed,
                        innerProduct: innerProduct,
                        threads: threads,
                        labels: l.baseAddress!
                    )
                }
            }
        }
    }

    /// The per-cluster sums of the points (`k × dimension`) and the cluster sizes, accumulated in point order.
    ///
    /// - Precondition: `points.count == labels.count × dimension` and every label is in `0..<k`.
    static func clusterSums(
        _ points: Span<Float>,
        labels: Span<Int32>,
        dimension d: Int,
        k: Int
    ) -> (sums: ContiguousArray<Float>, sizes: [Int]) {
        precondition(points.count == labels.count * d, "k-means sums: points and labels differ in count")
        var sums = ContiguousArray<Float>(repeating: 0, count: k * d)
        var sizes = [Int](repeating: 0, count: k)
        guard labels.count > 0 else { return (sums, sizes) }
        unsafe points.withUnsafeBufferPointer { points in
            unsafe sums.withUnsafeMutableBufferPointer { s in
                for i in 0..<labels.count {
                    let c = Int(labels[i])
                    precondition(c >= 0 && c < k, "k-means sums: label out of range")
                    sizes[c] += 1
                    let target = unsafe s.baseAddress! + c &* d
                    let source = unsafe points.baseAddress! + i &* d
                    for j in 0..<d { unsafe target[j] += source[j] }
                }
            }
        }
        return (sums, sizes)
    }

    /// The nearest centroid of every point: the largest inner product, or the smallest squared distance.
    ///
    /// Points are `count` rows of `dimension` floats placed `stride` floats apart, so a product quantizer can
    /// assign one sub-vector of every row in place. Ties go to the lower centroid index. Runs on up to
    /// `threads` threads in fixed chunks; the result does not depend on the thread count. `packed`, when given,
    /// is the centroids packed for the matrix product (the same products, bit for bit, without repacking them).
    static func assign(
        _ points: UnsafePointer<Float>,
        count: Int,
        stride: Int,
        dimension d: Int,
        centroids: UnsafePointer<Float>,
        centroidCount k: Int,
        packed: PackedMatrix? = nil,
        innerProduct: Bool,
        threads: Int,
        labels: UnsafeMutablePointer<Int32>
    ) {
        guard count > 0 else { return }
        if !innerProduct && d <= 32 && k >= 8 {
            unsafe assignShort(
                points,
                count: count,
                stride: stride,
                dimension: d,
                centroids: centroids,
                centroidCount: k,
                threads: threads,
                labels: labels
            )
            return
        }
        // ‖c‖² for squared L2: argmin ‖x − c‖² = argmin (‖c‖² − 2 x·c).
        var halfNorms = ContiguousArray<Float>(repeating: 0, count: innerProduct ? 0 : k)
        for c in 0..<halfNorms.count {
            halfNorms[c] = unsafe 0.5 * Kernels._dot(centroids + c * d, centroids + c * d, d)
        }
        // Chunks of rows small enough that a chunk's products stay in the cache.
        let rowsPerChunk = max(16, min(256, 65_536 / max(1, k)))
        let chunks = (count + rowsPerChunk - 1) / rowsPerChunk
        let threadCount = count * k * d < 1_000_000 ? 1 : threads
        unsafe halfNorms.withUnsafeBufferPointer { norms in
            Sharding.forEach(chunks: chunks, threads: threadCount) { _, workerChunks in
                // On the heap: a chunk's products can exceed what a worker thread's stack holds.
                let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: rowsPerChunk * k)
                defer { unsafe scratch.deallocate() }
                for chunk in workerChunks {
                    let start = chunk * rowsPerChunk
                    let rows = min(rowsPerChunk, count - start)
                    if let packed {
                        unsafe MatrixProduct.multiply(
                            m: rows,
                            a: points + start * stride,
                            lda: stride,
                            b: packed,
                            c: scratch.baseAddress!,
                            ldc: k
                        )
                    } else {
                        unsafe MatrixProduct.multiply(
                            m: rows,
                            n: k,
                            k: d,
                            a: points + start * stride,
                            lda: stride,
                            b: centroids,
                            ldb: d,
                            layout: .transposed,
                            c: scratch.baseAddress!,
                            ldc: k
                        )
                    }
                    for r in 0..<rows {
                        let products = unsafe scratch.baseAddress! + r * k
                        let best = unsafe nearest(products, count: k, halfNorms: innerProduct ? nil : norms.baseAddress)
                        unsafe labels[start + r] = Int32(best)
                    }
                }
            }
        }
    }
}

extension KMeans {
    /// ``assign(_:count:stride:dimension:centroids:centroidCount:packed:innerProduct:threads:labels:)-(UnsafePointer<Float>,_,_,_,_,_,_,_,_,_)`` for short
    /// vectors (product-quantizer sub-vectors) under squared L2.
    ///
    /// A matrix product with a depth of a few floats spends its time packing and storing; here each point's
    /// distances to sixteen centroids at a time stay in registers (centroids transposed, one broadcast
    /// component times sixteen centroid components) and feed the running minimum directly.
    ///
    /// With AVX-512 the dispatched kernel takes four points per pass (same labels, a quarter of the centroid loads).
    static func assignShort(
        _ points: UnsafePointer<Float>,
        count: Int,
        stride: Int,
        dimension d: Int,
        centroids: UnsafePointer<Float>,
        centroidCount k: Int,
        threads: Int,
        labels: UnsafeMutablePointer<Int32>,
        level: InstructionLevel = .current
    ) {
        // Centroids transposed (d × k) and ½‖c‖², both padded to a multiple of 16 centroids with +∞ norms.
        let padded = (k + 15) / 16 * 16
        var transposed = ContiguousArray<Float>(repeating: 0, count: d * padded)
        var halfNorms = ContiguousArray<Float>(repeating: .infinity, count: padded)
        for c in 0..<k {
            var norm: Float = 0
            for j in 0..<d {
                let value = unsafe centroids[c * d + j]
                transposed[j * padded + c] = value
                norm += value * value
            }
            halfNorms[c] = 0.5 * norm
        }
        unsafe transposed.withUnsafeBufferPointer { t in
            unsafe halfNorms.withUnsafeBufferPointer { h in
                unsafe assignShort(
                    points,
                    count: count,
                    stride: stride,
                    dimension: d,
                    transposed: t,
                    halfNorms: h,
                    padded: padded,
                    threads: threads,
                    labels: labels,
                    level: level
                )
            }
        }
    }

    /// ``assignShort(_:count:stride:dimension:centroids:centroidCount:threads:labels:level:)`` with the
    /// centroids already transposed (`d × padded`, padded to a multiple of 16 with +∞ half norms) and their
    /// half squared lengths, as a product quantizer keeps them: encoding a few vectors then does not re-lay
    /// out its codebooks.
    ///
    /// - Precondition: `padded` is a multiple of 16, `transposed` holds `d × padded` floats, `halfNorms`
    ///   `padded`, `points` `(count − 1) · stride + d`, `labels` `count`.
    static func assignShort(
        _ points: Span<Float>,
        count: Int,
        stride: Int,
        dimension d: Int,
        transposed: Span<Float>,
        halfNorms: Span<Float>,
        padded: Int,
        threads: Int,
        labels: inout MutableSpan<Int32>
    ) {
        precondition(d >= 1 && stride >= d && count >= 0 && padded % 16 == 0, "short assignment: bad sizes")
        guard count > 0 else { return }
        precondition(points.count >= (count - 1) * stride + d, "short assignment: too few points")
        precondition(transposed.count >= d * padded && halfNorms.count >= padded, "short assignment: short tables")
        precondition(labels.count >= count, "short assignment: too few labels")
        unsafe points.withUnsafeBufferPointer { p in
            unsafe transposed.withUnsafeBufferPointer { t in
                unsafe halfNorms.withUnsafeBufferPointer { h in
                    unsafe labels.withUnsafeMutableBufferPointer { l in
                        unsafe assignShort(
                            p.baseAddress!,
                            count: count,
                            stride: stride,
                            dimension: d,
                            transposed: UnsafeBufferPointer(rebasing: t[..<(d * padded)]),
                            halfNorms: UnsafeBufferPointer(rebasing: h[..<padded]),
                            padded: padded,
                            threads: threads,
                            labels: l.baseAddress!
                        )
                    }
                }
            }
        }
    }

    private static func assignShort(
        _ points: UnsafePointer<Float>,
        count: Int,
        stride: Int,
        dimension d: Int,
        transposed t: UnsafeBufferPointer<Float>,
        halfNorms h: UnsafeBufferPointer<Float>,
        padded: Int,
        threads: Int,
        labels: UnsafeMutablePointer<Int32>,
        level: InstructionLevel = .current
    ) {
        let chunk = 1024
        let chunks = (count + chunk - 1) / chunk
        Sharding.forEach(chunks: chunks, threads: threads) { _, workerChunks in
            for c in workerChunks {
                #if arch(x86_64)
                let first = c * chunk
                let n = min(count, first + chunk) - first
                let done = unsafe Kernels._nearestShort(
                    UnsafeBufferPointer(start: points + first * stride, count: (n - 1) * stride + d),
                    count: n,
                    stride: stride,
                    dimension: d,
                    transposed: t,
                    halfNorms: h,
                    padded: padded,
                    labels: UnsafeMutableBufferPointer(start: labels + first, count: n),
                    level: level
                )
                if done { continue }
                #endif
                for i in c * chunk..<min(count, (c + 1) * chunk) {
                    unsafe labels[i] = Int32(
                        nearestShort(
                            points + i * stride,
                            dimension: d,
                            transposed: t.baseAddress!,
                            halfNorms: h.baseAddress!,
                            padded: padded
                        )
                    )
                }
            }
        }
    }

    @inline(__always)
    static func nearestShort(
        _ x: UnsafePointer<Float>,
        dimension d: Int,
        transposed: UnsafePointer<Float>,
        halfNorms: UnsafePointer<Float>,
        padded: Int
    ) -> Int {
        typealias V = SIMD8<Float>
        var bestValue = V(repeating: .infinity)
        var bestIndex = SIMD8<Int32>(repeating: 0)
        var index = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        var c = 0
        while c < padded {
            var a0 = V()
            var a1 = V()
            var column = unsafe UnsafeRawPointer(transposed + c)
            for j in 0..<d {
                let xj = V(repeating: unsafe x[j])
                unsafe a0 += xj * column.loadUnaligned(as: V.self)
                unsafe a1 += xj * column.loadUnaligned(fromByteOffset: 32, as: V.self)
                unsafe column += padded &* 4
            }
            let norms = unsafe UnsafeRawPointer(halfNorms + c)
            let v0 = unsafe norms.loadUnaligned(as: V.self) - a0
            let v1 = unsafe norms.loadUnaligned(fromByteOffset: 32, as: V.self) - a1
            let better0 = v0 .< bestValue
            bestValue.replace(with: v0, where: better0)
            bestIndex.replace(with: index, where: better0)
            index &+= 8
            let better1 = v1 .< bestValue
            bestValue.replace(with: v1, where: better1)
            bestIndex.replace(with: index, where: better1)
            index &+= 8
            c &+= 16
        }
        var best = Int.max
        var minimum = Float.infinity
        for lane in 0..<8 where bestValue[lane] < minimum || (bestValue[lane] == minimum && Int(bestIndex[lane]) < best)
        {
            minimum = bestValue[lane]
            best = Int(bestIndex[lane])
        }
        return best == Int.max ? 0 : best
    }

    /// The index of the smallest `halfNorms[c] − products[c]` (or of the largest product without norms), the
    /// lowest index among equals; sixteen candidates per step.
    @inline(__always)
    static func nearest(_ products: UnsafePointer<Float>, count k: Int, halfNorms: UnsafePointer<Float>?) -> Int {
        typealias V = SIMD16<Float>
        var bestValue = V(repeating: .infinity)
        var bestIndex = SIMD16<Int32>(repeating: 0)
        var index = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        var c = 0
        while c + 16 <= k {
            let p = unsafe UnsafeRawPointer(products + c).loadUnaligned(as: V.self)
            let value: V
            if let halfNorms = unsafe halfNorms {
                value = unsafe UnsafeRawPointer(halfNorms + c).loadUnaligned(as: V.self) - p
            } else {
                value = -p
            }
            let better = value .< bestValue
            bestValue.replace(with: value, where: better)
            bestIndex.replace(with: index, where: better)
            index &+= 16
            c += 16
        }
        var best = Int(Int32.max)
        var minimum = Float.infinity
        for lane in 0..<16
        where bestValue[lane] < minimum || (bestValue[lane] == minimum && Int(bestIndex[lane]) < best) {
            minimum = bestValue[lane]
            best = Int(bestIndex[lane])
        }
        while c < k {
            let value = unsafe halfNorms.map { unsafe $0[c] - products[c] } ?? -products[c]
            if value < minimum || best == Int(Int32.max) {
                minimum = value
                best = c
            }
            c += 1
        }
        return best == Int(Int32.max) ? 0 : best
    }
}
