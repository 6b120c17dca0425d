// SPDX-License-Identifier: Apache-2.0

extension Image {
    /// This image turned upright according to an EXIF/TIFF orientation value, as `ImageOps.exif_transpose` in
    /// Pillow does.
    ///
    /// | value | stored image is | transform applied |
    /// |---|---|---|
    /// | 1 | upright | none |
    /// | 2 | mirrored | flip left–right |
    /// | 3 | upside down | rotate 180° |
    /// | 4 | mirrored upside down | flip top–bottom |
    /// | 5 | transposed | transpose (swap x and y) |
    /// | 6 | rotated 90° anticlockwise | rotate 90° clockwise |
    /// | 7 | transversed | transverse |
    /// | 8 | rotated 90° clockwise | rotate 90° anticlockwise |
    ///
    /// Values 5 to 8 swap width and height.
    /// - Parameter orientation: The EXIF Orientation tag value; anything outside 1...8 leaves the image unchanged.
    /// - Returns: The upright image.
    public func applyingEXIFOrientation(_ orientation: Int) -> Image {
        guard (2...8).contains(orientation) else { return self }
        switch samples {
        case .uint8(let values):
            let (w, h, out) = Self.reorient(
                values,
                width: width,
                height: height,
                channels: format.channelCount,
                orientation
            )
            return Image(width: w, height: h, format: format, samples: .uint8(out))
        case .uint16(let values):
            let (w, h, out) = Self.reorient(
                values,
                width: width,
                height: height,
                channels: format.channelCount,
                orientation
            )
            return Image(width: w, height: h, format: format, samples: .uint16(out))
        }
    }

    private static func reorient<T: FixedWidthInteger>(
        _ values: [T],
        width: Int,
        height: Int,
        channels: Int,
        _ orientation: Int
    ) -> (Int, Int, [T]) {
        let swaps = orientation >= 5
        let outWidth = swaps ? height : width
        let outHeight = swaps ? width : height
        var out = [T](repeating: 0, count: values.count)
        var destination = 0
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                let (sx, sy): (Int, Int)
                switch orientation {
                case 2: (sx, sy) = (width - 1 - x, y)
                case 3: (sx, sy) = (width - 1 - x, height - 1 - y)
                case 4: (sx, sy) = (x, height - 1 - y)
                case 5: (sx, sy) = (y, x)
                case 6: (sx, sy) = (y, height - 1 - x)
                case 7: (sx, sy) = (width - 1 - y, height - 1 - x)
                default: (sx, sy) = (width - 1 - y, x)
                }
                let source = (sy * width + sx) * channels
                for c in 0..<channels {
                    out[destination + c] = values[source + c]
                }
                destination += channels
            }
        }
        return (outWidth, outHeight, out)
    }
}
