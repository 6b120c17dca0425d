// SPDX-License-Identifier: Apache-2.0

extension Image {
    /// This 8-bit image as a channel-first float tensor, each sample mapped to `(v / 255 − mean[c]) / std[c]`.
    ///
    /// The arithmetic follows transformers' image processors bit for bit: `Double(v) × (1/255)` rounded to
    /// `Float`, then `(x − mean) / std` in `Float`.
    /// - Parameters:
    ///   - mean: One mean per channel (after scaling to [0, 1]).
    ///   - std: One standard deviation per channel.
    /// - Returns: A `channelCount × height × width` tensor.
    /// - Precondition: The image is 8-bit and `mean` and `std` have one entry per channel.
    public func normalizedTensor(mean: [Float], std: [Float]) -> PlanarTensor {
        let channels = format.channelCount
        precondition(mean.count == channels && std.count == channels, "mean/std need one value per channel")
        guard case .uint8(let values) = samples else { preconditionFailure("normalizedTensor needs an 8-bit image") }
        // One 256-entry table per channel: the same operations per value as the reference, done once.
        var table = [Float](repeating: 0, count: 256 * channels)
        for c in 0..<channels {
            for v in 0..<256 {
                let scaled = Float(Double(v) * (1.0 / 255.0))
                table[c * 256 + v] = (scaled - mean[c]) / std[c]
            }
        }
        let plane = width * height
        var out = ContiguousArray<Float>(repeating: 0, count: plane * channels)
        unsafe values.withUnsafeBufferPointer { source in
            unsafe table.withUnsafeBufferPointer { lookup in
                unsafe out.withUnsafeMutableBufferPointer { destination in
                    for c in 0..<channels {
                        let base = c &* plane
                        let lut = c &* 256
                        var s = c
                        for i in 0..<plane {
                            unsafe destination[base &+ i] = unsafe lookup[lut &+ Int(unsafe source[s])]
                            s &+= channels
                        }
                    }
                }
            }
        }
        return PlanarTensor(channels: channels, height: height, width: width, values: out)
    }
}
