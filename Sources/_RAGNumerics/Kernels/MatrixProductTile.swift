// SPDX-License-Identifier: Apache-2.0

#if arch(x86_64)
import _RAGKernelsC
#endif

extension MatrixProduct.Tile {
    /// Runs this tile's micro-kernel: `C[rows × columns] (+)= A-sliver · B-sliver` over `kc` steps.
    ///
    /// Reads `a` in this tile's packing (see ``broadcastsA``) and `columns × kc` floats of `b`, and writes
    /// `rows` rows of `columns` floats of `c`, `ldc` floats apart. The driver guarantees those extents.
    @inline(__always)
    func kernel(
        _ a: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>,
        _ kc: Int,
        _ c: UnsafeMutablePointer<Float>,
        _ ldc: Int,
        _ accumulate: Bool
    ) {
        switch self {
        case .narrow: unsafe _Tile.kernel(a, b, kc, c, ldc, accumulate)
        case .wide: unsafe _WideTile.kernel(a, b, kc, c, ldc, accumulate)
        #if arch(x86_64)
        case .avx2: unsafe rag_avx2_gemm_tile(a, b, kc, c, ldc, accumulate ? 1 : 0)
        case .avx512: unsafe rag_avx512_gemm_tile(a, b, kc, c, ldc, accumulate ? 1 : 0)
        #else
        case .avx2, .avx512: preconditionFailure("matrix product: the \(self) tile exists only on x86-64")
        #endif
        }
    }
}

/// The narrow matrix-product micro-kernel: a 4 × 8 tile of `C` held in registers.
///
/// At the x86-64 baseline a `SIMD8<Float>` is two SSE registers, so the tile takes 8 of the 16, leaving room
/// for one row of `B`, a broadcast value of `A` and the products. (A 6 × 8 tile measured the same on
/// 64-query batches and wastes more work on ragged edges.) `A` arrives pre-broadcast (each value repeated in a
/// `SIMD4`), which turns a load-and-shuffle per value into one aligned load at the baseline target.
enum _Tile {
    static let nr = 8

    /// `C[4×8] (+)= Σ_p a[(p*4 + i)*4] * b[p*8 + j]` over `kc` steps; `c` rows are `ldc` floats apart.
    @inline(__always)
    static func kernel(
        _ a: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>,
        _ kc: Int,
        _ c: UnsafeMutablePointer<Float>,
        _ ldc: Int,
        _ accumulate: Bool
    ) {
        typealias V = SIMD8<Float>
        var c0 = V()
        var c1 = V()
        var c2 = V()
        var c3 = V()
        let rb = unsafe UnsafeRawPointer(b)
        var ra = unsafe UnsafeRawPointer(a)
        for p in 0..<kc {
            let bv = unsafe rb.loadUnaligned(fromByteOffset: p &* 32, as: V.self)
            c0 += broadcast(unsafe ra.load(fromByteOffset: 0, as: SIMD4<Float>.self)) * bv
            c1 += broadcast(unsafe ra.load(fromByteOffset: 16, as: SIMD4<Float>.self)) * bv
            c2 += broadcast(unsafe ra.load(fromByteOffset: 32, as: SIMD4<Float>.self)) * bv
            c3 += broadcast(unsafe ra.load(fromByteOffset: 48, as: SIMD4<Float>.self)) * bv
            unsafe ra += 64
        }
        let rc = UnsafeMutableRawPointer(c)
        let stride = ldc &* 4
        if accumulate {
            unsafe store(c0 + rc.loadUnaligned(fromByteOffset: 0, as: V.self), rc, 0)
            unsafe store(c1 + rc.loadUnaligned(fromByteOffset: stride, as: V.self), rc, stride)
            unsafe store(c2 + rc.loadUnaligned(fromByteOffset: 2 &* stride, as: V.self), rc, 2 &* stride)
            unsafe store(c3 + rc.loadUnaligned(fromByteOffset: 3 &* stride, as: V.self), rc, 3 &* stride)
        } else {
            unsafe store(c0, rc, 0)
            unsafe store(c1, rc, stride)
            unsafe store(c2, rc, 2 &* stride)
            unsafe store(c3, rc, 3 &* stride)
        }
    }

    @inline(__always)
    static func broadcast(_ v: SIMD4<Float>) -> SIMD8<Float> {
        SIMD8(lowHalf: v, highHalf: v)
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ base: UnsafeMutableRawPointer, _ offset: Int) {
        unsafe base.storeBytes(of: v, toByteOffset: offset, as: SIMD8<Float>.self)
    }
}

/// The wide micro-kernel: a 4 × 16 tile, for builds whose vectors are 256 or 512 bits wide.
enum _WideTile {
    static let nr = 16

    /// `C[4×16] (+)= Σ_p a[(p*4 + i)*4] * b[p*16 + j]` over `kc` steps; `c` rows are `ldc` floats apart.
    @inline(__always)
    static func kernel(
        _ a: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>,
        _ kc: Int,
        _ c: UnsafeMutablePointer<Float>,
        _ ldc: Int,
        _ accumulate: Bool
    ) {
        typealias V = SIMD16<Float>
        var c0 = V()
        var c1 = V()
        var c2 = V()
        var c3 = V()
        let rb = unsafe UnsafeRawPointer(b)
        var ra = unsafe UnsafeRawPointer(a)
        for p in 0..<kc {
            let bv = unsafe rb.loadUnaligned(fromByteOffset: p &* 64, as: V.self)
            c0 += broadcast(unsafe ra.load(fromByteOffset: 0, as: SIMD4<Float>.self)) * bv
            c1 += broadcast(unsafe ra.load(fromByteOffset: 16, as: SIMD4<Float>.self)) * bv
            c2 += broadcast(unsafe ra.load(fromByteOffset: 32, as: SIMD4<Float>.self)) * bv
            c3 += broadcast(unsafe ra.load(fromByteOffset: 48, as: SIMD4<Float>.self)) * bv
            unsafe ra += 64
        }
        let rc = UnsafeMutableRawPointer(c)
        let stride = ldc &* 4
        if accumulate {
            unsafe store(c0 + rc.loadUnaligned(fromByteOffset: 0, as: V.self), rc, 0)
            unsafe store(c1 + rc.loadUnaligned(fromByteOffset: stride, as: V.self), rc, stride)
            unsafe store(c2 + rc.loadUnaligned(fromByteOffset: 2 &* stride, as: V.self), rc, 2 &* stride)
            unsafe store(c3 + rc.loadUnaligned(fromByteOffset: 3 &* stride, as: V.self), rc, 3 &* stride)
        } else {
            unsafe store(c0, rc, 0)
            unsafe store(c1, rc, stride)
            unsafe store(c2, rc, 2 &* stride)
            unsafe store(c3, rc, 3 &* stride)
        }
    }

    @inline(__always)
    static func broadcast(_ v: SIMD4<Float>) -> SIMD16<Float> {
        let eight = SIMD8(lowHalf: v, highHalf: v)
        return SIMD16(lowHalf: eight, highHalf: eight)
    }

    @inline(__always)
    static func store(_ v: SIMD16<Float>, _ base: UnsafeMutableRawPointer, _ offset: Int) {
        unsafe base.storeBytes(of: v, toByteOffset: offset, as: SIMD16<Float>.self)
    }
}
