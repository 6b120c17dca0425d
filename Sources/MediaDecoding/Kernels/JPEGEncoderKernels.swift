// SPDX-License-Identifier: Apache-2.0

package import _RAGNumerics

#if arch(x86_64)
import _RAGKernelsC
#endif

/// The hot loops of ``JPEGEncoder`` (the only place the encoder touches raw pointers): colour conversion, the
/// padded and level-shifted component planes, the forward DCT with quantisation, and the Huffman bit writer.
///
/// Every result is bit-identical to the straightforward loops these replaced: the DCT sums its products in the
/// same order (``JPEGForwardDCT/transform(_:quant:into:)`` stays as the scalar reference the tests compare with),
/// so files do not change.
package enum JPEGEncoderKernels {
    /// Full-range BT.601 (JFIF) Y, Cb and Cr planes from interleaved 8-bit samples with `channels` per pixel.
    ///
    /// At `.avx2` with three channels the C kernel runs the same arithmetic (identical bytes).
    package static func ycbcrPlanes(
        _ samples: [UInt8],
        channels: Int,
        count: Int,
        level: InstructionLevel = .current
    ) -> (y: [UInt8], cb: [UInt8], cr: [UInt8]) {
        precondition(samples.count >= count * channels && channels >= 3, "too few samples for the pixel count")
        #if arch(x86_64)
        if level >= .avx2 && channels == 3 && count > 0 {
            // The kernel writes all `count` samples of each plane, so the planes start uninitialised.
            var cb: [UInt8] = []
            var cr: [UInt8] = []
            let y = unsafe [UInt8](unsafeUninitializedCapacity: count) { py, yCount in
                cb = unsafe [UInt8](unsafeUninitializedCapacity: count) { pcb, cbCount in
                    cr = unsafe [UInt8](unsafeUninitializedCapacity: count) { pcr, crCount in
                        unsafe samples.withUnsafeBufferPointer { source in
                            unsafe rag_avx2_rgb_to_ycc_planes(
                                source.baseAddress!,
                                count,
                                py.baseAddress!,
                                pcb.baseAddress!,
                                pcr.baseAddress!
                            )
                        }
                        crCount = count
                    }
                    cbCount = count
                }
                yCount = count
            }
            return (y, cb, cr)
        }
        #endif
        var y = [UInt8](repeating: 0, count: count)
        var cb = [UInt8](repeating: 0, count: count)
        var cr = [UInt8](repeating: 0, count: count)
        unsafe samples.withUnsafeBufferPointer { source in
            unsafe y.withUnsafeMutableBufferPointer { py in
                unsafe cb.withUnsafeMutableBufferPointer { pcb in
                    unsafe cr.withUnsafeMutableBufferPointer { pcr in
                        var offset = 0
                        for i in 0..<count {
                            let r = Int(unsafe source[offset])
                            let g = Int(unsafe source[offset &+ 1])
                            let b = Int(unsafe source[offset &+ 2])
                            offset &+= channels
                            unsafe py[i] = UInt8(
                                truncatingIfNeeded: (19_595 &* r &+ 38_470 &* g &+ 7_471 &* b &+ 32_768) >> 16
                            )
                            unsafe pcb[i] = UInt8(
                                clamping: (-11_059 &* r &- 21_709 &* g &+ 32_768 &* b &+ (128 << 16) &+ 32_767) >> 16
                            )
                            unsafe pcr[i] = UInt8(
                                clamping: (32_768 &* r &- 27_439 &* g &- 5_329 &* b &+ (128 << 16) &+ 32_767) >> 16
                            )
                        }
                    }
                }
            }
        }
        return (y, cb, cr)
    }

    /// The component plane padded to `paddedWidth × paddedHeight` by edge replication, optionally averaged over
    /// 2×2 (`subsample` 2, rounded as `(sum + 2) / 4`), and level-shifted to −128...127.
    static func levelShiftedPlane(
        _ plane: [UInt8],
        width: Int,
        height: Int,
        subsample: Int,
        paddedWidth: Int,
        paddedHeight: Int
    ) -> [Float] {
        precondition(plane.count >= width * height && (subsample == 1 || subsample == 2), "invalid plane")
        var out = [Float](repeating: 0, count: paddedWidth * paddedHeight)
        unsafe plane.withUnsafeBufferPointer { source in
            unsafe out.withUnsafeMutableBufferPointer { target in
                for row in 0..<paddedHeight {
                    let base = row &* paddedWidth
                    if subsample == 1 {
                        let sourceRow = min(row, height &- 1) &* width
                        for column in 0..<paddedWidth {
                            let value = unsafe source[sourceRow &+ min(column, width &- 1)]
                            unsafe target[base &+ column] = Float(Int(value) &- 128)
                        }
                    } else {
                        let row0 = min(row &* 2, height &- 1) &* width
                        let row1 = min(row &* 2 &+ 1, height &- 1) &* width
                        for column in 0..<paddedWidth {
                            let x0 = min(column &* 2, width &- 1)
                            let x1 = min(column &* 2 &+ 1, width &- 1)
                            let sum =
                                Int(unsafe source[row0 &+ x0]) &+ Int(unsafe source[row0 &+ x1])
                                &+ Int(unsafe source[row1 &+ x0]) &+ Int(unsafe source[row1 &+ x1])
                            unsafe target[base &+ column] = Float(((sum &+ 2) >> 2) &- 128)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Transforms every 8×8 block of a padded, level-shifted plane and quantises it: 64 coefficients per block in
    /// zig-zag order (the order the scan codes them), blocks row-major.
    ///
    /// At `.avx2` the C kernel runs, with the same operations in the same order (identical coefficients); the
    /// Swift loop below is its oracle.
    package static func quantizedBlocks(
        _ plane: [Float],
        width: Int,
        height: Int,
        quant: [Float],
        level: InstructionLevel = .current
    ) -> [Int32] {
        precondition(width % 8 == 0 && height % 8 == 0 && plane.count == width * height && quant.count == 64)
        let basis = JPEGForwardDCT.basis
        #if arch(x86_64)
        if level >= .avx2 {
            return forwardDCTAVX2(plane, width: width, height: height, quant: quant, basis: basis)
        }
        #endif
        let c = (0..<8).map { x in SIMD8<Float>((0..<8).map { u in basis[u * 8 + x] }) }
        let (c0, c1, c2, c3, c4, c5, c6, c7) = (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7])
        let q = (0..<8).map { v in SIMD8<Float>(quant[(v * 8)..<(v * 8 + 8)]) }
        var position = [Int](repeating: 0, count: 64)
        for (k, natural) in JPEGZigZag.natural.enumerated() { position[natural] = k }
        var blocks = [Int32](repeating: 0, count: width * height)
        unsafe position.withUnsafeBufferPointer { zigzag in
            unsafe plane.withUnsafeBufferPointer { source in
                unsafe basis.withUnsafeBufferPointer { b in
                    unsafe blocks.withUnsafeMutableBufferPointer { out in
                        var rows = (
                            SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(),
                            SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>()
                        )
                        var block = 0
                        for blockY in stride(from: 0, to: height, by: 8) {
                            for blockX in stride(from: 0, to: width, by: 8) {
                                // Rows: rows[y][u] = Σx basis[u][x] · s[y][x], lanes over u, x in order.
                                unsafe withUnsafeMutableBytes(of: &rows) { rowBytes in
                                    for y in 0..<8 {
                                        let s = unsafe source.baseAddress! + ((blockY &+ y) &* width &+ blockX)
                                        var sum = SIMD8<Float>.zero
                                        sum += unsafe c0 * s[0]
                                        sum += unsafe c1 * s[1]
                                        sum += unsafe c2 * s[2]
                                        sum += unsafe c3 * s[3]
                                        sum += unsafe c4 * s[4]
                                        sum += unsafe c5 * s[5]
                                        sum += unsafe c6 * s[6]
                                        sum += unsafe c7 * s[7]
                                        unsafe rowBytes.storeBytes(
                                            of: sum,
                                            toByteOffset: y &* 32,
                                            as: SIMD8<Float>.self
                                        )
                                    }
                                }
                                // Columns: F[v][u] = Σy basis[v][y] · rows[y][u], y in order; then quantise.
                                let target = unsafe out.baseAddress! + (block &* 64)
                                for v in 0..<8 {
                                    let w = unsafe b.baseAddress! + (v &* 8)
                                    var sum = SIMD8<Float>.zero
                                    sum += unsafe rows.0 * w[0]
                                    sum += unsafe rows.1 * w[1]
                                    sum += unsafe rows.2 * w[2]
                                    sum += unsafe rows.3 * w[3]
                                    sum += unsafe rows.4 * w[4]
                                    sum += unsafe rows.5 * w[5]
                                    sum += unsafe rows.6 * w[6]
                                    sum += unsafe rows.7 * w[7]
                                    let scaled = sum / q[v]
                                    let row = unsafe zigzag.baseAddress! + (v &* 8)
                                    for u in 0..<8 {
                                        // Half away from zero, exactly: `value ± 0.5` is exact in Double.
                                        let value = Double(scaled[u])
                                        unsafe target[row[u]] = Int32(value >= 0 ? value + 0.5 : value - 0.5)
                                    }
                                }
                                block &+= 1
                            }
                        }
                    }
                }
            }
        }
        return blocks
    }
}

extension JPEGEncoderKernels {
    /// Walks the blocks of a baseline scan in order (T.81 Annex F.1.2) and either Huffman-codes them or counts
    /// their symbols.
    ///
    /// - Parameters:
    ///   - components: One or three components with their quantised blocks.
    ///   - mcusWide: MCUs per row.
    ///   - codes: Per (table slot · 2 + kind) · 256 + symbol: `code << 8 | length` (ignored when counting).
    ///   - frequencies: When not `nil`, symbol counts are added here (same indexing, 257 per table) and no bits
    ///     are written.
    /// - Returns: The entropy-coded bytes with `FF 00` stuffing, padded with 1-bits (empty when counting).
    static func scan(
        _ components: [JPEGEncodedComponent],
        mcusWide: Int,
        codes: [UInt32],
        frequencies: inout [Int]?
    ) -> [UInt8] {
        precondition(components.count == 1 || components.count == 3, "a scan has one or three components")
        let first = components[0]
        let mcusHigh = first.blocks.count / 64 / first.blocksWide(mcusWide: mcusWide) / first.sampling
        let empty: [Int32] = []
        let second = components.count > 1 ? components[1].blocks : empty
        let third = components.count > 2 ? components[2].blocks : empty
        let counting = frequencies != nil
        var counts = frequencies ?? []
        var writer = JPEGBitWriter(capacity: counting ? 0 : first.blocks.count / 2)
        unsafe first.blocks.withUnsafeBufferPointer { p0 in
            unsafe second.withUnsafeBufferPointer { p1 in
                unsafe third.withUnsafeBufferPointer { p2 in
                    unsafe codes.withUnsafeBufferPointer { table in
                        let bases = unsafe [p0.baseAddress, p1.baseAddress, p2.baseAddress]
                        var predictors: [Int32] = [0, 0, 0]
                        for mcuY in 0..<mcusHigh {
                            for mcuX in 0..<mcusWide {
                                for (index, component) in components.enumerated() {
                                    let wide = component.blocksWide(mcusWide: mcusWide)
                                    let sampling = component.sampling
                                    let slot = component.table &* 512
                                    for y in 0..<sampling {
                                        for x in 0..<sampling {
                                            let block =
                                                (mcuY &* sampling &+ y) &* wide &+ mcuX &* sampling &+ x
                                            let coefficients = unsafe bases[index]! + (block &* 64)
                                            let dc = unsafe coefficients[0]
                                            let difference = dc &- predictors[index]
                                            predictors[index] = dc
                                            if counting {
                                                unsafe Self.count(coefficients, slot, difference, &counts)
                                            } else {
                                                unsafe Self.code(coefficients, table, slot, difference, &writer)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if counting {
            frequencies = counts
            return []
        }
        return writer.finish()
    }

    /// Magnitude category: the number of bits of |value|.
    @inline(__always)
    private static func category(_ value: Int32) -> Int {
        let magnitude = UInt32(bitPattern: value < 0 ? 0 &- value : value)
        return 32 &- magnitude.leadingZeroBitCount
    }

    /// A bit per non-zero AC coefficient (bit k for zig-zag position k).
    @inline(__always)
    private static func nonZeroMask(_ block: UnsafePointer<Int32>) -> UInt64 {
        var mask: UInt64 = 0
        for k in 1..<64 where unsafe block[k] != 0 { mask |= 1 << UInt64(k) }
        return mask
    }

    @inline(__always)
    private static func code(
        _ block: UnsafePointer<Int32>,
        _ table: UnsafeBufferPointer<UInt32>,
        _ slot: Int,
        _ difference: Int32,
        _ writer: inout JPEGBitWriter
    ) {
        let size = category(difference)
        writer.put(unsafe table[slot &+ size], value: difference, size: size)
        var mask = unsafe nonZeroMask(block)
        var last = 0
        while mask != 0 {
            let k = mask.trailingZeroBitCount
            mask &= mask &- 1
            var run = k &- last &- 1
            while run >= 16 {
                writer.put(unsafe table[slot &+ 256 &+ 0xF0], value: 0, size: 0)
                run &-= 16
            }
            let value = unsafe block[k]
            let size = category(value)
            writer.put(unsafe table[slot &+ 256 &+ (run << 4 | size)], value: value, size: size)
            last = k
        }
        if last != 63 { writer.put(unsafe table[slot &+ 256], value: 0, size: 0) }
    }

    @inline(__always)
    private static func count(
        _ block: UnsafePointer<Int32>,
        _ slot: Int,
        _ difference: Int32,
        _ counts: inout [Int]
    ) {
        // `slot` is table · 512; frequencies have 257 entries per (table, kind).
        let dcBase = slot / 512 * 2 * 257
        let acBase = dcBase + 257
        counts[dcBase + category(difference)] += 1
        var mask = unsafe nonZeroMask(block)
        var last = 0
        while mask != 0 {
            let k = mask.trailingZeroBitCount
            mask &= mask &- 1
            var run = k &- last &- 1
            while run >= 16 {
                counts[acBase + 0xF0] += 1
                run &-= 16
            }
            counts[acBase + (run << 4 | category(unsafe block[k]))] += 1
            last = k
        }
        if last != 63 { counts[acBase] += 1 }
    }
}

/// Packs Huffman codes and magnitude bits into bytes, most significant bit first, stuffing `00` after `FF`.
struct JPEGBitWriter {
    private var output: [UInt8] = []
    private var accumulator: UInt64 = 0
    private var count = 0

    init(capacity: Int) { output.reserveCapacity(capacity) }

    /// Writes `entry`'s code (`code << 8 | length`) followed by the low `size` bits of `value` (negative values
    /// as value − 1, one's complement).
    @inline(__always)
    mutating func put(_ entry: UInt32, value: Int32, size: Int) {
        let magnitude = UInt64(UInt32(bitPattern: value < 0 ? value &- 1 : value)) & ((1 << UInt64(size)) &- 1)
        let length = Int(entry & 0xFF) &+ size
        accumulator = accumulator << UInt64(length) | UInt64(entry >> 8) << UInt64(size) | magnitude
        count &+= length
        if count >= 32 { flush() }
    }

    @inline(__always)
    private mutating func flush() {
        while count >= 8 {
            let byte = UInt8(truncatingIfNeeded: accumulator >> UInt64(count &- 8))
            output.append(byte)
            if byte == 0xFF { output.append(0) }
            count &-= 8
        }
    }

    /// Flushes the remaining bits, padded with 1-bits to a whole byte.
    mutating func finish() -> [UInt8] {
        flush()
        if count > 0 {
            let pad = 8 &- count
            accumulator = accumulator << UInt64(pad) | ((1 << UInt64(pad)) &- 1)
            count &+= pad
            flush()
        }
        return output
    }
}

#if arch(x86_64)
extension JPEGEncoderKernels {
    /// Where coefficient `i` (natural order) of a block goes in zig-zag order: a permutation of 0..<64, since
    /// `JPEGZigZag.natural` is one.
    private static let zigzagPosition: [Int] = {
        var position = [Int](repeating: 0, count: 64)
        for (k, natural) in JPEGZigZag.natural.enumerated() { position[natural] = k }
        return position
    }()

    /// `quantizedBlocks` on the AVX2 kernel; the caller has checked the sizes.
    private static func forwardDCTAVX2(
        _ plane: [Float],
        width: Int,
        height: Int,
        quant: [Float],
        basis: [Float]
    ) -> [Int32] {
        let position = zigzagPosition
        precondition(basis.count == 64 && position.count == 64)
        let total = width * height
        guard total > 0 else { return [] }
        // `position` is a permutation of 0..<64, so the kernel writes every coefficient of every block.
        return unsafe [Int32](unsafeUninitializedCapacity: total) { out, initialized in
            unsafe plane.withUnsafeBufferPointer { source in
                unsafe basis.withUnsafeBufferPointer { b in
                    unsafe quant.withUnsafeBufferPointer { q in
                        unsafe position.withUnsafeBufferPointer { p in
                            unsafe rag_avx2_jpeg_forward_dct(
                                source.baseAddress!,
                                width,
                                height,
                                b.baseAddress!,
                                q.baseAddress!,
                                p.baseAddress!,
                                out.baseAddress!
                            )
                        }
                    }
                }
            }
            initialized = total
        }
    }
}
#endif
