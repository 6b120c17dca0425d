// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

extension LayerNorm {
    /// Normalises `rows` rows of ``size`` values from `source` into `destination` (rows back to back in both; the
    /// two may be the same buffer): the arithmetic of ``apply(_:level:)``, row for row, so a model can hand each thread
    /// its own rows of one buffer and get the bits the array form gives at the same `level`.
    /// - Precondition: `rows >= 0`; both buffers hold `rows × size` values and are the same buffer or disjoint.
    func apply(
        rows: Int,
        from source: UnsafePointer<Float>,
        to destination: UnsafeMutablePointer<Float>,
        level: InstructionLevel = .current
    ) {
        precondition(rows >= 0, "layer norm: negative row count")
        let d = size
        let (total, overflow) = rows.multipliedReportingOverflow(by: d)
        precondition(!overflow, "layer norm: row count overflows")
        let wide = unsafe weight.withUnsafeBufferPointer { gamma in
            unsafe bias.withUnsafeBufferPointer { beta in
                unsafe Kernels._layerNormRowsWide(
                    UnsafeBufferPointer(start: source, count: total),
                    into: UnsafeMutableBufferPointer(start: destination, count: total),
                    rows: rows,
                    gamma: gamma,
                    beta: beta,
                    epsilon: epsilon,
                    level: level
                )
            }
        }
        if wide { return }
        unsafe weight.withUnsafeBufferPointer { gamma in
            unsafe bias.withUnsafeBufferPointer { beta in
                for r in 0..<rows {
                    let x = unsafe source + r &* d
                    let y = unsafe destination + r &* d
                    var sum = 0.0
                    for j in 0..<d { sum += Double(unsafe x[j]) }
                    let mean = sum / Double(d)
                    var squares = 0.0
                    for j in 0..<d {
                        let c = Double(unsafe x[j]) - mean
                        squares += c * c
                    }
                    let inverse = 1 / (squares / Double(d) + Double(epsilon)).squareRoot()
                    let m = Float(mean)
                    let s = Float(inverse)
                    for j in 0..<d { unsafe y[j] = (x[j] - m) * s * gamma[j] + beta[j] }
                }
            }
        }
    }

    /// ``apply(_:level:)`` through the dispatched kernel: false, touching nothing, at the baseline level.
    func applyWide(_ x: inout [Float], rows: Int, level: InstructionLevel) -> Bool {
        unsafe weight.withUnsafeBufferPointer { gamma in
            unsafe bias.withUnsafeBufferPointer { beta in
                unsafe x.withUnsafeMutableBufferPointer { buffer in
                    unsafe Kernels._layerNormRowsWide(
                        UnsafeBufferPointer(buffer),
                        into: buffer,
                        rows: rows,
                        gamma: gamma,
                        beta: beta,
                        epsilon: epsilon,
                        level: level
                    )
                }
            }
        }
    }
}
