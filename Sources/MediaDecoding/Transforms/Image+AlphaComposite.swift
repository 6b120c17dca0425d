// SPDX-License-Identifier: Apache-2.0

extension Image {
    /// This image as opaque 8-bit RGB, with any alpha composited over a solid background colour.
    ///
    /// Uses Pillow's `Image.alpha_composite` arithmetic (7-bit fixed-point blend, rounded division by 255), so
    /// the result matches what transformers' CLIP processor feeds to its resize. Images without alpha are
    /// converted as ``convertedToRGB8()`` does (gray is replicated, 16-bit keeps the high byte).
    /// - Parameter background: The opaque colour behind the image, white by default.
    /// - Returns: An image with format ``PixelFormat/rgb`` and bit depth 8.
    public func flattened(onto background: (red: UInt8, green: UInt8, blue: UInt8) = (255, 255, 255)) -> Image {
        guard format.hasAlpha else { return convertedToRGB8() }
        guard case .uint8(let rgba) = convertedToRGBA8().samples else { preconditionFailure("RGBA8 expected") }
        let destination = [UInt32(background.red), UInt32(background.green), UInt32(background.blue)]
        var out = [UInt8](repeating: 0, count: pixelCount * 3)
        for p in 0..<pixelCount {
            let alpha = UInt32(rgba[p * 4 + 3])
            for c in 0..<3 {
                let d = destination[c]
                if alpha == 0 {
                    out[p * 3 + c] = UInt8(d)
                    continue
                }
                // Pillow, with an opaque destination: outa255 = 255 × 255, coef1 = a × 255² × 2^7 / outa255.
                let outa255: UInt32 = 255 * 255
                let coef1 = alpha * 255 * 255 * 128 / outa255
                let coef2 = 255 * 128 - coef1
                let t = UInt32(rgba[p * 4 + c]) * coef1 + d * coef2 + (0x80 << 7)
                out[p * 3 + c] = UInt8(truncatingIfNeeded: (((t >> 8) + t) >> 8) >> 7)
            }
        }
        return Image(width: width, height: height, format: .rgb, samples: .uint8(out))
    }
}
