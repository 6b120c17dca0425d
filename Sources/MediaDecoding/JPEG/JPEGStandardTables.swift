// SPDX-License-Identifier: Apache-2.0

/// The example tables of ITU T.81 Annex K: quantisation (K.1, K.2) and Huffman (K.3), used by the encoder and by
/// the decoder for streams without DHT segments.
enum JPEGStandardTables {
    /// Table K.1, luminance quantisation, in natural (row-major) order.
    static let luminanceQuantization: [UInt16] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]

    /// Table K.2, chrominance quantisation, in natural (row-major) order.
    static let chrominanceQuantization: [UInt16] = [
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    ]

    private static let dcSymbols: [UInt8] = Array(0...11)

    /// Table K.3, luminance DC differences.
    static let dcLuminance = table([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], dcSymbols)
    /// Table K.4, chrominance DC differences.
    static let dcChrominance = table([0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], dcSymbols)

    /// Table K.5, luminance AC coefficients.
    static let acLuminance = table(
        [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D],
        [
            0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
            0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0,
            0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28,
            0x29, 0x2A,
        ] + runs(0x3, 4...10) + runs(0x4, 3...10) + runs(0x5, 3...10) + runs(0x6, 3...10) + runs(0x7, 3...10)
            + runs(0x8, 3...10) + runs(0x9, 2...10) + runs(0xA, 2...10) + runs(0xB, 2...10) + runs(0xC, 2...10)
            + runs(0xD, 2...10) + runs(0xE, 1...10) + runs(0xF, 1...10)
    )

    /// Table K.6, chrominance AC coefficients.
    static let acChrominance = table(
        [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
        [
            0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
            0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0,
            0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26,
            0x27, 0x28, 0x29, 0x2A,
        ] + runs(0x3, 5...10) + runs(0x4, 3...10) + runs(0x5, 3...10) + runs(0x6, 3...10) + runs(0x7, 3...10)
            + runs(0x8, 2...10) + runs(0x9, 2...10) + runs(0xA, 2...10) + runs(0xB, 2...10) + runs(0xC, 2...10)
            + runs(0xD, 2...10) + runs(0xE, 2...10) + runs(0xF, 2...10)
    )

    /// The symbols `run << 4 | size` for `size` in `sizes`: the regular end of tables K.5 and K.6.
    private static func runs(_ run: UInt8, _ sizes: ClosedRange<UInt8>) -> [UInt8] {
        sizes.map { run << 4 | $0 }
    }

    private static func table(_ counts: [UInt8], _ symbols: [UInt8]) -> JPEGHuffmanTable {
        do {
            return try JPEGHuffmanTable(counts: counts, symbols: symbols)
        } catch {
            preconditionFailure("standard JPEG Huffman table is invalid: \(error)")
        }
    }
}
