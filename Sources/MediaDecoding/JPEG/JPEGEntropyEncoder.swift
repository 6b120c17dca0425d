// SPDX-License-Identifier: Apache-2.0

/// One component of an image being encoded: its quantised blocks in the order the scan writes them.
struct JPEGEncodedComponent {
    var id: UInt8
    /// Horizontal and vertical sampling factor (the same both ways here: 1, or 2 for 4:2:0 luma).
    var sampling: Int
    /// Quantisation and Huffman table slot.
    var table: Int
    /// Quantised coefficients, 64 per block in zig-zag order, blocks row-major over the padded component.
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
        let shifted = JPEGEncoderKernels.levelShiftedPlane(
            plane,
            width: width,
            height: height,
            subsample: subsample,
            paddedWidth: paddedWidth,
            paddedHeight: paddedHeight
        )
        return JPEGEncoderKernels.quantizedBlocks(
            shifted,
            width: paddedWidth,
            height: paddedHeight,
            quant: quant.map { Float($0) }
        )
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

    /// Huffman tables built from this image's symbol statistics (Annex K.2's idea, with our own length-limited
    /// builder): one DC/AC pair per table slot.
    mutating func optimizedTables(tableCount: Int) -> [(dc: JPEGHuffmanTable, ac: JPEGHuffmanTable)] {
        var frequencies: [Int]? = [Int](repeating: 0, count: 2 * tableCount * 257)
        _ = JPEGEncoderKernels.scan(components, mcusWide: mcusWide, codes: [], frequencies: &frequencies)
        let counts = frequencies ?? []
        return (0..<tableCount).map { slot in
            (
                Self.table(Array(counts[(slot * 2 * 257)..<(slot * 2 * 257 + 257)])),
                Self.table(Array(counts[((slot * 2 + 1) * 257)..<((slot * 2 + 1) * 257 + 257)]))
            )
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
        var counting: [Int]? = nil
        return JPEGEncoderKernels.scan(components, mcusWide: mcusWide, codes: flat, frequencies: &counting)
    }
}
