// SPDX-License-Identifier: Apache-2.0

/// Unwraps a zlib stream (RFC 1950): header check, DEFLATE body, Adler-32 trailer.
enum ZlibDecoder {
    /// Decompresses a complete zlib stream.
    /// - Parameters:
    ///   - input: The zlib stream (header, DEFLATE data, 4-byte Adler-32).
    ///   - maxOutput: The most bytes the stream may produce.
    ///   - sizeHint: The expected output size, used to reserve memory.
    /// - Returns: The decompressed bytes.
    /// - Throws: ``MediaDecodingError`` with `.corrupt` (bad header or stream), `.truncated`,
    ///   `.checksumMismatch` (Adler-32), `.unsupported` (preset dictionary) or `.limitExceeded`.
    static func decompress(
        _ input: [UInt8],
        maxOutput: Int,
        sizeHint: Int = 0
    ) throws(MediaDecodingError) -> [UInt8] {
        guard input.count >= 2 else { throw .truncated("zlib stream shorter than its 2-byte header") }
        let cmf = Int(input[0])
        let flg = Int(input[1])
        guard cmf & 0x0F == 8 else { throw .corrupt("zlib compression method \(cmf & 0x0F) is not deflate (8)") }
        guard cmf >> 4 <= 7 else { throw .corrupt("zlib window size exponent \(cmf >> 4) is larger than 7") }
        guard (cmf << 8 | flg) % 31 == 0 else { throw .corrupt("zlib header check bits are wrong") }
        guard flg & 0x20 == 0 else { throw .unsupported("zlib streams with a preset dictionary are not supported") }
        let (output, end) = try Inflater.inflate(input, from: 2, maxOutput: maxOutput, sizeHint: sizeHint)
        guard input.count - end >= 4 else { throw .truncated("zlib stream ends before its Adler-32 checksum") }
        let stored = input.uint32BE(at: end)
        let actual = Adler32.checksum(output, 0..<output.count)
        guard stored == actual else {
            throw MediaDecodingError(
                .checksumMismatch,
                "zlib Adler-32 is \(hex(actual)) but the stream stores \(hex(stored))"
            )
        }
        return output
    }
}

/// `0x` and eight hex digits.
func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
