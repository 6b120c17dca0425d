// SPDX-License-Identifier: Apache-2.0

/// One Huffman table from a DHT segment (ITU T.81 §B.2.4.2): code counts per length and the symbols in code order.
struct JPEGHuffmanTable: Sendable, Hashable {
    /// `counts[l - 1]` codes of length `l`, for `l` in 1...16.
    let counts: [UInt8]
    /// The symbols, shortest codes first.
    let symbols: [UInt8]

    /// Validates the table: at most 256 symbols and a prefix code that fits the lengths (Annex C).
    init(counts: [UInt8], symbols: [UInt8]) throws(MediaDecodingError) {
        guard counts.count == 16, symbols.count == counts.reduce(0, { $0 + Int($1) }), symbols.count <= 256 else {
            throw .corrupt("JPEG Huffman table has \(symbols.count) symbols for its code counts")
        }
        var code = 0
        for length in 1...16 {
            code += Int(counts[length - 1])
            guard code <= 1 << length else {
                throw .corrupt("JPEG Huffman table has more codes of length \(length) than fit")
            }
            code <<= 1
        }
        self.counts = counts
        self.symbols = symbols
    }

    /// The canonical code and its length for every symbol, indexed by symbol (length 0 = no code).
    func encodingCodes() -> (codes: [UInt16], lengths: [UInt8]) {
        var codes = [UInt16](repeating: 0, count: 256)
        var lengths = [UInt8](repeating: 0, count: 256)
        var code = 0
        var index = 0
        for length in 1...16 {
            for _ in 0..<Int(counts[length - 1]) {
                codes[Int(symbols[index])] = UInt16(truncatingIfNeeded: code)
                lengths[Int(symbols[index])] = UInt8(length)
                code += 1
                index += 1
            }
            code <<= 1
        }
        return (codes, lengths)
    }
}

/// The decoding form of up to four DC and four AC tables, packed into one `[Int32]` so a scan decoder
/// reaches every table through a single buffer pointer.
///
/// Per slot (`0...3` DC, `4...7` AC), ``stride`` entries:
/// - `[0, 512)`: 9-bit look-ahead: `length << 8 | symbol` for codes of at most 9 bits, 0 for longer codes;
/// - `[512, 529)`: the largest code of each length `l` (index `512 + l`), or -1;
/// - `[529, 546)`: the offset to add to a code of length `l` to index the symbols;
/// - `[546, 802)`: the symbols;
/// - `[802, 1314)`: symbol and value decoded together when the code and its magnitude bits fit in the 9-bit
///   look-ahead: `value << 16 | run << 8 | (code length + magnitude bits)`, or 0. AC tables leave out the
///   end-of-band and zero-run symbols (size 0); DC tables include category 0 (value 0, run 0).
struct JPEGHuffmanDecodingTables: Sendable {
    static let lookaheadBits = 9
    static let maxCodeBase = 512
    static let offsetBase = 529
    static let symbolBase = 546
    static let fastBase = 802
    static let stride = 1314

    private(set) var storage = [Int32](repeating: 0, count: 8 * stride)
    private(set) var defined = [Bool](repeating: false, count: 8)
    /// The largest symbol of each slot's table: a DC table used by a scan must keep its symbols (difference
    /// categories) within 0…15, as libjpeg requires (`jpeg_make_d_derived_tbl`).
    private(set) var largestSymbol = [UInt8](repeating: 0, count: 8)

    /// Installs `table` in `slot` (0...3 for DC, 4...7 for AC).
    mutating func install(_ table: JPEGHuffmanTable, slot: Int) {
        let base = slot * Self.stride
        for i in base..<(base + Self.stride) { storage[i] = 0 }
        var code = 0
        var index = 0
        for length in 1...16 {
            let count = Int(table.counts[length - 1])
            storage[base + Self.offsetBase + length] = Int32(index - code)
            storage[base + Self.maxCodeBase + length] = count > 0 ? Int32(code + count - 1) : -1
            for _ in 0..<count {
                let symbol = Int(table.symbols[index])
                storage[base + Self.symbolBase + index] = Int32(symbol)
                if length <= Self.lookaheadBits {
                    let shift = Self.lookaheadBits - length
                    for fill in (code << shift)..<((code + 1) << shift) {
                        storage[base + fill] = Int32(length << 8 | symbol)
                        let size = symbol & 15
                        let isAC = slot >= 4
                        if isAC ? size > 0 : symbol <= 15, length + size <= Self.lookaheadBits {
                            let magnitude = (fill >> (Self.lookaheadBits - length - size)) & ((1 << size) - 1)
                            let value =
                                size == 0 ? 0 : magnitude < 1 << (size - 1) ? magnitude - (1 << size) + 1 : magnitude
                            storage[base + Self.fastBase + fill] = Int32(
                                value << 16 | (symbol >> 4) << 8 | (length + size)
                            )
                        }
                    }
                }
                code += 1
                index += 1
            }
            code <<= 1
        }
        storage[base + Self.maxCodeBase] = -1
        defined[slot] = true
        largestSymbol[slot] = table.symbols.max() ?? 0
    }

    /// Installs the Annex K.3 tables in every empty slot 0, 1, 4 and 5 (Motion-JPEG frames often omit DHT).
    mutating func installStandardTablesWhereMissing() {
        let standard = [
            (0, JPEGStandardTables.dcLuminance), (1, JPEGStandardTables.dcChrominance),
            (4, JPEGStandardTables.acLuminance), (5, JPEGStandardTables.acChrominance),
        ]
        for (slot, table) in standard where !defined[slot] {
            install(table, slot: slot)
        }
    }
}
