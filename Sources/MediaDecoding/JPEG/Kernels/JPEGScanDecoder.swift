// SPDX-License-Identifier: Apache-2.0

/// Decodes the entropy-coded data of one scan (ITU T.81 Annex F and G, Huffman coding).
///
/// Sequential scans go straight from Huffman codes through dequantisation and the inverse DCT into the
/// component sample planes; progressive scans add their bits to the coefficient buffer, which
/// ``JPEGScanDecoder/transformCoefficients(frame:coefficients:quantization:planes:)`` turns into samples after
/// the last scan. Every loop is bounded by the block count of the scan.
///
/// Damaged data is handled as libjpeg-turbo handles it (its `jdhuff.c`, `jdphuff.c` and `jdmarker.c`): when the
/// data of a restart interval runs out, the unit being decoded is finished with zero bits and the interval's
/// remaining units are skipped (zero coefficients); a bit pattern that is no Huffman code is read as symbol 0;
/// a missing or out-of-order restart marker is resynchronised by libjpeg's rules. Each is reported to
/// ``damage``, which throws instead when damaged data is refused.
///
/// Holds raw pointers: it is created inside the decoder's `withUnsafe…` closures and never escapes them.
@safe struct JPEGScanDecoder {
    /// Per scan component: where its tables, samples and coefficients are.
    @safe struct Target {
        var componentIndex: Int
        var h: Int
        var v: Int
        var dcTable: UnsafePointer<Int32>
        var acTable: UnsafePointer<Int32>
        var quant: UnsafePointer<Int32>
        var plane: UnsafeMutablePointer<UInt8>
        var planeStride: Int
        /// Rows in the plane's ring of bands, or 0 when the plane holds the whole component.
        var ringRows: Int
        var coefficients: UnsafeMutablePointer<Int16>
        var blocksPerRow: Int
        var blocksWide: Int
        var blocksHigh: Int
    }

    /// MCUs across and down an interleaved scan.
    private let mcusWide: Int
    private let mcusHigh: Int

    enum Mode {
        case sequential, dcFirst, dcRefine, acFirst, acRefine
    }

    var reader: JPEGBitReader
    let targets: [Target]
    let mode: Mode
    private let spectralStart: Int
    private let spectralEnd: Int
    private let low: Int
    private let restartInterval: Int
    /// 64 scratch coefficients followed by the 64-entry zig-zag → natural order map.
    private let scratch: UnsafeMutablePointer<Int32>
    var predictors: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
    /// For ring-buffered planes: (current unit row mod 3) − current unit row, in bands.
    var ringOffset = 0
    var endOfBandRun = 0
    /// libjpeg's `insufficient_data`: the current restart interval's data has run out, so its remaining units
    /// are skipped.
    var insufficientData = false
    /// Zero runs that went past the end of a block (the value then lands in the last coefficient).
    var coefficientOverruns = 0
    /// Refinement symbols whose size is not 1.
    var badRefinementSizes = 0
    /// The damage found so far.
    var damage: JPEGDamageLog
    /// Whether the inverse DCT runs the AVX2 kernel.
    private let avx2 = JPEGDecoderKernels.usesAVX2Now
    /// The last unit row started before the data ran out, or −1 before the first unit.
    private var lastGoodUnitRow = -1

    init(
        reader: JPEGBitReader,
        targets: [Target],
        scan: JPEGScan,
        frame: JPEGFrame,
        restartInterval: Int,
        scratch: UnsafeMutablePointer<Int32>,
        damage: JPEGDamageLog
    ) {
        self.damage = damage
        let progressive = frame.isProgressive
        mcusWide = frame.mcusWide
        mcusHigh = frame.mcusHigh
        self.reader = reader
        self.targets = targets
        if !progressive {
            mode = .sequential
        } else if scan.spectralStart == 0 {
            mode = scan.approximationHigh == 0 ? .dcFirst : .dcRefine
        } else {
            mode = scan.approximationHigh == 0 ? .acFirst : .acRefine
        }
        spectralStart = scan.spectralStart
        spectralEnd = scan.spectralEnd
        low = scan.approximationLow
        self.restartInterval = restartInterval
        unsafe self.scratch = scratch
        // The block starts zeroed, and the inverse DCT leaves it so after each block with AC coefficients.
        unsafe scratch.update(repeating: 0, count: 64)
        for k in 0..<64 {
            unsafe scratch[64 + k] = Int32(JPEGZigZag.natural[k])
        }
    }

    /// Decodes every MCU of the scan.
    /// - Parameter afterRow: Called with `n + 1` after MCU row (or block row, in a one-component scan) `n`.
    /// - Returns: The offset of the first byte not yet read (where the search for the next marker starts), and
    ///   the whole bytes of data the reader loaded but the scan did not use.
    /// - Throws: ``MediaDecodingError`` for data that cannot be decoded (or damaged data, when it is refused), or
    ///   whatever `afterRow` throws.
    mutating func run(
        afterRow: (Int) throws(MediaDecodingError) -> Void
    ) throws(MediaDecodingError) -> (position: Int, unusedBytes: Int) {
        let single = targets.count == 1
        let unitsWide = single ? targets[0].blocksWide : mcusWide
        let unitsHigh = single ? targets[0].blocksHigh : mcusHigh
        var untilRestart = restartInterval
        var nextRestart = 0
        for unitY in 0..<unitsHigh {
            ringOffset = unitY % 3 - unitY
            for unitX in 0..<unitsWide {
                if restartInterval > 0 {
                    if untilRestart == 0 {
                        try processRestart(nextRestart)
                        nextRestart = (nextRestart + 1) & 7
                        untilRestart = restartInterval
                    }
                    untilRestart -= 1
                }
                if _slowPath(insufficientData) {
                    skipUnit(single, unitX, unitY)
                    continue
                }
                lastGoodUnitRow = unitY
                if single {
                    try decodeBlock(0, unitX, unitY)
                } else {
                    for t in 0..<targets.count {
                        let target = targets[t]
                        for y in 0..<target.v {
                            for x in 0..<target.h {
                                try decodeBlock(t, unitX * target.h + x, unitY * target.v + y)
                            }
                        }
                    }
                }
                if _slowPath(reader.consumedPastData) {
                    // libjpeg finishes this unit with zero bits (as the reader did) and skips the rest.
                    insufficientData = true
                    let atEnd = unsafe reader.position >= reader.bytes.count
                    try damage.report(
                        MediaDecodingWarning(
                            .prematureEndOfScan,
                            "entropy-coded data ends at \(atEnd ? "the end of the file" : "a marker") before the "
                                + "scan's blocks; the rest of the interval is filled",
                            offset: reader.position
                        ),
                        as: atEnd ? .truncated : .corrupt
                    )
                }
            }
            try afterRow(unitY + 1)
        }
        if max(0, reader.invalidCodes) + badRefinementSizes > 0 {
            try damage.report(
                MediaDecodingWarning(
                    .invalidHuffmanData,
                    "\(max(0, reader.invalidCodes)) invalid Huffman code(s) in a scan were read as symbol 0, and "
                        + "\(badRefinementSizes) refinement symbol(s) of a size other than 1 as size 1",
                    offset: nil
                ),
                as: .corrupt
            )
        }
        if coefficientOverruns > 0 {
            try damage.report(
                MediaDecodingWarning(
                    .coefficientOverrun,
                    "\(coefficientOverruns) zero run(s) in a scan went past the end of a block",
                    offset: nil
                ),
                as: .corrupt
            )
        }
        return (reader.position, reader.unusedBytes)
    }

    /// libjpeg's `last_good_iMCU_row` after this scan, given its value before: the MCU row of the last unit
    /// started while the data lasted (a one-component scan's block rows count `v` to an MCU row).
    func lastGoodRow(after previous: Int) -> Int {
        guard lastGoodUnitRow >= 0 else { return previous }
        return targets.count == 1 ? lastGoodUnitRow / targets[0].v : lastGoodUnitRow
    }

    @inline(__always)
    private mutating func decodeBlock(_ t: Int, _ blockX: Int, _ blockY: Int) throws(MediaDecodingError) {
        let target = targets[t]
        switch mode {
        case .sequential:
            // In a ring of three bands, unit row n's band starts at row (n mod 3) × band height.
            let row = target.ringRows > 0 ? ringOffset &* (target.ringRows / 3) &+ blockY &* 8 : blockY &* 8
            let output = unsafe target.plane + row * target.planeStride + blockX * 8
            unsafe try decodeSequential(target, t, output)
        case .dcFirst:
            let block = unsafe target.coefficients + (blockY * target.blocksPerRow + blockX) * 64
            let size = try unsafe reader.decode(target.dcTable)
            guard size <= 16 else { throw .corrupt("JPEG DC difference category \(size) is over 16") }
            let value = addPredictor(t, reader.receiveExtend(size))
            unsafe block[0] = Int16(truncatingIfNeeded: value &<< Int32(low))
        case .dcRefine:
            let block = unsafe target.coefficients + (blockY * target.blocksPerRow + blockX) * 64
            if reader.bit() != 0 {
                unsafe block[0] |= Int16(truncatingIfNeeded: 1 &<< low)
            }
        case .acFirst:
            let block = unsafe target.coefficients + (blockY * target.blocksPerRow + blockX) * 64
            unsafe try decodeACFirst(target, block)
        case .acRefine:
            let block = unsafe target.coefficients + (blockY * target.blocksPerRow + blockX) * 64
            unsafe try decodeACRefine(target, block)
        }
    }

    @inline(__always)
    private mutating func addPredictor(_ t: Int, _ difference: Int32) -> Int32 {
        switch t {
        case 0:
            predictors.0 &+= difference
            return predictors.0
        case 1:
            predictors.1 &+= difference
            return predictors.1
        case 2:
            predictors.2 &+= difference
            return predictors.2
        default:
            predictors.3 &+= difference
            return predictors.3
        }
    }

    /// Baseline / extended sequential block: DC difference, AC run-lengths, dequantise, inverse DCT.
    @inline(__always)
    private mutating func decodeSequential(
        _ target: Target,
        _ t: Int,
        _ output: UnsafeMutablePointer<UInt8>
    ) throws(MediaDecodingError) {
        let block = unsafe scratch
        let zigzag = unsafe scratch + 64
        let fastAC = unsafe target.acTable + JPEGHuffmanDecodingTables.fastBase
        // Work on a local copy of the bit reader so its state stays in registers.
        var bits = reader
        defer { reader = bits }
        let difference: Int32
        if bits.count < 16 { bits.refill() }
        let fastDC = unsafe (target.dcTable + JPEGHuffmanDecodingTables.fastBase)[
            Int(bits.buffer >> UInt64(64 - JPEGHuffmanDecodingTables.lookaheadBits))
        ]
        if fastDC != 0 {
            bits.consume(Int(fastDC & 0xFF))
            difference = fastDC >> 16
        } else {
            let size = try unsafe bits.decode(target.dcTable)
            guard size <= 16 else { throw .corrupt("JPEG DC difference category \(size) is over 16") }
            difference = bits.receiveExtend(size)
        }
        let dc = addPredictor(t, difference)
        var k = 1
        var sawAC = false
        while k < 64 {
            if bits.count < 16 { bits.refill() }
            let fast = unsafe fastAC[Int(bits.buffer >> UInt64(64 - JPEGHuffmanDecodingTables.lookaheadBits))]
            if fast != 0 {
                // Run, size and value from one look-up.
                bits.consume(Int(fast & 0xFF))
                k += Int((fast >> 8) & 0xFF)
                if _slowPath(k > 63) {
                    try noteOverrun()
                    k = 63
                }
                sawAC = true
                let z = Int(unsafe zigzag[k])
                unsafe block[z] = (fast >> 16) &* target.quant[z]
                k &+= 1
                continue
            }
            let symbol = try unsafe bits.decode(target.acTable)
            let run = symbol >> 4
            let magnitude = symbol & 15
            if magnitude == 0 {
                if run != 15 { break }
                k += 16
                continue
            }
            k += run
            if _slowPath(k > 63) {
                try noteOverrun()
                k = 63
            }
            sawAC = true
            let z = Int(unsafe zigzag[k])
            unsafe block[z] = unsafe bits.receiveExtend(magnitude) &* target.quant[z]
            k += 1
        }
        if sawAC {
            unsafe block[0] = dc &* target.quant[0]
            unsafe JPEGDecoderKernels.inverseDCT(block, into: output, stride: target.planeStride, avx2: avx2)
        } else {
            unsafe JPEGIDCT.transformDCOnly(dc &* target.quant[0], into: output, stride: target.planeStride)
        }
    }

    /// Progressive AC first pass (G.1.2.2): one band of one component, with end-of-band runs.
    @inline(__always)
    private mutating func decodeACFirst(
        _ target: Target,
        _ block: UnsafeMutablePointer<Int16>
    ) throws(MediaDecodingError) {
        if endOfBandRun > 0 {
            endOfBandRun -= 1
            return
        }
        let zigzag = unsafe scratch + 64
        var k = spectralStart
        while k <= spectralEnd {
            let symbol = try unsafe reader.decode(target.acTable)
            let run = symbol >> 4
            let bits = symbol & 15
            if bits != 0 {
                k += run
                if _slowPath(k > 63) {
                    try noteOverrun()
                    k = 63
                }
                let value = reader.receiveExtend(bits) &<< Int32(low)
                unsafe block[Int(zigzag[k])] = Int16(truncatingIfNeeded: value)
                k += 1
            } else if run == 15 {
                k += 16
            } else {
                endOfBandRun = (1 << run) - 1
                if run > 0 { endOfBandRun += Int(reader.bits(run)) }
                break
            }
        }
    }

    /// Progressive AC refinement (G.1.2.3): one more bit for every non-zero coefficient of the band, and new
    /// coefficients of magnitude 1.
    @inline(__always)
    private mutating func decodeACRefine(
        _ target: Target,
        _ block: UnsafeMutablePointer<Int16>
    ) throws(MediaDecodingError) {
        let zigzag = unsafe scratch + 64
        let plus = Int16(truncatingIfNeeded: 1 &<< low)
        let minus = Int16(truncatingIfNeeded: -1 &<< low)
        var k = spectralStart
        if endOfBandRun == 0 {
            while k <= spectralEnd {
                let symbol = try unsafe reader.decode(target.acTable)
                var run = symbol >> 4
                let bits = symbol & 15
                var newValue: Int16 = 0
                if bits != 0 {
                    // A new coefficient is always of size 1; libjpeg warns of any other size and reads it so.
                    if bits != 1 { try noteBadRefinementSize() }
                    newValue = reader.bit() != 0 ? plus : minus
                } else if run != 15 {
                    endOfBandRun = 1 << run
                    if run > 0 { endOfBandRun += Int(reader.bits(run)) }
                    break
                }
                // Skip `run` zero coefficients, refining the non-zero ones passed on the way.
                while k <= spectralEnd {
                    let z = Int(unsafe zigzag[k])
                    let current = unsafe block[z]
                    if current != 0 {
                        if reader.bit() != 0, current & plus == 0 {
                            unsafe block[z] = current &+ (current >= 0 ? plus : minus)
                        }
                    } else {
                        if run == 0 {
                            if newValue != 0 { unsafe block[z] = newValue }
                            break
                        }
                        run -= 1
                    }
                    k += 1
                }
                if k > spectralEnd, newValue != 0 {
                    // Damaged data: the run passed the band's end. libjpeg stores the value just past it.
                    unsafe block[Int(zigzag[min(k, 63)])] = newValue
                }
                k += 1
            }
        }
        if endOfBandRun > 0 {
            while k <= spectralEnd {
                let z = Int(unsafe zigzag[k])
                let current = unsafe block[z]
                if current != 0, reader.bit() != 0, current & plus == 0 {
                    unsafe block[z] = current &+ (current >= 0 ? plus : minus)
                }
                k += 1
            }
            endOfBandRun -= 1
        }
    }

    /// After a progressive frame's last scan: dequantises every block and runs the inverse DCT into the planes.
    static func transformCoefficients(
        frame: JPEGFrame,
        coefficients: UnsafeMutablePointer<Int16>,
        quantization: UnsafePointer<Int32>,
        planes: UnsafeMutablePointer<UInt8>,
        scratch: UnsafeMutablePointer<Int32>
    ) {
        let avx2 = JPEGDecoderKernels.usesAVX2Now
        for component in frame.components {
            let quant = unsafe quantization + component.quantSlot * 64
            for blockY in 0..<component.blocksHigh {
                for blockX in 0..<component.blocksWide {
                    let index = blockY * component.paddedBlocksWide + blockX
                    let source = unsafe coefficients + component.coefficientOffset + index * 64
                    let output =
                        unsafe planes + component.planeOffset + blockY * 8 * component.planeStride + blockX * 8
                    var any: Int16 = 0
                    for k in 1..<64 {
                        let value = unsafe source[k]
                        any |= value
                        unsafe scratch[k] = Int32(value) &* quant[k]
                    }
                    let dc = unsafe Int32(source[0]) &* quant[0]
                    if any == 0 {
                        unsafe JPEGIDCT.transformDCOnly(dc, into: output, stride: component.planeStride)
                    } else {
                        unsafe scratch[0] = dc
                        unsafe JPEGDecoderKernels.inverseDCT(
                            scratch,
                            into: output,
                            stride: component.planeStride,
                            avx2: avx2
                        )
                    }
                }
            }
        }
    }
}
