// SPDX-License-Identifier: Apache-2.0

#if arch(x86_64)
import _RAGKernelsC

/// The entry points into the compact-row scans of `_RAGKernelsC` (`CompactRowsAVX2.c`, `CompactRowsAVX512.c`):
/// Float16 rows and 8-bit codes with a per-component affine decoding, scored against a Float32 query.
///
/// Each returns false, writing nothing, at the baseline level: the caller then runs its portable Swift loop
/// (VectorIndex's `CompactRowKernels`, the oracle these kernels are tested against). Callers have checked every length: each kernel reads `dimension` floats of every query-side
/// array and `out.count × dimension` stored elements, and writes `out.count` scores.
extension Kernels {
    /// Inner products of a query with `out.count` rows of `dimension` IEEE binary16 bit patterns.
    package static func _halfDotsWide(
        _ query: UnsafePointer<Float>,
        _ rows: UnsafePointer<UInt16>,
        _ dimension: Int,
        _ out: UnsafeMutableBufferPointer<Float>,
        level: InstructionLevel = .current
    ) -> Bool {
        guard level != .baseline else { return false }
        guard let scores = out.baseAddress else { return true }
        if level == .avx512 {
            unsafe rag_avx512_half_dots(query, rows, dimension, out.count, scores)
        } else {
            unsafe rag_avx2_half_dots(query, rows, dimension, out.count, scores)
        }
        return true
    }

    /// Squared Euclidean distances of a query to `out.count` rows of `dimension` binary16 bit patterns.
    package static func _halfSquaredL2sWide(
        _ query: UnsafePointer<Float>,
        _ rows: UnsafePointer<UInt16>,
        _ dimension: Int,
        _ out: UnsafeMutableBufferPointer<Float>,
        level: InstructionLevel = .current
    ) -> Bool {
        guard level != .baseline else { return false }
        guard let scores = out.baseAddress else { return true }
        if level == .avx512 {
            unsafe rag_avx512_half_squared_l2s(query, rows, dimension, out.count, scores)
        } else {
            unsafe rag_avx2_half_squared_l2s(query, rows, dimension, out.count, scores)
        }
        return true
    }

    /// `bias + Σ weights[j] · code[j]` for each of `out.count` rows of `dimension` bytes.
    package static func _byteAffineDotsWide(
        weights: UnsafePointer<Float>,
        bias: Float,
        _ codes: UnsafePointer<UInt8>,
        _ dimension: Int,
        _ out: UnsafeMutableBufferPointer<Float>,
        level: InstructionLevel = .current
    ) -> Bool {
        guard level != .baseline else { return false }
        guard let scores = out.baseAddress else { return true }
        if level == .avx512 {
            unsafe rag_avx512_u8_affine_dots(weights, bias, codes, dimension, out.count, scores)
        } else {
            unsafe rag_avx2_u8_affine_dots(weights, bias, codes, dimension, out.count, scores)
        }
        return true
    }

    /// `Σ (offsets[j] − scales[j] · code[j])²` for each of `out.count` rows of `dimension` bytes.
    package static func _byteAffineSquaredL2sWide(
        offsets: UnsafePointer<Float>,
        scales: UnsafePointer<Float>,
        _ codes: UnsafePointer<UInt8>,
        _ dimension: Int,
        _ out: UnsafeMutableBufferPointer<Float>,
        level: InstructionLevel = .current
    ) -> Bool {
        guard level != .baseline else { return false }
        guard let scores = out.baseAddress else { return true }
        if level == .avx512 {
            unsafe rag_avx512_u8_affine_squared_l2s(offsets, scales, codes, dimension, out.count, scores)
        } else {
            unsafe rag_avx2_u8_affine_squared_l2s(offsets, scales, codes, dimension, out.count, scores)
        }
        return true
    }
}
#endif
