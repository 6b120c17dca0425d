// SPDX-License-Identifier: Apache-2.0

#if arch(x86_64)
import _RAGKernelsC
#endif

/// The entry points into the transformer's element-wise and row kernels of `_RAGKernelsC`
/// (`ActivationTemplate.h`): exact-erf GELU, quick GELU, softmax rows and layer-norm rows.
///
/// Each returns false, touching nothing, at the baseline level and on other architectures: the caller then runs
/// its portable Swift loop (Embedding's `VectorMath`, `Softmax` and `LayerNorm`, the oracles these kernels are
/// tested against, with the same polynomials). Every extent is checked here, before the C call, against the
/// buffers passed in; the kernels read and write nothing outside them.
extension Kernels {
    /// Replaces every value of `x` with its exact-erf GELU, `0.5 x (1 + erf(x / √2))`.
    package static func _geluWide(_ x: UnsafeMutableBufferPointer<Float>, level: InstructionLevel = .current) -> Bool {
        #if arch(x86_64)
        guard level != .baseline else { return false }
        guard let base = x.baseAddress else { return true }
        if level == .avx512 { unsafe rag_avx512_gelu(base, x.count) } else { unsafe rag_avx2_gelu(base, x.count) }
        return true
        #else
        return false
        #endif
    }

    /// Replaces every value of `x` with `x · σ(1.702 x)`.
    package static func _quickGELUWide(
        _ x: UnsafeMutableBufferPointer<Float>,
        level: InstructionLevel = .current
    ) -> Bool {
        #if arch(x86_64)
        guard level != .baseline else { return false }
        guard let base = x.baseAddress else { return true }
        if level == .avx512 {
            unsafe rag_avx512_quick_gelu(base, x.count)
        } else {
            unsafe rag_avx2_quick_gelu(base, x.count)
        }
        return true
        #else
        return false
        #endif
    }

    /// Replaces each of `rows` rows of `width` values of `x` (rows `stride` apart) with its softmax; `-infinity`
    /// entries get 0 and a row of only `-infinity` becomes zeros.
    /// - Precondition: `rows, width >= 0`, `stride >= width`, and `x` holds `(rows − 1)·stride + width` values.
    package static func _softmaxRowsWide(
        _ x: UnsafeMutableBufferPointer<Float>,
        rows: Int,
        width: Int,
        stride: Int,
        level: InstructionLevel = .current
    ) -> Bool {
        precondition(rows >= 0 && width >= 0 && stride >= width, "softmax: negative size or stride below width")
        precondition(rows == 0 || x.count >= (rows - 1) * stride + width, "softmax: buffer too small")
        #if arch(x86_64)
        guard level != .baseline else { return false }
        guard rows > 0, width > 0, let base = x.baseAddress else { return true }
        if level == .avx512 {
            unsafe rag_avx512_softmax_rows(base, rows, width, stride)
        } else {
            unsafe rag_avx2_softmax_rows(base, rows, width, stride)
        }
        return true
        #else
        return false
        #endif
    }

    /// Layer-normalises `rows` rows of `gamma.count` values from `source` into `destination`:
    /// `(x − μ) · (1 / √(σ² + epsilon)) · γ + β`, the mean μ and biased variance σ² taken in Float64.
    /// - Precondition: `rows >= 0`; `beta` is as long as `gamma`; `source` and `destination` hold
    ///   `rows × gamma.count` values and are the same buffer or disjoint.
    package static func _layerNormRowsWide(
        _ source: UnsafeBufferPointer<Float>,
        into destination: UnsafeMutableBufferPointer<Float>,
        rows: Int,
        gamma: UnsafeBufferPointer<Float>,
        beta: UnsafeBufferPointer<Float>,
        epsilon: Float,
        level: InstructionLevel = .current
    ) -> Bool {
        let size = gamma.count
        precondition(rows >= 0 && beta.count == size, "layer norm: negative rows or weight and bias sizes differ")
        let (total, overflow) = rows.multipliedReportingOverflow(by: size)
        precondition(!overflow && source.count >= total && destination.count >= total, "layer norm: buffer too small")
        if total > 0, let from = source.baseAddress, let to = destination.baseAddress {
            let gap = unsafe UnsafeRawPointer(from).distance(to: UnsafeRawPointer(to))
            precondition(gap == 0 || abs(gap) >= total &* 4, "layer norm: source and destination partly overlap")
        }
        #if arch(x86_64)
        guard level != .baseline else { return false }
        guard total > 0, let from = source.baseAddress, let to = destination.baseAddress,
            let g = gamma.baseAddress, let b = beta.baseAddress
        else { return true }
        if level == .avx512 {
            unsafe rag_avx512_layer_norm_rows(from, to, rows, size, g, b, epsilon)
        } else {
            unsafe rag_avx2_layer_norm_rows(from, to, rows, size, g, b, epsilon)
        }
        return true
        #else
        return false
        #endif
    }
}
