// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

extension Image {
    /// This image scaled to `width × height` with Pillow's `Image.resize` algorithm.
    ///
    /// The result matches Pillow 13 bit for bit for 8-bit images: separable passes with half-pixel sample
    /// centres, the kernel stretched by the reduction factor when an axis shrinks (antialiasing), taps clipped
    /// at the edges and renormalised, weights in 22-bit fixed point, and each pass rounded and clamped to
    /// 8 bits. The vertical pass runs first only when the height loses more than twice as many rows as the
    /// width loses columns, as in Pillow. Images with alpha are resized premultiplied (Pillow's `RGBa`/`La`
    /// modes) so transparent pixels do not bleed colour. 16-bit images use the same weights with 16-bit
    /// rounding.
    ///
    /// - Parameters:
    ///   - width: The output width in pixels.
    ///   - height: The output height in pixels.
    ///   - filter: The reconstruction filter; Pillow's `BICUBIC` by default.
    /// - Returns: The resized image, in the same pixel format and bit depth.
    /// - Precondition: `width > 0`, `height > 0` and the image is not empty.
    /// - Complexity: O(width × inputHeight × taps + width × height × taps) per channel.
    public func resized(width: Int, height: Int, filter: ResizeFilter = .bicubic) -> Image {
        precondition(width > 0 && height > 0, "resize target must be positive")
        if width == self.width && height == self.height { return self }
        return resized(width: width, height: height, filter: filter, columns: 0..<width, rows: 0..<height)
    }

    /// The `columns × rows` window of the resize to `width × height`, computed without the rest of the
    /// output: equal to `resized(width:height:filter:)` followed by a crop, but its cost and memory depend
    /// only on the window (so a 1 × 100 000 banner preprocessed to a 224 × 224 crop stays cheap).
    func resized(
        width: Int,
        height: Int,
        filter: ResizeFilter,
        columns: Range<Int>,
        rows: Range<Int>,
        level: InstructionLevel = .current
    ) -> Image {
        precondition(self.width > 0 && self.height > 0, "cannot resize an empty image")
        precondition(columns.lowerBound >= 0 && columns.upperBound <= width && !columns.isEmpty, "bad column window")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= height && !rows.isEmpty, "bad row window")
        let plan = ResizePlan(
            inWidth: self.width,
            inHeight: self.height,
            outWidth: width,
            outHeight: height,
            columns: columns,
            rows: rows,
            channels: format.channelCount,
            filter: filter
        )
        switch samples {
        case .uint8(let values):
            let premultiplied = format.hasAlpha
            let input =
                premultiplied ? AlphaPremultiplication.premultiply(values, channels: format.channelCount) : values
            var out = plan.run(input, Int32.self, level: level)
            if premultiplied { AlphaPremultiplication.unpremultiply(&out, channels: format.channelCount) }
            return Image(width: columns.count, height: rows.count, format: format, samples: .uint8(out))
        case .uint16(let values):
            let out = plan.run(values, Int64.self, level: level)
            return Image(width: columns.count, height: rows.count, format: format, samples: .uint16(out))
        }
    }
}
