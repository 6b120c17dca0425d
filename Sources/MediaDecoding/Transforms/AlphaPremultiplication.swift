// SPDX-License-Identifier: Apache-2.0

/// Pillow's conversions between straight and premultiplied 8-bit alpha (`RGBA` ↔ `RGBa`, `LA` ↔ `La`),
/// used around resampling so transparent pixels do not bleed colour.
enum AlphaPremultiplication {
    /// `c × a / 255`, rounded as Pillow's `MULDIV255` does; alpha is the last channel and is kept.
    static func premultiply(_ values: [UInt8], channels: Int) -> [UInt8] {
        var out = values
        var i = 0
        while i < out.count {
            let alpha = UInt32(out[i + channels - 1])
            if alpha != 255 {
                for c in 0..<(channels - 1) {
                    let t = UInt32(out[i + c]) * alpha + 128
                    out[i + c] = UInt8(truncatingIfNeeded: ((t >> 8) + t) >> 8)
                }
            }
            i += channels
        }
        return out
    }

    /// `min(255 × c / a, 255)` with integer division; alpha 0 and 255 leave the colour unchanged.
    static func unpremultiply(_ values: inout [UInt8], channels: Int) {
        var i = 0
        while i < values.count {
            let alpha = UInt32(values[i + channels - 1])
            if alpha != 0 && alpha != 255 {
                for c in 0..<(channels - 1) {
                    values[i + c] = UInt8(min(255 * UInt32(values[i + c]) / alpha, 255))
                }
            }
            i += channels
        }
    }
}
