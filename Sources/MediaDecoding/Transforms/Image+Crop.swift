// SPDX-License-Identifier: Apache-2.0

extension Image {
    /// The `width × height` rectangle whose top-left corner is at (`x`, `y`).
    /// - Parameters:
    ///   - x: The left column of the rectangle.
    ///   - y: The top row of the rectangle.
    ///   - width: The rectangle's width.
    ///   - height: The rectangle's height.
    /// - Returns: The pixels inside the rectangle, in the same format.
    /// - Precondition: The rectangle lies inside the image and its size is not negative.
    public func cropped(x: Int, y: Int, width: Int, height: Int) -> Image {
        precondition(x >= 0 && y >= 0 && width >= 0 && height >= 0, "crop rectangle must not be negative")
        precondition(x + width <= self.width && y + height <= self.height, "crop rectangle exceeds the image")
        if x == 0 && y == 0 && width == self.width && height == self.height { return self }
        let channels = format.channelCount
        switch samples {
        case .uint8(let values):
            return Image(
                width: width,
                height: height,
                format: format,
                samples: .uint8(
                    Self.copyRect(values, self.width, channels, x, y, width, height)
                )
            )
        case .uint16(let values):
            return Image(
                width: width,
                height: height,
                format: format,
                samples: .uint16(
                    Self.copyRect(values, self.width, channels, x, y, width, height)
                )
            )
        }
    }

    /// The centred `width × height` rectangle, with the left/top offset rounded down:
    /// `left = (self.width − width) / 2`, `top = (self.height − height) / 2` (as transformers and torchvision
    /// crop after resizing).
    /// - Parameters:
    ///   - width: The rectangle's width, at most the image's width.
    ///   - height: The rectangle's height, at most the image's height.
    /// - Returns: The centre of the image.
    /// - Precondition: The rectangle fits inside the image.
    public func centerCropped(width: Int, height: Int) -> Image {
        precondition(width <= self.width && height <= self.height, "center crop is larger than the image")
        return cropped(x: (self.width - width) / 2, y: (self.height - height) / 2, width: width, height: height)
    }

    private static func copyRect<T>(
        _ values: [T],
        _ imageWidth: Int,
        _ channels: Int,
        _ x: Int,
        _ y: Int,
        _ width: Int,
        _ height: Int
    ) -> [T] {
        var out = [T]()
        out.reserveCapacity(width * height * channels)
        for row in y..<(y + height) {
            let start = (row * imageWidth + x) * channels
            out.append(contentsOf: values[start..<(start + width * channels)])
        }
        return out
    }
}
