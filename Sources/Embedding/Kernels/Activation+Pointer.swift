// SPDX-License-Identifier: Apache-2.0

package import _RAGNumerics

extension Activation {
    /// Applies the activation to `count` values at `x`, each getting the same bits whichever values share its lanes.
    ///
    /// Above the baseline `level` the dispatched C kernel runs (the same polynomials, fused multiply-adds);
    /// ``VectorMath`` is the portable path and its oracle.
    /// - Precondition: `count >= 0` and `x` holds `count` values.
    package func apply(_ x: UnsafeMutablePointer<Float>, count: Int, level: InstructionLevel = .current) {
        precondition(count >= 0, "activation: negative count")
        let buffer = unsafe UnsafeMutableBufferPointer(start: x, count: count)
        switch self {
        case .gelu:
            if unsafe Kernels._geluWide(buffer, level: level) { return }
            unsafe VectorMath.transform(x, count: count, VectorMath.gelu)
        case .quickGELU:
            if unsafe Kernels._quickGELUWide(buffer, level: level) { return }
            unsafe VectorMath.transform(x, count: count, VectorMath.quickGELU)
        }
    }

    /// ``apply(_:count:level:)`` on every element of an array.
    func applyToArray(_ x: inout [Float], level: InstructionLevel) {
        let count = x.count
        unsafe x.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            unsafe apply(base, count: count, level: level)
        }
    }
}
