// SPDX-License-Identifier: Apache-2.0

extension PolyphaseResampler {
    /// Resamples one channel.
    /// - Parameter samples: The input signal at ``inputRate``.
    /// - Returns: ``outputCount(for:)`` samples at ``outputRate``.
    public func resample(_ samples: [Float]) -> [Float] {
        if up == down { return samples }
        let count = outputCount(for: samples.count)
        let taps = filter.count
        var output = [Float](repeating: 0, count: count)
        unsafe filter.withUnsafeBufferPointer { h in
            unsafe samples.withUnsafeBufferPointer { x in
                for m in 0..<count {
                    // y[m] = Σ_i x[i] h[t − i·up] with t = m·down + delay and 0 ≤ t − i·up < taps.
                    let t = m &* down &+ delay
                    let last = min(t / up, x.count - 1)
                    let firstNumerator = t - (taps - 1)
                    var i = firstNumerator <= 0 ? 0 : (firstNumerator + up - 1) / up
                    var acc = 0.0
                    while i <= last {
                        acc += unsafe Double(x[i]) * h[t &- i &* up]
                        i &+= 1
                    }
                    output[m] = Float(acc)
                }
            }
        }
        return output
    }
}
