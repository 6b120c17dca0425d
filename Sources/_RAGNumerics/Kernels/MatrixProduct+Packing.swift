// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGKernelsC

// The packing of the blocked product's operands into the tiles' panel layouts.
extension MatrixProduct._Problem {
    /// Packs `count` columns of `op(B)` starting at `columns`, depth `depth..<depth+kcur`, into slivers of
    /// `nr` columns: sliver `s` holds, for each `p`, the `nr` values `op(B)[p, s*nr ..< s*nr+nr]` (zero-padded).
    static func packB(
        _ b: UnsafePointer<Float>,
        ldb: Int,
        layout: RightOperandLayout,
        nr: Int,
        into dst: UnsafeMutablePointer<Float>,
        columns: Int,
        count: Int,
        depth: Int,
        kcur: Int
    ) {
        var out = unsafe dst
        var j0 = 0
        while j0 < count {
            let w = min(nr, count - j0)
            switch layout {
            case .transposed:
                // Row j of B is column j of op(B): transpose 8 rows × 4 depths at a time.
                if w == nr {
                    for half in stride(from: 0, to: nr, by: 8) {
                        unsafe _packTransposed8(
                            from: b + (columns + j0 + half) * ldb + depth,
                            ldb: ldb,
                            kcur: kcur,
                            into: out + half,
                            stride: nr
                        )
                    }
                } else {
                    for p in 0..<kcur {
                        for j in 0..<w { unsafe out[p * nr + j] = b[(columns + j0 + j) * ldb + depth + p] }
                        for j in w..<nr { unsafe out[p * nr + j] = 0 }
                    }
                }
            case .normal:
                for p in 0..<kcur {
                    let src = unsafe b + (depth + p) * ldb + columns + j0
                    for j in 0..<w { unsafe out[p * nr + j] = src[j] }
                    for j in w..<nr { unsafe out[p * nr + j] = 0 }
                }
            }
            unsafe out += nr * kcur
            j0 += nr
        }
    }

    /// Transposes 8 rows of `kcur` floats into `kcur` groups of 8, four depths per step.
    @inline(__always)
    static func _packTransposed8(
        from src: UnsafePointer<Float>,
        ldb: Int,
        kcur: Int,
        into out: UnsafeMutablePointer<Float>,
        stride outStride: Int
    ) {
        #if arch(x86_64)
        // The same data movement with 256-bit shuffles (the result is identical whichever runs).
        switch InstructionLevel.current {
        case .avx512:
            unsafe rag_avx512_pack_transposed8(src, ldb, kcur, out, outStride)
            return
        case .avx2:
            unsafe rag_avx2_pack_transposed8(src, ldb, kcur, out, outStride)
            return
        case .baseline:
            break
        }
        #endif
        let r = unsafe UnsafeRawPointer(src)
        let o = UnsafeMutableRawPointer(out)
        let stride = ldb &* 4
        let row = outStride &* 4
        var p = 0
        while p &+ 4 <= kcur {
            let off = p &* 4
            let r0 = unsafe r.loadUnaligned(fromByteOffset: off, as: SIMD4<Float>.self)
            let r1 = unsafe r.loadUnaligned(fromByteOffset: off &+ stride, as: SIMD4<Float>.self)
            let r2 = unsafe r.loadUnaligned(fromByteOffset: off &+ 2 &* stride, as: SIMD4<Float>.self)
            let r3 = unsafe r.loadUnaligned(fromByteOffset: off &+ 3 &* stride, as: SIMD4<Float>.self)
            let r4 = unsafe r.loadUnaligned(fromByteOffset: off &+ 4 &* stride, as: SIMD4<Float>.self)
            let r5 = unsafe r.loadUnaligned(fromByteOffset: off &+ 5 &* stride, as: SIMD4<Float>.self)
            let r6 = unsafe r.loadUnaligned(fromByteOffset: off &+ 6 &* stride, as: SIMD4<Float>.self)
            let r7 = unsafe r.loadUnaligned(fromByteOffset: off &+ 7 &* stride, as: SIMD4<Float>.self)
            let base = p &* row
            unsafe o.storeBytes(
                of: SIMD8(r0[0], r1[0], r2[0], r3[0], r4[0], r5[0], r6[0], r7[0]),
                toByteOffset: base,
                as: SIMD8<Float>.self
            )
            unsafe o.storeBytes(
                of: SIMD8(r0[1], r1[1], r2[1], r3[1], r4[1], r5[1], r6[1], r7[1]),
                toByteOffset: base &+ row,
                as: SIMD8<Float>.self
            )
            unsafe o.storeBytes(
                of: SIMD8(r0[2], r1[2], r2[2], r3[2], r4[2], r5[2], r6[2], r7[2]),
                toByteOffset: base &+ 2 &* row,
                as: SIMD8<Float>.self
            )
            unsafe o.storeBytes(
                of: SIMD8(r0[3], r1[3], r2[3], r3[3], r4[3], r5[3], r6[3], r7[3]),
                toByteOffset: base &+ 3 &* row,
                as: SIMD8<Float>.self
            )
            p &+= 4
        }
        while p < kcur {
            for j in 0..<8 { unsafe out[p &* outStride &+ j] = src[j &* ldb &+ p] }
            p &+= 1
        }
    }

    /// Packs `count` rows of `A` into slivers of `mr` rows, each value once: for each `p`, the `mr` values
    /// `A[i..<i+mr, p]` (zero past the last row), for the C kernels.
    func packAPlain(
        into dst: UnsafeMutablePointer<Float>,
        mr: Int,
        rows: Int,
        count: Int,
        depth: Int,
        kcur: Int
    ) {
        var sliver = unsafe dst
        var i0 = 0
        while i0 < count {
            let h = min(mr, count - i0)
            for i in 0..<mr {
                if i < h {
                    let src = unsafe a + (rows + i0 + i) * lda + depth
                    for p in 0..<kcur { unsafe sliver[p &* mr &+ i] = src[p] }
                } else {
                    for p in 0..<kcur { unsafe sliver[p &* mr &+ i] = 0 }
                }
            }
            unsafe sliver += mr * kcur
            i0 += mr
        }
    }

    /// Packs `count` rows of `A` into slivers of `mr` rows: for each `p`, the `mr` values `A[i..<i+mr, p]`,
    /// each repeated four times (the micro-kernel loads them as ready-made broadcasts).
    func packA(into dst: UnsafeMutablePointer<Float>, rows: Int, count: Int, depth: Int, kcur: Int) {
        let mr = MatrixProduct.mr
        let raw = UnsafeMutableRawPointer(dst)
        var sliver = 0
        var i0 = 0
        while i0 < count {
            let h = min(mr, count - i0)
            for i in 0..<mr {
                let src = unsafe a + (rows + i0 + min(i, h - 1)) * lda + depth
                for p in 0..<kcur {
                    let v: Float = i < h ? unsafe src[p] : 0
                    unsafe raw.storeBytes(
                        of: SIMD4(repeating: v),
                        toByteOffset: (sliver + (p * mr + i) * 4) * 4,
                        as: SIMD4<Float>.self
                    )
                }
            }
            sliver += mr * kcur * 4
            i0 += mr
        }
    }
}
