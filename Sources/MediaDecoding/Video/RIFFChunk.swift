// SPDX-License-Identifier: Apache-2.0

/// One RIFF chunk: a four-character id, a little-endian 32-bit size, the payload and a pad byte after an
/// odd-sized payload.
struct RIFFChunk {
    let id: UInt32
    /// Where the chunk header starts.
    let start: Int
    /// The payload bytes (for `LIST` and `RIFF`, including the list type).
    let payload: Range<Int>
    /// Where the next chunk starts: after the payload and its pad byte (the pad may be missing at the end).
    let next: Int

    /// The list type of a `LIST` or `RIFF` chunk, or 0 when the payload is too short.
    func listType(_ bytes: [UInt8]) -> UInt32 {
        payload.count >= 4 ? bytes.uint32BE(at: payload.lowerBound) : 0
    }

    /// Reads the chunk starting at `offset`, which must end by `end`.
    init(_ bytes: [UInt8], at offset: Int, end: Int, format: String) throws(MediaDecodingError) {
        guard offset >= 0, end - offset >= 8, end <= bytes.count else {
            throw .truncated("\(format) chunk header at offset \(offset) is cut short")
        }
        id = bytes.uint32BE(at: offset)
        let size = Int(bytes.uint32LE(at: offset + 4))
        guard size <= end - offset - 8 else {
            throw .truncated(
                "\(format) chunk '\(FourCC.name(id))' at offset \(offset) claims \(size) bytes, \(end - offset - 8) left"
            )
        }
        start = offset
        payload = (offset + 8)..<(offset + 8 + size)
        next = min(payload.upperBound + (size & 1), end)
    }

    /// Every chunk from `range.lowerBound` to `range.upperBound`, in order.
    static func children(
        _ bytes: [UInt8],
        in range: Range<Int>,
        format: String
    ) throws(MediaDecodingError) -> [RIFFChunk] {
        var chunks = [RIFFChunk]()
        var offset = range.lowerBound
        while range.upperBound - offset >= 8 {
            let chunk = try RIFFChunk(bytes, at: offset, end: range.upperBound, format: format)
            chunks.append(chunk)
            offset = chunk.next
        }
        return chunks
    }
}
