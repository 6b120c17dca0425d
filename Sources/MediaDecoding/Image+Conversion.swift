// SPDX-License-Identifier: Apache-2.0

extension Image {
    /// This image as 8-bit RGB: gray is replicated into the three channels, alpha is dropped (not composited)
    /// and 16-bit samples keep their high byte.
    /// - Returns: An image with format ``PixelFormat/rgb`` and bit depth 8.
    public func convertedToRGB8() -> Image {
        converted(toAlpha: false)
    }

    /// This image as 8-bit RGBA: gray is replicated, a missing alpha channel becomes 255 and 16-bit samples
    /// keep their high byte.
    /// - Returns: An image with format ``PixelFormat/rgba`` and bit depth 8.
    public func convertedToRGBA8() -> Image {
        converted(toAlpha: true)
    }

    private func converted(toAlpha: Bool) -> Image {
        let target: PixelFormat = toAlpha ? .rgba : .rgb
        if format == target, case .uint8 = samples { return self }
        let eight: [UInt8]
        switch samples {
        case .uint8(let values): eight = values
        case .uint16(let values): eight = values.map { UInt8(truncatingIfNeeded: $0 >> 8) }
        }
        let channels = format.channelCount
        let outChannels = target.channelCount
        var out = [UInt8](repeating: 255, count: pixelCount * outChannels)
        var source = 0
        var destination = 0
        for _ in 0..<pixelCount {
            switch format {
            case .gray, .grayAlpha:
                let g = eight[source]
                out[destination] = g
                out[destination + 1] = g
                out[destination + 2] = g
            case .rgb, .rgba:
                out[destination] = eight[source]
                out[destination + 1] = eight[source + 1]
                out[destination + 2] = eight[source + 2]
            }
            if toAlpha, format.hasAlpha {
                out[destination + 3] = eight[source + channels - 1]
            }
            source += channels
            destination += outChannels
        }
        return Image(width: width, height: height, format: target, samples: .uint8(out))
    }
}
