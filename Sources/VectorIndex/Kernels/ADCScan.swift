// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// The asymmetric-distance (ADC) scan of IVF-PQ: product-quantizer codes scored by table lookups.
///
/// The entry points take spans and check every extent once; the loops inside run on raw pointers (this file is
/// one of the places `../STYLE.md` §6 allows them), with unchecked arithmetic and no allocation. The key of a
/// code is `base + Σ_m table[m · centroidCount + code[m]]`; smaller is better.
enum ADCScan {
    /// Writes `a[j] + b[j]` into `out[j]` for every `j` (a probed list's precomputed table plus the query's).
    ///
    /// - Precondition: the three spans have the same length.
    static func add(_ a: Span<Float>, _ b: Span<Float>, into out: inout MutableSpan<Float>) {
        precondition(a.count == b.count && a.count == out.count, "ADC table sum: lengths differ")
        let size = out.count
        unsafe a.withUnsafeBufferPointer { a in
            unsafe b.withUnsafeBufferPointer { b in
                unsafe out.withUnsafeMutableBufferPointer { out in
                    guard size > 0 else { return }
                    let (pa, pb, po) = (a.baseAddress!, b.baseAddress!, out.baseAddress!)
                    var j = 0
                    while j &+ 16 <= size {
                        let x = unsafe UnsafeRawPointer(pa + j).loadUnaligned(as: SIMD16<Float>.self)
                        let y = unsafe UnsafeRawPointer(pb + j).loadUnaligned(as: SIMD16<Float>.self)
                        unsafe UnsafeMutableRawPointer(po + j).storeBytes(of: x + y, as: SIMD16<Float>.self)
                        j &+= 16
                    }
                    while j < size {
                        unsafe po[j] = pa[j] + pb[j]
                        j &+= 1
                    }
                }
            }
        }
    }

    /// Scores every code of one inverted list with `table` and offers each key to `top`, with its id or, with
    /// `tagLocations`, with `list << 32 | offset` (so re-ranking finds the stored vector without a lookup);
    /// codes whose id `filter` rejects are skipped.
    ///
    /// The list's chunks are read in place (borrowed, no reference counting per chunk): a list of a few dozen
    /// codes costs little more than its codes. `table` holds `codeSize × centroidCount` floats, one row per
    /// sub-quantizer.
    ///
    /// - Precondition: `table.count >= codeSize · centroidCount`, `1 <= centroidCount <= 256`, and every chunk
    ///   holds `codeSize` bytes of code per id.
    static func scan(
        _ entries: InvertedList,
        list: Int,
        codeSize m: Int,
        centroidCount ksub: Int,
        table: Span<Float>,
        base: Float,
        tagLocations: Bool,
        filter: SearchFilter?,
        into top: inout TopK
    ) {
        precondition(ksub >= 1 && ksub <= 256, "ADC scan: centroid count out of range")
        precondition(table.count >= m * ksub, "ADC scan: table too small")
        guard entries.count > 0 else { return }
        let listTag = UInt64(list) << 32
        unsafe table.withUnsafeBufferPointer { table in
            let table = table.baseAddress!
            for c in 0..<entries.ids.chunks.count {
                let tag: UInt64? = tagLocations ? listTag | UInt64(c << InvertedList.chunkShift) : nil
                unsafe entries.codes.chunks[c].withUnsafeBufferPointer { codes in
                    unsafe entries.ids.chunks[c].withUnsafeBufferPointer { ids in
                        let count = ids.count
                        precondition(codes.count == count * m, "ADC scan: codes and ids differ in count")
                        guard count > 0 else { return }
                        let (codes, ids) = (codes.baseAddress!, ids.baseAddress!)
                        // Specialised loops: 256 centroids makes every table row offset a constant.
                        if ksub == 256 {
                            unsafe scanLoop(
                                codes,
                                ids,
                                count: count,
                                codeSize: m,
                                base: base,
                                tag: tag,
                                filter: filter,
                                into: &top
                            ) { unsafe distance256($0, table: table, codeSize: m) }
                        } else {
                            unsafe scanLoop(
                                codes,
                                ids,
                                count: count,
                                codeSize: m,
                                base: base,
                                tag: tag,
                                filter: filter,
                                into: &top
                            ) { unsafe distance($0, table: table, codeSize: m, centroidCount: ksub) }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func scanLoop(
        _ codes: UnsafePointer<UInt8>,
        _ ids: UnsafePointer<UInt64>,
        count: Int,
        codeSize m: Int,
        base: Float,
        tag: UInt64?,
        filter: SearchFilter?,
        into top: inout TopK,
        _ distance: (UnsafePointer<UInt8>) -> Float
    ) {
        var threshold = top.threshold
        var code = unsafe codes
        if let filter {
            for i in 0..<count {
                defer { unsafe code += m }
                guard filter.includes(unsafe ids[i]) else { continue }
                let key = unsafe distance(code) + base
                if key <= threshold {
                    top.push(key, id: unsafe tag.map { $0 | UInt64(i) } ?? ids[i])
                    threshold = top.threshold
                }
            }
            return
        }
        for i in 0..<count {
            let key = unsafe distance(code) + base
            unsafe code += m
            if key <= threshold {
                top.push(key, id: unsafe tag.map { $0 | UInt64(i) } ?? ids[i])
                threshold = top.threshold
            }
        }
    }

    /// ``distance(_:table:codeSize:centroidCount:)`` for 256 centroids per sub-quantizer (8-bit codes).
    @inline(__always)
    private static func distance256(_ code: UnsafePointer<UInt8>, table: UnsafePointer<Float>, codeSize: Int) -> Float {
        var s0: Float = 0
        var s1: Float = 0
        var s2: Float = 0
        var s3: Float = 0
        var t = unsafe table
        var m = 0
        while m &+ 8 <= codeSize {
            let w = unsafe UnsafeRawPointer(code + m).loadUnaligned(as: UInt64.self)
            unsafe s0 += t[Int(truncatingIfNeeded: w & 0xFF)]
            unsafe s1 += t[256 &+ Int(truncatingIfNeeded: (w &>> 8) & 0xFF)]
            unsafe s2 += t[512 &+ Int(truncatingIfNeeded: (w &>> 16) & 0xFF)]
            unsafe s3 += t[768 &+ Int(truncatingIfNeeded: (w &>> 24) & 0xFF)]
            unsafe s0 += t[1024 &+ Int(truncatingIfNeeded: (w &>> 32) & 0xFF)]
            unsafe s1 += t[1280 &+ Int(truncatingIfNeeded: (w &>> 40) & 0xFF)]
            unsafe s2 += t[1536 &+ Int(truncatingIfNeeded: (w &>> 48) & 0xFF)]
            unsafe s3 += t[1792 &+ Int(truncatingIfNeeded: w &>> 56)]
            unsafe t += 2048
            m &+= 8
        }
        while m < codeSize {
            unsafe s0 += t[Int(code[m])]
            unsafe t += 256
            m &+= 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// The sum of `table[m][code[m]]` over the sub-quantizers, two interleaved sums.
    @inline(__always)
    private static func distance(
        _ code: UnsafePointer<UInt8>,
        table: UnsafePointer<Float>,
        codeSize: Int,
        centroidCount ksub: Int
    ) -> Float {
        var s0: Float = 0
        var s1: Float = 0
        var t = unsafe table
        var m = 0
        while m &+ 2 <= codeSize {
            unsafe s0 += t[Int(code[m])]
            unsafe s1 += t[ksub &+ Int(code[m &+ 1])]
            unsafe t += 2 &* ksub
            m &+= 2
        }
        if m < codeSize { unsafe s0 += t[Int(code[m])] }
        return s0 + s1
    }
}
