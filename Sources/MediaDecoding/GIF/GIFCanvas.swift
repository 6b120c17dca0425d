// SPDX-License-Identifier: Apache-2.0

/// The RGBA logical screen that GIF frames are composited onto, following Pillow 13.
///
/// The rules:
/// - The canvas starts as the first frame's transparent colour (alpha 0), or palette entry 0 when opaque.
/// - The first frame replaces its rectangle, transparent pixels included (they get alpha 0); later frames
///   leave the canvas unchanged under their transparent pixels.
/// - Before a frame is drawn, the previous frame's disposal runs: 2 fills its rectangle with its transparent
///   colour at alpha 0 (or the screen's background colour, looked up in that frame's palette, when it has
///   none), 3 restores what was there before it.
/// - When the first frame has no transparency, Pillow keeps an RGB canvas, so alpha is 255 everywhere.
struct GIFCanvas {
    let width: Int
    let height: Int
    private var pixels: [UInt8]
    private let keepsAlpha: Bool
    private let backgroundIndex: Int
    private var previous: GIFFrameRecord?
    private var beforePrevious: [UInt8]?
    private var isFirst = true

    init(width: Int, height: Int, backgroundIndex: Int, firstFrame: GIFFrameRecord) {
        self.width = width
        self.height = height
        self.backgroundIndex = backgroundIndex
        keepsAlpha = firstFrame.transparentIndex != nil
        let fill = Self.color(firstFrame.palette, firstFrame.transparentIndex ?? 0)
        let alpha: UInt8 = keepsAlpha ? 0 : 255
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        for p in 0..<(width * height) {
            pixels[p * 4] = fill.0
            pixels[p * 4 + 1] = fill.1
            pixels[p * 4 + 2] = fill.2
            pixels[p * 4 + 3] = alpha
        }
        self.pixels = pixels
    }

    private static func color(_ palette: [UInt8], _ index: Int) -> (UInt8, UInt8, UInt8) {
        guard index * 3 + 2 < palette.count else { return (0, 0, 0) }
        return (palette[index * 3], palette[index * 3 + 1], palette[index * 3 + 2])
    }

    /// The visible part of a frame's rectangle, clipped to the screen.
    private func clip(_ frame: GIFFrameRecord) -> (x0: Int, y0: Int, x1: Int, y1: Int) {
        (
            min(frame.left, width), min(frame.top, height),
            min(frame.left + frame.width, width), min(frame.top + frame.height, height)
        )
    }

    /// Applies the previous frame's disposal method.
    mutating func dispose() {
        guard let frame = previous else { return }
        let (x0, y0, x1, y1) = clip(frame)
        switch frame.disposal {
        case 2:
            let index = frame.transparentIndex ?? backgroundIndex
            let fill = Self.color(frame.palette, index)
            let alpha: UInt8 = frame.transparentIndex != nil && keepsAlpha ? 0 : 255
            for y in y0..<max(y0, y1) {
                for x in x0..<max(x0, x1) {
                    let o = (y * width + x) * 4
                    pixels[o] = fill.0
                    pixels[o + 1] = fill.1
                    pixels[o + 2] = fill.2
                    pixels[o + 3] = alpha
                }
            }
        case 3:
            if let saved = beforePrevious {
                for y in y0..<max(y0, y1) {
                    let start = (y * width + x0) * 4
                    let end = (y * width + max(x0, x1)) * 4
                    pixels.replaceSubrange(start..<end, with: saved[start..<end])
                }
            }
        default:
            break
        }
    }

    /// Draws a frame over the canvas.
    mutating func draw(_ frame: GIFFrameRecord, limits: DecodingLimits) throws(MediaDecodingError) {
        beforePrevious = frame.disposal == 3 ? pixels : nil
        previous = frame
        let (indices, produced) = try frame.indices(limits: limits)
        let (x0, y0, x1, y1) = clip(frame)
        let transparent = frame.transparentIndex
        let palette = frame.palette
        for y in y0..<max(y0, y1) {
            for x in x0..<max(x0, x1) {
                let i = (y - frame.top) * frame.width + (x - frame.left)
                guard i < produced || frame.interlaced else { continue }
                let index = Int(indices[i])
                let o = (y * width + x) * 4
                if index == transparent {
                    guard isFirst else { continue }
                    pixels[o + 3] = 0
                } else {
                    pixels[o + 3] = 255
                }
                let c = Self.color(palette, index)
                pixels[o] = c.0
                pixels[o + 1] = c.1
                pixels[o + 2] = c.2
            }
        }
        isFirst = false
    }

    /// The canvas as an image, RGBA or with the alpha channel dropped.
    func snapshot(withAlpha: Bool) -> Image {
        if withAlpha {
            return Image(width: width, height: height, format: .rgba, samples: .uint8(pixels))
        }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for p in 0..<(width * height) {
            rgb[p * 3] = pixels[p * 4]
            rgb[p * 3 + 1] = pixels[p * 4 + 1]
            rgb[p * 3 + 2] = pixels[p * 4 + 2]
        }
        return Image(width: width, height: height, format: .rgb, samples: .uint8(rgb))
    }
}
