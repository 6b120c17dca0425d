// SPDX-License-Identifier: Apache-2.0

/// Fixed-point filter taps for one axis of a resize, computed the way Pillow's `Resample.c` does.
///
/// Only the outputs in `window` are planned (a crop of the full resize, computed exactly as the full resize
/// would); entry `i` of the table is output `window.lowerBound + i`.
///
/// Output index `i` reads input samples `first[i] ..< first[i] + count[i]` with the integer weights
/// `weights[i * stride ..< i * stride + count[i]]`, which are the normalised float weights scaled by 2^22 and
/// rounded half away from zero.
struct ResampleCoefficients {
    /// Fractional bits of the weights.
    static let precisionBits = 22

    private(set) var first: [Int]
    let count: [Int]
    let stride: Int
    let weights: [Int32]

    init(inputSize: Int, outputSize: Int, filter: ResizeFilter, window: Range<Int>? = nil) {
        precondition(inputSize > 0 && outputSize > 0, "resize sizes must be positive")
        let window = window ?? 0..<outputSize
        precondition(window.lowerBound >= 0 && window.upperBound <= outputSize, "resize window outside the output")
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let inverse = 1 / filterScale
        let stride = Int((support * 2).rounded(.up)) + 1
        var first = [Int](repeating: 0, count: window.count)
        var count = [Int](repeating: 0, count: window.count)
        var weights = [Int32](repeating: 0, count: window.count * stride)
        var floats = [Double](repeating: 0, count: stride)
        let one = Double(1 << Self.precisionBits)
        for (slot, i) in window.enumerated() {
            let center = (Double(i) + 0.5) * scale
            let low = max(Int(center - support + 0.5), 0)
            let high = min(Int(center + support + 0.5), inputSize)
            let n = min(max(high - low, 0), stride)
            var total = 0.0
            for k in 0..<n {
                let w = filter.weight((Double(k + low) - center + 0.5) * inverse)
                floats[k] = w
                total += w
            }
            for k in 0..<n {
                let w = total != 0 ? floats[k] / total : floats[k]
                let scaled = w < 0 ? w * one - 0.5 : w * one + 0.5
                weights[slot * stride + k] = Int32(scaled.rounded(.towardZero))
            }
            first[slot] = low
            count[slot] = n
        }
        self.first = first
        self.count = count
        self.stride = stride
        self.weights = weights
    }

    /// The input samples any output reads: from the lowest first tap to the highest last tap.
    var inputSpan: Range<Int> {
        var low = Int.max
        var high = 0
        for i in first.indices where count[i] > 0 {
            low = min(low, first[i])
            high = max(high, first[i] + count[i])
        }
        return low <= high ? low..<high : 0..<0
    }

    /// The same taps for an input that starts `offset` samples later.
    func shifted(by offset: Int) -> ResampleCoefficients {
        var copy = self
        copy.first = first.map { $0 - offset }
        return copy
    }
}
