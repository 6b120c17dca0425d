// SPDX-License-Identifier: Apache-2.0

#if arch(x86_64)
import _RAGKernelsC
package import _RAGNumerics
#endif

/// How the decoded components map to output colours, decided from the APP0/APP14 markers and component ids the
/// way libjpeg decides it.
enum JPEGColorTransform: Sendable, Equatable {
    /// One component: luminance.
    case gray
    /// Three components: JFIF YCbCr (full-range BT.601).
    case yCbCr
    /// Three components stored as R, G, B (Adobe transform 0, or component ids "R", "G", "B").
    case rgb
    /// Four components stored as C, M, Y, K; `inverted` when written by Adobe software (255 = no ink).
    case cmyk(inverted: Bool)
    /// Four components: YCbCr-coded C, M, Y plus inverted K (Adobe transform 2).
    case ycck
}

/// Upsamples chroma and converts the component planes of a decoded frame to gray or RGB pixels.
///
/// Chroma subsampled 2:1 horizontally, vertically or both is interpolated with the triangular ("fancy") filter
/// of libjpeg: each output sample weighs the nearest input sample 3/4 and the next nearest 1/4, with that
/// library's rounding biases, so the output matches libjpeg-turbo's default. As libjpeg-turbo does, components
/// subsampled 2:1 horizontally are smoothed only when they are more than 2 samples wide and replicated otherwise;
/// other ratios replicate samples.
/// YCbCr → RGB uses libjpeg's 16-bit fixed-point tables. CMYK and YCCK become RGB by Pillow's naive formula
/// (no colour management): `R = (255 − K) − round(C·(255 − K) / 255)` with `C`, `K` as ink amounts.
package enum JPEGColorConverter {
    /// Per input value 0...255: the Cr → R, Cb → B, Cr → G and Cb → G terms (the G terms scaled by 2^16).
    private static let tables: [Int32] = {
        func fix(_ x: Double) -> Int { Int(x * 65536 + 0.5) }
        var table = [Int32](repeating: 0, count: 4 * 256)
        for i in 0..<256 {
            let x = i - 128
            table[i] = Int32((fix(1.40200) * x + 32768) >> 16)
            table[256 + i] = Int32((fix(1.77200) * x + 32768) >> 16)
            table[512 + i] = Int32(-fix(0.71414) * x)
            table[768 + i] = Int32(-fix(0.34414) * x + 32768)
        }
        return table
    }()

    /// A pixel buffer of `count` bytes that is not zero-filled, for a streamed frame whose rows are all converted
    /// into it before it is read (the last band after the scan, whatever its data held); the zero-fill pass cost
    /// about 4 % of a large decode.
    static func pixelBuffer(count: Int) -> [UInt8] {
        unsafe [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Builds the output image from the frame's planes.
    static func image(frame: JPEGFrame, planes: [UInt8], transform: JPEGColorTransform) -> Image {
        let count = frame.width * frame.height * channels(transform)
        let pixels = unsafe [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            unsafe planes.withUnsafeBufferPointer { planeBuffer in
                unsafe convert(
                    rows: 0..<frame.height,
                    frame: frame,
                    planes: planeBuffer.baseAddress!,
                    transform: transform,
                    output: output.baseAddress!
                )
            }
            initialized = count
        }
        return image(frame: frame, pixels: pixels, transform: transform)
    }

    /// Wraps converted pixels in an ``Image``.
    static func image(frame: JPEGFrame, pixels: [UInt8], transform: JPEGColorTransform) -> Image {
        Image(
            width: frame.width,
            height: frame.height,
            format: transform == .gray ? .gray : .rgb,
            samples: .uint8(pixels)
        )
    }

    /// Output samples per pixel: 1 for gray, 3 otherwise.
    static func channels(_ transform: JPEGColorTransform) -> Int {
        transform == .gray ? 1 : 3
    }

    /// Converts output rows `rows` from the planes into `output` (the whole image's pixel buffer).
    static func convert(
        rows: Range<Int>,
        frame: JPEGFrame,
        planes: UnsafePointer<UInt8>,
        transform: JPEGColorTransform,
        output: UnsafeMutablePointer<UInt8>
    ) {
        let width = frame.width
        let channels = channels(transform)
        let componentCount = frame.components.count
        unsafe tables.withUnsafeBufferPointer { tableBuffer in
            // One upsampled row per component, with room for the 2x filters' overhang.
            let rowCapacity = width + 16
            unsafe withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rowCapacity * 4) { rowBuffer in
                unsafe withUnsafeTemporaryAllocation(of: Int32.self, capacity: rowCapacity) { sums in
                    var sources: [UnsafePointer<UInt8>] = unsafe []
                    unsafe sources.reserveCapacity(componentCount)
                    for y in rows {
                        unsafe sources.removeAll(keepingCapacity: true)
                        for (index, component) in frame.components.enumerated() {
                            let source = unsafe upsampledRow(
                                planes + component.planeOffset,
                                component: component,
                                frame: frame,
                                y: y,
                                into: rowBuffer.baseAddress! + index * rowCapacity,
                                sums: sums.baseAddress!
                            )
                            unsafe sources.append(source)
                        }
                        let out = unsafe output + y * width * channels
                        unsafe convertRow(sources, into: out, width: width, transform, tableBuffer.baseAddress!)
                    }
                }
            }
        }
    }

    /// Returns the component's samples for output row `y`, at full resolution: the plane row itself when the
    /// component is not subsampled, otherwise `row` filled by upsampling.
    private static func upsampledRow(
        _ plane: UnsafePointer<UInt8>,
        component: JPEGComponent,
        frame: JPEGFrame,
        y: Int,
        into row: UnsafeMutablePointer<UInt8>,
        sums: UnsafeMutablePointer<Int32>,
        level: InstructionLevel = .current
    ) -> UnsafePointer<UInt8> {
        let ratioX = frame.hMax / component.h
        let ratioY = frame.vMax / component.v
        let w = component.width
        let lastRow = component.height - 1
        let outputWidth = frame.width
        if ratioX == 1, ratioY == 1 {
            return unsafe plane + component.rowOffset(y)
        }
        // libjpeg-turbo smooths 2:1 horizontal ratios only for components more than 2 samples wide; narrower ones
        // (and then both directions, for 2×2) are replicated, as below.
        if ratioX == 2, ratioY == 2, w > 2 {
            // Vertical 3:1 blend into column sums (×4), then horizontal 3:1 blend of the sums (÷16).
            let cy = y >> 1
            let nearY = y & 1 == 0 ? max(cy - 1, 0) : min(cy + 1, lastRow)
            let current = unsafe plane + component.rowOffset(cy)
            let near = unsafe plane + component.rowOffset(nearY)
            unsafe upsampleH2V2(current, near, width: w, into: row, sums: sums, level: level)
            return unsafe UnsafePointer(row)
        }
        if ratioX == 2, ratioY == 1, w > 2 {
            let current = unsafe plane + component.rowOffset(y)
            unsafe row[0] = current[0]
            unsafe row[1] = UInt8(truncatingIfNeeded: (3 &* Int32(current[0]) &+ Int32(current[1]) &+ 2) >> 2)
            var x = 1
            while x < w - 1 {
                let this = unsafe 3 &* Int32(current[x])
                unsafe row[2 * x] = UInt8(truncatingIfNeeded: (this &+ Int32(current[x - 1]) &+ 1) >> 2)
                unsafe row[2 * x + 1] = UInt8(truncatingIfNeeded: (this &+ Int32(current[x + 1]) &+ 2) >> 2)
                x += 1
            }
            unsafe row[2 * x] = UInt8(truncatingIfNeeded: (3 &* Int32(current[x]) &+ Int32(current[x - 1]) &+ 1) >> 2)
            unsafe row[2 * x + 1] = current[x]
            return unsafe UnsafePointer(row)
        }
        if ratioX == 1, ratioY == 2 {
            let cy = y >> 1
            let upper = y & 1 == 0
            let nearY = upper ? max(cy - 1, 0) : min(cy + 1, lastRow)
            let bias: Int32 = upper ? 1 : 2
            let current = unsafe plane + component.rowOffset(cy)
            let near = unsafe plane + component.rowOffset(nearY)
            for x in 0..<outputWidth {
                unsafe row[x] = UInt8(truncatingIfNeeded: (3 &* Int32(current[x]) &+ Int32(near[x]) &+ bias) >> 2)
            }
            return unsafe UnsafePointer(row)
        }
        // Any other integral ratio: replicate.
        let source = unsafe plane + component.rowOffset(min(y / ratioY, lastRow))
        for x in 0..<outputWidth {
            unsafe row[x] = source[min(x / ratioX, w - 1)]
        }
        return unsafe UnsafePointer(row)
    }

    /// libjpeg's fancy 2×2 upsampling of one output row from the component rows `current` and `near` (`width`
    /// samples each, `width` > 2) into `row` (2 · `width` samples); `sums` holds `width` scratch values.
    @inline(__always)
    private static func upsampleH2V2(
        _ current: UnsafePointer<UInt8>,
        _ near: UnsafePointer<UInt8>,
        width w: Int,
        into row: UnsafeMutablePointer<UInt8>,
        sums: UnsafeMutablePointer<Int32>,
        level: InstructionLevel
    ) {
        #if arch(x86_64)
        if level >= .avx2 {
            unsafe rag_avx2_upsample_h2v2_row(current, near, w, row)
            return
        }
        #endif
        for x in 0..<w {
            unsafe sums[x] = 3 &* Int32(current[x]) &+ Int32(near[x])
        }
        unsafe row[0] = UInt8(truncatingIfNeeded: (4 &* sums[0] &+ 8) >> 4)
        unsafe row[1] = UInt8(truncatingIfNeeded: (3 &* sums[0] &+ sums[1] &+ 7) >> 4)
        var x = 1
        while x < w - 1 {
            let this = unsafe 3 &* sums[x]
            unsafe row[2 * x] = UInt8(truncatingIfNeeded: (this &+ sums[x - 1] &+ 8) >> 4)
            unsafe row[2 * x + 1] = UInt8(truncatingIfNeeded: (this &+ sums[x + 1] &+ 7) >> 4)
            x += 1
        }
        unsafe row[2 * x] = UInt8(truncatingIfNeeded: (3 &* sums[x] &+ sums[x - 1] &+ 8) >> 4)
        unsafe row[2 * x + 1] = UInt8(truncatingIfNeeded: (4 &* sums[x] &+ 7) >> 4)
    }

    /// One row of fancy 2×2 upsampling at `level` (for the tests that compare the Swift loop with the AVX2 kernel).
    package static func upsampledH2V2Row(current: [UInt8], near: [UInt8], level: InstructionLevel) -> [UInt8] {
        let width = current.count
        precondition(width > 2 && near.count == width, "rows must be equal and longer than 2 samples")
        var row = [UInt8](repeating: 0, count: 2 * width)
        var sums = [Int32](repeating: 0, count: width)
        unsafe current.withUnsafeBufferPointer { c in
            unsafe near.withUnsafeBufferPointer { n in
                unsafe row.withUnsafeMutableBufferPointer { r in
                    unsafe sums.withUnsafeMutableBufferPointer { s in
                        unsafe upsampleH2V2(
                            c.baseAddress!,
                            n.baseAddress!,
                            width: width,
                            into: r.baseAddress!,
                            sums: s.baseAddress!,
                            level: level
                        )
                    }
                }
            }
        }
        return row
    }

    private static func convertRow(
        _ sources: [UnsafePointer<UInt8>],
        into out: UnsafeMutablePointer<UInt8>,
        width: Int,
        _ transform: JPEGColorTransform,
        _ tables: UnsafePointer<Int32>,
        level: InstructionLevel = .current
    ) {
        switch transform {
        case .gray:
            unsafe out.update(from: sources[0], count: width)
        case .rgb:
            let r = unsafe sources[0]
            let g = unsafe sources[1]
            let b = unsafe sources[2]
            for x in 0..<width {
                unsafe out[3 * x] = r[x]
                unsafe out[3 * x + 1] = g[x]
                unsafe out[3 * x + 2] = b[x]
            }
        case .yCbCr:
            let luma = unsafe sources[0]
            let blue = unsafe sources[1]
            let red = unsafe sources[2]
            #if arch(x86_64)
            if level >= .avx2 {
                // Each source holds `width` samples and `out` 3 · `width` bytes (the callers' row buffers).
                unsafe rag_avx2_ycc_to_rgb_row(luma, blue, red, width, out)
                return
            }
            #endif
            var x = 0
            while x + 8 <= width {
                unsafe yccToRGB8(luma + x, blue + x, red + x, into: out + 3 * x)
                x += 8
            }
            while x < width {
                let (r, g, b) = unsafe yccToRGB(luma[x], blue[x], red[x], tables)
                unsafe out[3 * x] = r
                unsafe out[3 * x + 1] = g
                unsafe out[3 * x + 2] = b
                x += 1
            }
        case .cmyk(let inverted):
            let c = unsafe sources[0]
            let m = unsafe sources[1]
            let yellow = unsafe sources[2]
            let k = unsafe sources[3]
            for x in 0..<width {
                // As stored by Adobe, 255 means no ink; otherwise 0 does.
                let paper = unsafe inverted ? Int32(k[x]) : 255 - Int32(k[x])
                let cyan = unsafe inverted ? 255 - Int32(c[x]) : Int32(c[x])
                let magenta = unsafe inverted ? 255 - Int32(m[x]) : Int32(m[x])
                let yel = unsafe inverted ? 255 - Int32(yellow[x]) : Int32(yellow[x])
                unsafe out[3 * x] = inkToRGB(cyan, paper)
                unsafe out[3 * x + 1] = inkToRGB(magenta, paper)
                unsafe out[3 * x + 2] = inkToRGB(yel, paper)
            }
        case .ycck:
            let luma = unsafe sources[0]
            let blue = unsafe sources[1]
            let red = unsafe sources[2]
            let k = unsafe sources[3]
            for x in 0..<width {
                // libjpeg turns YCC into 255 − (R, G, B) and Pillow inverts Adobe samples again, so the ink
                // amounts are R, G, B themselves; K is stored inverted (255 = no ink).
                let (c, m, yellow) = unsafe yccToRGB(luma[x], blue[x], red[x], tables)
                let paper = unsafe Int32(k[x])
                unsafe out[3 * x] = inkToRGB(Int32(c), paper)
                unsafe out[3 * x + 1] = inkToRGB(Int32(m), paper)
                unsafe out[3 * x + 2] = inkToRGB(Int32(yellow), paper)
            }
        }
    }

    /// One row of YCbCr → RGB at `level` (for the tests that compare the Swift loop with the AVX2 kernel).
    package static func yCbCrToRGBRow(
        luma: [UInt8],
        blue: [UInt8],
        red: [UInt8],
        level: InstructionLevel
    ) -> [UInt8] {
        let width = luma.count
        precondition(blue.count == width && red.count == width, "the three rows differ in length")
        var out = [UInt8](repeating: 0, count: 3 * width)
        guard width > 0 else { return out }
        unsafe luma.withUnsafeBufferPointer { y in
            unsafe blue.withUnsafeBufferPointer { cb in
                unsafe red.withUnsafeBufferPointer { cr in
                    unsafe tables.withUnsafeBufferPointer { table in
                        unsafe out.withUnsafeMutableBufferPointer { target in
                            unsafe convertRow(
                                [y.baseAddress!, cb.baseAddress!, cr.baseAddress!],
                                into: target.baseAddress!,
                                width: width,
                                .yCbCr,
                                table.baseAddress!,
                                level: level
                            )
                        }
                    }
                }
            }
        }
        return out
    }

    /// Eight pixels of ``yccToRGB(_:_:_:_:)`` at once, computing the same fixed-point products as its tables.
    @inline(__always)
    private static func yccToRGB8(
        _ luma: UnsafePointer<UInt8>,
        _ blue: UnsafePointer<UInt8>,
        _ red: UnsafePointer<UInt8>,
        into out: UnsafeMutablePointer<UInt8>
    ) {
        let y = unsafe widen(luma)
        let cb = unsafe widen(blue) &- 128
        let cr = unsafe widen(red) &- 128
        let half = SIMD8<Int32>(repeating: 32768)
        // The same products as the tables, with each constant split into a multiple of 2^16 (a shift) and a
        // part below 2^15, so every multiplication has 16-bit operands (cheap without SSE4.1's pmulld):
        // 91881 = 2^16 + 26345, 116130 = 2^17 − 14942, 46802 = 2^16 − 18734, 22554.
        var r = y &+ (((cr &<< 16) &+ cr &* 26_345 &+ half) &>> 16)
        var g = y &+ ((half &- cb &* 22_554 &- (cr &<< 16) &+ cr &* 18_734) &>> 16)
        var b = y &+ (((cb &<< 17) &- cb &* 14_942 &+ half) &>> 16)
        r = JPEGIDCT.clampToByte(r)
        g = JPEGIDCT.clampToByte(g)
        b = JPEGIDCT.clampToByte(b)
        for lane in 0..<8 {
            unsafe out[3 * lane] = UInt8(truncatingIfNeeded: r[lane])
            unsafe out[3 * lane + 1] = UInt8(truncatingIfNeeded: g[lane])
            unsafe out[3 * lane + 2] = UInt8(truncatingIfNeeded: b[lane])
        }
    }

    /// Eight bytes as eight `Int32` lanes (the generic widening conversion is not inlined).
    @inline(__always)
    private static func widen(_ p: UnsafePointer<UInt8>) -> SIMD8<Int32> {
        unsafe SIMD8<Int32>(
            Int32(p[0]),
            Int32(p[1]),
            Int32(p[2]),
            Int32(p[3]),
            Int32(p[4]),
            Int32(p[5]),
            Int32(p[6]),
            Int32(p[7])
        )
    }

    @inline(__always)
    private static func yccToRGB(
        _ y: UInt8,
        _ cb: UInt8,
        _ cr: UInt8,
        _ tables: UnsafePointer<Int32>
    ) -> (UInt8, UInt8, UInt8) {
        let luma = Int32(y)
        let r = unsafe luma &+ tables[Int(cr)]
        let b = unsafe luma &+ tables[256 + Int(cb)]
        let g = unsafe luma &+ ((tables[512 + Int(cr)] &+ tables[768 + Int(cb)]) >> 16)
        return (clamp(r), clamp(g), clamp(b))
    }

    /// Pillow's naive CMYK → RGB for one channel: `paper − round(ink · paper / 255)`, where `paper = 255 − K`.
    @inline(__always)
    private static func inkToRGB(_ ink: Int32, _ paper: Int32) -> UInt8 {
        let t = ink &* paper &+ 128
        return clamp(paper &- ((t &+ (t >> 8)) >> 8))
    }

    @inline(__always)
    private static func clamp(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: value < 0 ? 0 : (value > 255 ? 255 : value))
    }
}
