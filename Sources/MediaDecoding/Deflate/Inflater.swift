// SPDX-License-Identifier: Apache-2.0

/// A DEFLATE decompressor (RFC 1951): stored, fixed-Huffman and dynamic-Huffman blocks.
///
/// Every length and distance is checked against the data produced so far and against `maxOutput`, so a
/// hostile stream throws instead of trapping or allocating without bound.
enum Inflater {
    static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    static let lengthExtra: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Decompresses the raw DEFLATE stream that starts at `start`.
    /// - Parameters:
    ///   - input: The bytes holding the stream.
    ///   - start: The index of the stream's first byte.
    ///   - maxOutput: The most bytes the stream may produce; more throws ``MediaDecodingError/Code/limitExceeded``.
    ///   - sizeHint: The expected output size, used to reserve memory (clamped to `maxOutput`).
    /// - Returns: The decompressed bytes and the index of the first byte after the stream.
    /// - Throws: ``MediaDecodingError``: `.corrupt`, `.truncated` or `.limitExceeded`.
    static func inflate(
        _ input: [UInt8],
        from start: Int,
        maxOutput: Int,
        sizeHint: Int = 0
    ) throws(MediaDecodingError) -> (output: [UInt8], end: Int) {
        var reader = BitReader(input, start: start)
        var output = InflateOutput(sizeHint: sizeHint, limit: maxOutput)
        var isFinal = false
        while !isFinal {
            isFinal = try reader.read(1) == 1
            let type = try reader.read(2)
            switch type {
            case 0:
                try copyStored(&reader, into: &output)
            case 1:
                try inflateBlock(
                    &reader,
                    literals: HuffmanTable.fixedLiteralLength,
                    distances: HuffmanTable.fixedDistance,
                    into: &output
                )
            case 2:
                let (literals, distances) = try readDynamicTables(&reader)
                try inflateBlock(&reader, literals: literals, distances: distances, into: &output)
            default:
                throw .corrupt("deflate block type 3 is reserved (invalid block type)")
            }
        }
        reader.alignToByte()
        return (output.finish(), reader.position)
    }

    private static func copyStored(
        _ reader: inout BitReader,
        into output: inout InflateOutput
    ) throws(MediaDecodingError) {
        reader.alignToByte()
        let length = try reader.read(16)
        let complement = try reader.read(16)
        reader.alignToByte()
        guard length == ~complement & 0xFFFF else {
            throw .corrupt("deflate stored block length \(length) does not match its complement")
        }
        let start = reader.position
        guard length <= reader.bytes.count - start else {
            throw .truncated("deflate stored block needs \(length) bytes, \(reader.bytes.count - start) left")
        }
        try output.append(contentsOf: reader.bytes[start..<(start + length)])
        reader.skipBytes(length)
    }

    private static func readDynamicTables(
        _ reader: inout BitReader
    ) throws(MediaDecodingError) -> (HuffmanTable, HuffmanTable) {
        let literalCount = try reader.read(5) + 257
        let distanceCount = try reader.read(5) + 1
        let codeLengthCount = try reader.read(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw .corrupt("deflate dynamic block declares too many length or distance symbols")
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for i in 0..<codeLengthCount {
            codeLengthLengths[codeLengthOrder[i]] = UInt8(try reader.read(3))
        }
        let codeLengthTable = try HuffmanTable(lengths: codeLengthLengths)
        let total = literalCount + distanceCount
        var lengths = [UInt8]()
        lengths.reserveCapacity(total)
        while lengths.count < total {
            let symbol = try codeLengthTable.decode(&reader)
            switch symbol {
            case 0...15:
                lengths.append(UInt8(symbol))
            case 16:
                guard let previous = lengths.last else {
                    throw .corrupt("deflate code length repeat with no previous length")
                }
                let repeatCount = 3 + (try reader.read(2))
                guard lengths.count + repeatCount <= total else {
                    throw .corrupt("deflate code length repeat runs past the end of the table")
                }
                lengths.append(contentsOf: repeatElement(previous, count: repeatCount))
            default:
                let repeatCount = symbol == 17 ? 3 + (try reader.read(3)) : 11 + (try reader.read(7))
                guard lengths.count + repeatCount <= total else {
                    throw .corrupt("deflate zero-length run goes past the end of the table")
                }
                lengths.append(contentsOf: repeatElement(0, count: repeatCount))
            }
        }
        guard lengths[256] != 0 else {
            throw .corrupt("deflate dynamic block has no end-of-block code")
        }
        let literals = try HuffmanTable(lengths: Array(lengths[0..<literalCount]))
        let distances = try HuffmanTable(lengths: Array(lengths[literalCount..<total]))
        return (literals, distances)
    }

    private static func inflateBlock(
        _ reader: inout BitReader,
        literals: HuffmanTable,
        distances: HuffmanTable,
        into output: inout InflateOutput
    ) throws(MediaDecodingError) {
        while true {
            let symbol = try literals.decode(&reader)
            if symbol < 256 {
                try output.append(UInt8(truncatingIfNeeded: symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < lengthBase.count else {
                throw .corrupt("deflate length symbol \(symbol) is invalid")
            }
            let length = lengthBase[lengthIndex] + (try reader.read(lengthExtra[lengthIndex]))
            let distanceSymbol = try distances.decode(&reader)
            guard distanceSymbol < distanceBase.count else {
                throw .corrupt("deflate distance symbol \(distanceSymbol) is invalid")
            }
            let distance = distanceBase[distanceSymbol] + (try reader.read(distanceExtra[distanceSymbol]))
            try output.copy(distance: distance, length: length)
        }
    }
}
