// SPDX-License-Identifier: Apache-2.0

/// One `strl` list of an AVI `hdrl` (the `strh` stream header and the raw `strf` format chunk).
struct AVIStreamHeader {
    /// The stream type: `vids`, `auds`, `txts` and so on.
    let type: UInt32
    let handler: UInt32
    let scale: Int
    let rate: Int
    /// The `strf` payload: a BITMAPINFOHEADER for video, a WAVEFORMATEX for audio.
    let format: Range<Int>?

    init(_ bytes: [UInt8], list: RIFFChunk) throws(MediaDecodingError) {
        var strh: Range<Int>?
        var strf: Range<Int>?
        let body = (list.payload.lowerBound + 4)..<list.payload.upperBound
        for chunk in try RIFFChunk.children(bytes, in: body, format: "AVI") {
            if chunk.id == FourCC.strh, strh == nil { strh = chunk.payload }
            if chunk.id == FourCC.strf, strf == nil { strf = chunk.payload }
        }
        guard let strh else { throw .corrupt("AVI stream list at offset \(list.start) has no strh chunk") }
        guard strh.count >= 32 else { throw .corrupt("AVI strh chunk is \(strh.count) bytes, at least 32 are needed") }
        let base = strh.lowerBound
        type = bytes.uint32BE(at: base)
        handler = bytes.uint32BE(at: base + 4)
        scale = Int(bytes.uint32LE(at: base + 20))
        rate = Int(bytes.uint32LE(at: base + 24))
        format = strf
    }

    /// The BITMAPINFOHEADER's compression code (`MJPG`, `H264` …), 0 for uncompressed; `nil` when too short.
    func compression(_ bytes: [UInt8]) -> UInt32? {
        guard let format, format.count >= 20 else { return nil }
        return bytes.uint32BE(at: format.lowerBound + 16)
    }

    /// The BITMAPINFOHEADER's width and absolute height, when present.
    func frameSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard let format, format.count >= 12 else { return nil }
        let width = Int(Int32(bitPattern: bytes.uint32LE(at: format.lowerBound + 4)))
        let height = Int(Int32(bitPattern: bytes.uint32LE(at: format.lowerBound + 8)))
        return (width, abs(height))
    }

    /// The PCM/float/G.711 audio format of an `auds` stream, or `nil` when it is another codec.
    func audioFormat(_ bytes: [UInt8]) -> WAVFormat? {
        guard let format else { return nil }
        var reader = ByteReader(bytes, offset: format.lowerBound, format: "AVI audio")
        return try? WAVFormat(&reader, size: format.count, bigEndian: false)
    }
}
