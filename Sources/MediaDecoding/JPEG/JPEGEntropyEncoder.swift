// SPDX-License-Identifier: Apache-2.0

/// One component of an image being encoded: its quantised blocks in the order the scan writes them.
struct JPEGEncodedComponent {
    var id: UInt8
    /// Horizontal and vertical sampling factor (the same both ways here: 1, or 2 for 4:2:0 luma).
    var sampling: Int
    /// Quantisation and Huffman table slot.
    var table: Int
    /// Quantised coefficients, 64 per block in natural order, blocks row-major over the padded component.
    var blocks: [Int32]

    /// Level-shifts, optionally downsamples (2×2 average) and transforms `plane`, padding it by edge
    /// replication to whole MCUs.
    static func quantizedBlocks(
        _ plane: [UInt8],
        width: Int,
        height: Int,
        subsample: Int,
        mcuSize: Int,
        quant: [UInt16]
    ) -> [Int32] {
        let paddedWidth = (width + mcuSize - 1) / mcuSize * mcuSize / subsample
        let paddedHeight = (height + mcuSize - 1) / mcuSize * mcuSize / subsample
        let quantFloat = quant.map { Float($0) }
        var blocks = [Int32](repeating: 0, count: paddedWidth * paddedHeight)
        var samples = [Float](repeating: 0, count: 64)
        var output = [Int32](repeating: 0, count: 64)
        let blocksWide = paddedWidth / 8
        for blockY in 0..<(paddedHeight / 8) {
            for blockX in 0..<blocksWide {
                for y in 0..<8 {
                    for x in 0..<8 {
                        var sum = 0
                        for dy in 0..<subsample {
                            let sy = min((blockY * 8 + y) * subsample + dy, height - 1)
                            for dx in 0..<subsample {
                                let sx = min((blockX * 8 + x) * subsample + dx, width - 1)
                                sum += Int(plane[sy * width + sx])
                            }
                        }
                        let n = subsample * subsample
                        samples[y * 8 + x] = Float((sum + n / 2) / n) - 128
                    }
                }
                JPEGForwardDCT.transform(samples, quant: quantFloat, into: &output)
                let start = (blockY * blocksWide + blockX) * 64
                blocks.replaceSubrange(start..<(start + 64), with: output)
            }
        }
        return blocks
    }

    /// Blocks across the padded component.
    func blocksWide(mcusWide: Int) -> Int { mcusWide * sampling }
}

/// Huffman-codes the quantised blocks of a baseline scan (T.81 Annex F.1.2), with `FF` byte stuffing.
struct JPEGEntropyEncoder {
    let components: [JPEGEncodedComponent]
    let mcusWide: Int

    init(components: [JPEGEncodedComponent], mcusWide: Int) {
        self.components = components
        self.mcusWide = mcusWide
    }

    /// Visits every block in scan order: (component index, block coefficients offset).
    private func forEachBlock(_ body: (Int, Int) -> Void) {
        let mcusHigh =
            components[0].blocks.count / 64 / components[0].blocksWide(mcusWide: mcusWide)
            / components[0].sampling
        for mcuY in 0..<mcusHigh {
            for mcuX in 0..<mcusWide {
                for (index, component) in components.enumerated() {
                    let wide = component.blocksWide(mcusWide: mcusWide)
                    for y in 0..<component.sampling {
                        for x in 0..<component.sampling {
                            let block = (mcuY * component.sampling + y) * wide + mcuX * component.sampling + x
                            body(index, block * 64)
                        }
                    }
                }
            }
        }
    }

    /// Magnitude category: the number of bits of |value|.
    @inline(__always)
    private static func category(_ value: Int32) -> Int {
        let magnitude = value < 0 ? -Int(value) : Int(value)
        return Int.bitWidth - magnitude.leadingZeroBitCount
    }

    /// Calls `emit(kind, symbol, value, category)` for every symbol: kind 0 = DC, 1 = AC.
    private func symbols(_ emit: (Int, Int, Int, Int32, Int) -> Void) {
        var predictors = [Int32](repeating: 0, count: components.count)
        forEachBlock { index, offset in
            let blocks = components[index].blocks
            let table = components[index].table
            let difference = blocks[offset] - predictors[index]
            predictors[index] = blocks[offset]
            let size = Self.category(difference)
            emit(table, 0, size, difference, size)
            var run = 0
            for k in 1..<64 {
                let value = blocks[offset + JPEGZigZag.natural[k]]
                if value == 0 {
                    run += 1
                    continue
                }
                while run >= 16 {
                    emit(table, 1, 0xF0, 0, 0)
                    run -= 16
                }
                let size = Self.category(value)
                emit(table, 1, run << 4 | size, value, size)
                run = 0
            }
            if run > 0 { emit(table, 1, 0x00, 0, 0) }
        }
    }

    /// Huffman tables built from this image's symbol statistics (Annex K.2's idea, with our own length-limited
    /// builder): one DC/AC pair per table slot.
    mutating func optimizedTables(tableCount: Int) -> [(dc: JPEGHuffmanTable, ac: JPEGHuffmanTable)] {
        var frequencies = [[Int]](repeating: [Int](repeating: 0, count: 257), count: 2 * tableCount)
        symbols { table, kind, symbol, _, _ in
            frequencies[table * 2 + kind][symbol] += 1
        }
        return (0..<tableCount).map { slot in
            (Self.table(frequencies[slot * 2]), Self.table(frequencies[slot * 2 + 1]))
        }
    }

    /// A JPEG Huffman table for `frequencies` (symbols 0...255): codes up to 16 bits, never all ones.
    ///
    /// A pseudo-symbol 256 with the smallest frequency takes the longest code and is then left out, so that
    /// the all-ones code stays unused.
    private static func table(_ frequencies: [Int]) -> JPEGHuffmanTable {
        var counts = frequencies
        counts[256] = 1
        if counts.filter({ $0 > 0 }).count < 2 { counts[0] = max(counts[0], 1) }
        var lengths = HuffmanCodeBuilder.lengths(counts, maxLength: 16)
        let longest = lengths.max() ?? 0
        if lengths[256] < longest, let swapWith = lengths.lastIndex(of: longest) {
            lengths.swapAt(256, swapWith)
        }
        var bits = [UInt8](repeating: 0, count: 16)
        var symbols: [UInt8] = []
        for length in 1...16 {
            for symbol in 0..<256 where lengths[symbol] == length {
                bits[length - 1] += 1
                symbols.append(UInt8(symbol))
            }
        }
        do {
            return try JPEGHuffmanTable(counts: bits, symbols: symbols)
        } catch {
            preconditionFailure("optimised JPEG Huffman table is invalid: \(error)")
        }
    }

    /// The entropy-coded data of the scan, padded with 1-bits to a whole byte.
    func encode(_ tables: [(dc: JPEGHuffmanTable, ac: JPEGHuffmanTable)]) -> [UInt8] {
        // One flat table: entry (slot * 2 + kind) * 256 + symbol = code << 8 | length.
        var flat = [UInt32](repeating: 0, count: tables.count * 512)
        for (slot, pair) in tables.enumerated() {
            for (kind, table) in [pair.dc, pair.ac].enumerated() {
                let (codes, lengths) = table.encodingCodes()
                for symbol in 0..<256 {
                    flat[(slot * 2 + kind) * 256 + symbol] = UInt32(codes[symbol]) << 8 | UInt32(lengths[symbol])
                }
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(components.reduce(0) { $0 + $1.blocks.count } / 4)
        var accumulator: UInt64 = 0
        var count = 0
        func put(_ value: Int, _ length: Int) {
            accumulator = accumulator << UInt64(length) | UInt64(value & ((1 << length) - 1))
            count += length
            while count >= 8 {
                let byte = UInt8(truncatingIfNeeded: accumulator >> UInt64(count - 8))
                output.append(byte)
                if byte == 0xFF { output.append(0) }
                count -= 8
            }
        }
        symbols { table, kind, symbol, value, size in
            let entry = flat[(table * 2 + kind) * 256 + symbol]
            // Code and magnitude bits together (at most 16 + 11); negative values are sent as value − 1 in
            // `size` bits (one's complement).
            let magnitude = Int(value < 0 ? value - 1 : value) & ((1 << size) - 1)
            put(Int(entry >> 8) << size | magnitude, Int(entry & 0xFF) + size)
        }
        if count > 0 { put((1 << (8 - count)) - 1, 8 - count) }
        return output
    }
}
