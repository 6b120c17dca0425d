// SPDX-License-Identifier: Apache-2.0

/// Float kernels for the audio features (the only place the audio code touches raw pointers).
package enum SignalKernels {
    /// `Σ a[i] × b[i]` with two `SIMD8<Float>` accumulators and a scalar tail.
    ///
    /// The summation order differs from ``dotReference(_:_:)``, so results may differ in the last bits.
    /// - Precondition: `a.count == b.count`.
    package static func dot(_ a: Span<Float>, _ b: Span<Float>) -> Float {
        precondition(a.count == b.count, "dot product of spans of different lengths")
        let n = a.count
        return unsafe a.withUnsafeBufferPointer { pa in
            unsafe b.withUnsafeBufferPointer { pb in
                var acc0 = SIMD8<Float>()
                var acc1 = SIMD8<Float>()
                var i = 0
                if n >= 16 {
                    let rawA = unsafe UnsafeRawPointer(pa.baseAddress!)
                    let rawB = unsafe UnsafeRawPointer(pb.baseAddress!)
                    while i &+ 16 <= n {
                        let x0 = unsafe rawA.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
                        let y0 = unsafe rawB.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
                        let x1 = unsafe rawA.loadUnaligned(fromByteOffset: (i &+ 8) &* 4, as: SIMD8<Float>.self)
                        let y1 = unsafe rawB.loadUnaligned(fromByteOffset: (i &+ 8) &* 4, as: SIMD8<Float>.self)
                        acc0 += x0 * y0
                        acc1 += x1 * y1
                        i &+= 16
                    }
                }
                var sum = (acc0 + acc1).sum()
                while i < n {
                    sum += unsafe pa[i] * pb[i]
                    i &+= 1
                }
                return sum
            }
        }
    }

    /// The scalar twin of ``dot(_:_:)``: a plain left-to-right loop.
    /// - Precondition: `a.count == b.count`.
    package static func dotReference(_ a: Span<Float>, _ b: Span<Float>) -> Float {
        precondition(a.count == b.count, "dot product of spans of different lengths")
        var sum: Float = 0
        for i in 0..<a.count { sum += a[i] * b[i] }
        return sum
    }
}
