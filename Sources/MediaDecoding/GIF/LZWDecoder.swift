// SPDX-License-Identifier: Apache-2.0

/// Decompresses GIF image data (variable-length-code LZW, codes up to 12 bits, least significant bit first).
enum LZWDecoder {
    /// Decodes `data` (the concatenated sub-blocks) into exactly `pixelCount` palette indices.
    /// - Parameters:
    ///   - data: The LZW code stream.
    ///   - minimumCodeSize: The code size byte that precedes the data: 2…12. The format allows 2…8; Pillow
    ///     also decodes 9…12 (codes then start at 10…13 bits and, from 12, no string is ever added to the
    ///     table) and so do we; a literal code above 255 keeps its low 8 bits. Size 1, where decoders
    ///     disagree on when codes widen, is refused (Pillow refuses it too, except for a lone pixel).
    ///   - pixelCount: How many indices the frame needs; extra output is discarded.
    /// - Returns: The indices and how many of them the stream actually produced before its end code.
    /// - Throws: ``MediaDecodingError``: `.corrupt` for a bad code size or undefined code, `.truncated` when
    ///   the data ends before the frame is complete and before an end code.
    static func decode(
        _ data: [UInt8],
        minimumCodeSize: Int,
        pixelCount: Int
    ) throws(MediaDecodingError) -> (indices: [UInt8], produced: Int) {
        guard (2...12).contains(minimumCodeSize) else {
            throw .corrupt("GIF LZW minimum code size \(minimumCodeSize) is not 2 to 12")
        }
        let clearCode = 1 << minimumCodeSize
        let endCode = clearCode + 1
        var prefix = [UInt16](repeating: 0, count: 4096)
        var suffix = [UInt8](repeating: 0, count: 4096)
        var first = [UInt8](repeating: 0, count: 4096)
        var length = [Int](repeating: 1, count: 4096)
        for code in 0..<clearCode {
            suffix[code] = UInt8(truncatingIfNeeded: code)
            first[code] = UInt8(truncatingIfNeeded: code)
        }
        var output = [UInt8](repeating: 0, count: pixelCount)
        var produced = 0
        var codeSize = minimumCodeSize + 1
        var nextCode = endCode + 1
        var previous = -1
        var bitBuffer = 0
        var bitCount = 0
        var position = 0

        /// Writes the string of `code` at `produced`, clipped to the output size.
        func emit(_ code: Int) {
            let count = length[code]
            var c = code
            var at = produced + count - 1
            while at >= produced {
                if at < pixelCount { output[at] = suffix[c] }
                c = Int(prefix[c])
                at -= 1
            }
            produced += count
        }

        while produced < pixelCount {
            while bitCount < codeSize {
                guard position < data.count else {
                    throw .truncated("GIF image data ends after \(produced) of \(pixelCount) pixels")
                }
                bitBuffer |= Int(data[position]) << bitCount
                position += 1
                bitCount += 8
            }
            let code = bitBuffer & ((1 << codeSize) - 1)
            bitBuffer >>= codeSize
            bitCount -= codeSize

            if code == clearCode {
                codeSize = minimumCodeSize + 1
                nextCode = endCode + 1
                previous = -1
                continue
            }
            if code == endCode { break }
            if previous < 0 {
                guard code < clearCode else { throw .corrupt("GIF LZW stream starts with undefined code \(code)") }
                emit(code)
                previous = code
                continue
            }
            let firstByte: UInt8
            if code < nextCode {
                firstByte = first[code]
                emit(code)
            } else if code == nextCode, nextCode < 4096 {
                firstByte = first[previous]
                // The new string is previous + its own first byte: write previous, then that byte.
                emit(previous)
                if produced < pixelCount { output[produced] = firstByte }
                produced += 1
            } else {
                throw .corrupt("GIF LZW code \(code) is not yet defined (next is \(nextCode))")
            }
            if nextCode < 4096 {
                prefix[nextCode] = UInt16(previous)
                suffix[nextCode] = firstByte
                first[nextCode] = first[previous]
                length[nextCode] = length[previous] + 1
                nextCode += 1
                if nextCode == 1 << codeSize, codeSize < 12 { codeSize += 1 }
            }
            previous = code
        }
        return (output, min(produced, pixelCount))
    }
}
