// SPDX-License-Identifier: Apache-2.0

extension MelFilterBank {
    /// Applies the filters to one power spectrum.
    /// - Parameter power: ``frequencyBins`` values.
    /// - Returns: ``melCount`` filter energies.
    public func apply(_ power: [Double]) -> [Double] {
        precondition(power.count == frequencyBins, "power spectrum has the wrong length")
        var out = [Double](repeating: 0, count: melCount)
        unsafe weights.withUnsafeBufferPointer { w in
            unsafe power.withUnsafeBufferPointer { p in
                for m in 0..<melCount {
                    var sum = 0.0
                    let row = m &* frequencyBins
                    for k in support[m] { sum += unsafe w[row &+ k] * p[k] }
                    out[m] = sum
                }
            }
        }
        return out
    }
}
