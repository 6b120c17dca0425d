// SPDX-License-Identifier: Apache-2.0

/// A DEFLATE compressor (RFC 1951).
///
/// LZ77 with hash chains and one-step lazy matching, then per block the cheapest of stored, fixed-Huffman and
/// dynamic-Huffman coding.
enum DeflateCompressor {
    /// Search effort per compression level: hash-chain candidates tried, and the match length that ends the search.
    ///
    /// Level 0 stores the data uncompressed.
    private static let effort: [(chain: Int, good: Int)] = [
        (0, 0), (4, 8), (8, 16), (16, 32), (32, 64), (64, 128), (128, 258), (256, 258), (1024, 258), (4096, 258),
    ]
    private static let windowSize = 32_768
    private static let hashBits = 15
    private static let minMatch = 3
    private static let maxMatch = 258
    /// Symbols per block before its Huffman codes are rebuilt.
    private static let tokensPerBlock = 1 << 15

    /// Compresses `input` into a raw DEFLATE stream.
    /// - Parameters:
    ///   - input: The data.
    ///   - level: 0 (stored) to 9 (slowest, smallest); clamped to that range.
    /// - Returns: The stream, ending with a final block.
    static func compress(_ input: [UInt8], level: Int) -> [UInt8] {
        let level = min(max(level, 0), 9)
        var writer = DeflateBitWriter(capacity: input.count / 2 + 64)
        if level == 0 || input.isEmpty {
            writeStored(input, 0..<input.count, final: true, &writer)
            return writer.finish()
        }
        var tokens = [UInt32]()
        tokens.reserveCapacity(tokensPerBlock)
        var blockStart = 0
        unsafe input.withUnsafeBufferPointer { data in
            var matcher = unsafe LZ77Matcher(data, chain: effort[level].chain, good: effort[level].good)
            var position = 0
            let end = data.count
            while position < end {
                let (length, distance) = matcher.longestMatch(at: position)
                var take = length
                var takeDistance = distance
                if length >= minMatch, length < effort[level].good, position + 1 < end {
                    // Lazy evaluation: prefer a literal now if the next position starts a longer match.
                    matcher.insert(position)
                    let (nextLength, _) = matcher.longestMatch(at: position + 1)
                    if nextLength > length {
                        take = 0
                        takeDistance = 0
                    }
                    if take >= minMatch {
                        tokens.append(UInt32(take) << 16 | UInt32(takeDistance))
                        for p in (position + 1)..<(position + take) { matcher.insert(p) }
                        position += take
                    } else {
                        tokens.append(UInt32(unsafe data[position]))
                        position += 1
                    }
                } else if length >= minMatch {
                    tokens.append(UInt32(take) << 16 | UInt32(takeDistance))
                    for p in position..<(position + take) { matcher.insert(p) }
                    position += take
                } else {
                    matcher.insert(position)
                    tokens.append(UInt32(unsafe data[position]))
                    position += 1
                }
                if tokens.count >= tokensPerBlock {
                    writeBlock(tokens, input, blockStart..<position, final: false, &writer)
                    tokens.removeAll(keepingCapacity: true)
                    blockStart = position
                }
            }
        }
        writeBlock(tokens, input, blockStart..<input.count, final: true, &writer)
        return writer.finish()
    }

    // MARK: - Blocks

    /// Writes one block of `tokens` (covering `range` of `input`) in the cheapest of the three encodings.
    private static func writeBlock(
        _ tokens: [UInt32],
        _ input: [UInt8],
        _ range: Range<Int>,
        final: Bool,
        _ writer: inout DeflateBitWriter
    ) {
        var literalFrequencies = [Int](repeating: 0, count: 286)
        var distanceFrequencies = [Int](repeating: 0, count: 30)
        for token in tokens {
            if token < 256 {
                literalFrequencies[Int(token)] += 1
            } else {
                literalFrequencies[257 + lengthCode(Int(token >> 16))] += 1
                distanceFrequencies[distanceCode(Int(token & 0xFFFF))] += 1
            }
        }
        literalFrequencies[256] = 1
        // Two used symbols at least in each alphabet keep both codes complete, as zlib's inflate requires.
        if literalFrequencies.filter({ $0 > 0 }).count < 2 { literalFrequencies[0] += 1 }
        while distanceFrequencies.filter({ $0 > 0 }).count < 2 {
            distanceFrequencies[distanceFrequencies[0] == 0 ? 0 : 1] = 1
        }
        let literalLengths = HuffmanCodeBuilder.lengths(literalFrequencies, maxLength: 15)
        let distanceLengths = HuffmanCodeBuilder.lengths(distanceFrequencies, maxLength: 15)
        let header = DynamicHeader(literalLengths, distanceLengths)

        let dynamicBits =
            3 + header.bits + payloadBits(literalFrequencies, distanceFrequencies, literalLengths, distanceLengths)
        let fixedBits =
            3 + payloadBits(literalFrequencies, distanceFrequencies, fixedLiteralLengths, fixedDistanceLengths)
        let storedBits = (range.count / 65_535 + 1) * 40 + 8 * range.count + 7

        if storedBits <= min(dynamicBits, fixedBits) {
            writeStored(input, range, final: final, &writer)
        } else if fixedBits <= dynamicBits {
            writer.write(final ? 1 : 0, 1)
            writer.write(1, 2)
            writeTokens(tokens, fixedLiteralLengths, fixedDistanceLengths, &writer)
        } else {
            writer.write(final ? 1 : 0, 1)
            writer.write(2, 2)
            header.write(&writer)
            writeTokens(tokens, literalLengths, distanceLengths, &writer)
        }
    }

    private static func writeStored(
        _ input: [UInt8],
        _ range: Range<Int>,
        final: Bool,
        _ writer: inout DeflateBitWriter
    ) {
        var start = range.lowerBound
        repeat {
            let length = min(65_535, range.upperBound - start)
            let last = start + length == range.upperBound
            writer.write(final && last ? 1 : 0, 1)
            writer.write(0, 2)
            writer.alignToByte()
            writer.write(length, 16)
            writer.write(~length & 0xFFFF, 16)
            writer.append(contentsOf: input[start..<(start + length)])
            start += length
        } while start < range.upperBound
    }

    private static func writeTokens(
        _ tokens: [UInt32],
        _ literalLengths: [Int],
        _ distanceLengths: [Int],
        _ writer: inout DeflateBitWriter
    ) {
        let literalCodes = HuffmanCodeBuilder.canonicalCodes(literalLengths)
        let distanceCodes = HuffmanCodeBuilder.canonicalCodes(distanceLengths)
        for token in tokens {
            if token < 256 {
                writer.writeCode(literalCodes[Int(token)], literalLengths[Int(token)])
                continue
            }
            let length = Int(token >> 16)
            let distance = Int(token & 0xFFFF)
            let lc = lengthCode(length)
            writer.writeCode(literalCodes[257 + lc], literalLengths[257 + lc])
            writer.write(length - Inflater.lengthBase[lc], Inflater.lengthExtra[lc])
            let dc = distanceCode(distance)
            writer.writeCode(distanceCodes[dc], distanceLengths[dc])
            writer.write(distance - Inflater.distanceBase[dc], Inflater.distanceExtra[dc])
        }
        writer.writeCode(literalCodes[256], literalLengths[256])
    }

    /// The bits of the block's symbols (codes and extra bits) under the given code lengths.
    private static func payloadBits(
        _ literalFrequencies: [Int],
        _ distanceFrequencies: [Int],
        _ literalLengths: [Int],
        _ distanceLengths: [Int]
    ) -> Int {
        var bits = 0
        for symbol in 0..<286 where literalFrequencies[symbol] > 0 {
            let extra = symbol > 256 ? Inflater.lengthExtra[symbol - 257] : 0
            bits += literalFrequencies[symbol] * (literalLengths[symbol] + extra)
        }
        for symbol in 0..<30 where distanceFrequencies[symbol] > 0 {
            bits += distanceFrequencies[symbol] * (distanceLengths[symbol] + Inflater.distanceExtra[symbol])
        }
        return bits
    }

    private static let fixedLiteralLengths: [Int] =
        [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112) + [Int](repeating: 7, count: 24)
        + [Int](repeating: 8, count: 8)
    private static let fixedDistanceLengths = [Int](repeating: 5, count: 30)

    /// The length symbol index (0...28, add 257) for a match length 3...258.
    @inline(__always)
    static func lengthCode(_ length: Int) -> Int {
        var code = 28
        while Inflater.lengthBase[code] > length { code -= 1 }
        return code
    }

    /// The distance symbol (0...29) for a distance 1...32768.
    @inline(__always)
    static func distanceCode(_ distance: Int) -> Int {
        if distance <= 4 { return distance - 1 }
        let bits = Int.bitWidth - (distance - 1).leadingZeroBitCount  // position of the top bit, 1-based
        return 2 * (bits - 1) + ((distance - 1) >> (bits - 2) & 1)
    }
}

/// The code-length section of a dynamic block (RFC 1951 §3.2.7): both code length lists, run-length coded
/// with symbols 16, 17 and 18, and the code that codes them.
private struct DynamicHeader {
    /// (symbol 0...18, extra bits value) pairs.
    var runs: [(Int, Int)] = []
    var literalCount: Int
    var distanceCount: Int
    var codeLengthLengths: [Int]
    var codeLengthCount: Int

    init(_ literalLengths: [Int], _ distanceLengths: [Int]) {
        literalCount = max(257, (literalLengths.lastIndex { $0 > 0 } ?? 0) + 1)
        distanceCount = max(1, (distanceLengths.lastIndex { $0 > 0 } ?? 0) + 1)
        let all = Array(literalLengths[0..<literalCount]) + Array(distanceLengths[0..<distanceCount])
        var i = 0
        while i < all.count {
            let value = all[i]
            var run = 1
            while i + run < all.count, all[i + run] == value { run += 1 }
            var left = run
            if value == 0 {
                while left >= 11 {
                    let n = min(left, 138)
                    runs.append((18, n - 11))
                    left -= n
                }
                if left >= 3 {
                    runs.append((17, left - 3))
                    left = 0
                }
            } else {
                runs.append((value, 0))
                left -= 1
                while left >= 3 {
                    let n = min(left, 6)
                    runs.append((16, n - 3))
                    left -= n
                }
            }
            for _ in 0..<left { runs.append((value, 0)) }
            i += run
        }
        var frequencies = [Int](repeating: 0, count: 19)
        for (symbol, _) in runs { frequencies[symbol] += 1 }
        if frequencies.filter({ $0 > 0 }).count < 2 {
            frequencies[frequencies[0] == 0 ? 0 : 1] += 1
        }
        codeLengthLengths = HuffmanCodeBuilder.lengths(frequencies, maxLength: 7)
        var count = 19
        while count > 4, codeLengthLengths[Inflater.codeLengthOrder[count - 1]] == 0 { count -= 1 }
        codeLengthCount = count
    }

    /// The header's size in bits (after the 3 block-type bits).
    var bits: Int {
        var total = 5 + 5 + 4 + 3 * codeLengthCount
        for (symbol, _) in runs {
            total += codeLengthLengths[symbol] + (symbol == 16 ? 2 : symbol == 17 ? 3 : symbol == 18 ? 7 : 0)
        }
        return total
    }

    func write(_ writer: inout DeflateBitWriter) {
        writer.write(literalCount - 257, 5)
        writer.write(distanceCount - 1, 5)
        writer.write(codeLengthCount - 4, 4)
        for i in 0..<codeLengthCount {
            writer.write(codeLengthLengths[Inflater.codeLengthOrder[i]], 3)
        }
        let codes = HuffmanCodeBuilder.canonicalCodes(codeLengthLengths)
        for (symbol, extra) in runs {
            writer.writeCode(codes[symbol], codeLengthLengths[symbol])
            switch symbol {
            case 16: writer.write(extra, 2)
            case 17: writer.write(extra, 3)
            case 18: writer.write(extra, 7)
            default: break
            }
        }
    }
}
