// SPDX-License-Identifier: Apache-2.0

/// Our own DEFLATE (RFC 1951) and zlib (RFC 1950) compressor and decompressor and the CRC-32 / Adler-32 checksums, as used by
/// PNG; public so that other readers (for example of `.npz` or zlib-compressed metadata) need no dependency.
public enum Zlib {
    /// Decompresses a zlib stream: 2-byte header, DEFLATE data, big-endian Adler-32.
    /// - Parameters:
    ///   - bytes: The complete stream; bytes after the checksum are ignored.
    ///   - maxOutputBytes: The most bytes the stream may produce.
    /// - Returns: The decompressed bytes.
    /// - Throws: ``MediaDecodingError``: `.corrupt`, `.truncated`, `.checksumMismatch`, `.unsupported`
    ///   (preset dictionary) or `.limitExceeded` (output above `maxOutputBytes`).
    public static func decompress(_ bytes: [UInt8], maxOutputBytes: Int) throws(MediaDecodingError) -> [UInt8] {
        try ZlibDecoder.decompress(bytes, maxOutput: maxOutputBytes)
    }

    /// Compresses `bytes` into a zlib stream: 2-byte header, DEFLATE data, big-endian Adler-32.
    /// - Parameters:
    ///   - bytes: The data.
    ///   - level: 0 (stored, no compression) to 9 (smallest, slowest); the default 6 balances the two.
    /// - Returns: The stream, readable by any zlib implementation.
    public static func compress(_ bytes: [UInt8], level: Int = 6) -> [UInt8] {
        var output: [UInt8] = [0x78, level <= 1 ? 0x01 : (level >= 7 ? 0xDA : 0x9C)]
        output += DeflateCompressor.compress(bytes, level: level)
        let adler = Adler32.checksum(bytes, 0..<bytes.count)
        output += [
            UInt8(adler >> 24), UInt8(truncatingIfNeeded: adler >> 16), UInt8(truncatingIfNeeded: adler >> 8),
            UInt8(truncatingIfNeeded: adler),
        ]
        return output
    }

    /// Compresses `bytes` into a raw DEFLATE stream (no zlib header or checksum).
    /// - Parameters:
    ///   - bytes: The data.
    ///   - level: 0 (stored) to 9 (smallest, slowest).
    /// - Returns: The stream.
    public static func deflate(_ bytes: [UInt8], level: Int = 6) -> [UInt8] {
        DeflateCompressor.compress(bytes, level: level)
    }

    /// Decompresses a raw DEFLATE stream (no zlib header or checksum).
    /// - Parameters:
    ///   - bytes: The stream; bytes after its final block are ignored.
    ///   - maxOutputBytes: The most bytes the stream may produce.
    /// - Returns: The decompressed bytes.
    /// - Throws: ``MediaDecodingError``: `.corrupt`, `.truncated` or `.limitExceeded`.
    public static func inflate(_ bytes: [UInt8], maxOutputBytes: Int) throws(MediaDecodingError) -> [UInt8] {
        try Inflater.inflate(bytes, from: 0, maxOutput: maxOutputBytes).output
    }

    /// The CRC-32 (ISO-HDLC, as in PNG and gzip) of `bytes`.
    /// - Parameter bytes: The data.
    /// - Returns: The checksum; `"123456789"` gives `0xCBF43926`.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        CRC32.checksum(bytes, 0..<bytes.count)
    }

    /// The Adler-32 of `bytes`.
    /// - Parameter bytes: The data.
    /// - Returns: The checksum; `"Wikipedia"` gives `0x11E60398`.
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        Adler32.checksum(bytes, 0..<bytes.count)
    }
}
