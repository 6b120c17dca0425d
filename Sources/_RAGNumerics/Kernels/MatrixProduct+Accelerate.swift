// SPDX-License-Identifier: Apache-2.0

#if canImport(Accelerate)
import Accelerate

extension MatrixProduct {
    /// `C = A · B` (or `C += A · B`) through Accelerate's `vDSP_mmul`, for a row-major `k × n` matrix `B`.
    ///
    /// `vDSP_mmul` runs on Apple's tuned matrix kernels (the AMX units on Apple silicon) and, unlike the
    /// `cblas_*` entry points, is not deprecated in current SDKs. It takes contiguous operands only, so `A` rows
    /// with gaps are first copied together, and a result that must be added to `C` or stored with gaps goes
    /// through scratch memory.
    static func _accelerateMultiply(
        m: Int,
        n: Int,
        k: Int,
        a: UnsafePointer<Float>,
        lda: Int,
        b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>,
        ldc: Int,
        accumulate: Bool
    ) {
        if k == 0 {
            if !accumulate {
                for i in 0..<m { unsafe (c + i * ldc).update(repeating: 0, count: n) }
            }
            return
        }
        let gatheredA: UnsafeMutablePointer<Float>? =
            lda == k ? nil : UnsafeMutablePointer<Float>.allocate(capacity: m * k)
        if let gatheredA = unsafe gatheredA {
            for i in 0..<m { unsafe (gatheredA + i * k).update(from: a + i * lda, count: k) }
        }
        let direct = ldc == n && !accumulate
        let product = direct ? unsafe c : UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer {
            unsafe gatheredA?.deallocate()
            if !direct { unsafe product.deallocate() }
        }
        let left = unsafe gatheredA.map { unsafe UnsafePointer($0) } ?? a
        unsafe vDSP_mmul(left, 1, b, 1, product, 1, vDSP_Length(m), vDSP_Length(n), vDSP_Length(k))
        guard !direct else { return }
        for i in 0..<m {
            let row = unsafe c + i * ldc
            if accumulate {
                unsafe vDSP_vadd(row, 1, product + i * n, 1, row, 1, vDSP_Length(n))
            } else {
                unsafe row.update(from: product + i * n, count: n)
            }
        }
    }
}
#endif
