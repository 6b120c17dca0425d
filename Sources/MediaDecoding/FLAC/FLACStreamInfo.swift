// SPDX-License-Identifier: Apache-2.0

/// The FLAC `STREAMINFO` metadata block, plus where the audio frames start.
struct FLACStreamInfo {
    var minBlockSize: Int
    var maxBlockSize: Int
    var sampleRate: Int
    var channelCount: Int
    var bitsPerSample: Int
    /// Samples per channel; 0 means unknown.
    var totalFrames: Int
    var md5: [UInt8]
    /// The offset of the first audio frame.
    var audioOffset: Int

    /// Parses the `fLaC` marker (after an optional ID3v2 tag) and every metadata block.
    init(_ bytes: [UInt8]) throws(MediaDecodingError) {
        let tag = FLACStreamInfo.id3Length(bytes)
        var reader = ByteReader(bytes, offset: tag, format: "FLAC")
        let marker = try reader.readRange(4, "stream marker")
        guard bytes.matches(Array("fLaC".utf8), at: marker.lowerBound) else {
            if tag > 0 {
                throw MediaDecodingError(.unknownFormat, "ID3v2-tagged file has no fLaC marker after the tag (MP3?)")
            }
            throw .corrupt("FLAC stream does not start with fLaC")
        }
        var info: (Int, Int, Int, Int, Int, Int, [UInt8])?
        var isLast = false
        var index = 0
        while !isLast {
            let header = try reader.readByte("metadata block header")
            isLast = header & 0x80 != 0
            let type = header & 0x7F
            let length =
                Int(try reader.readByte("metadata block length")) << 16
                | Int(try reader.readUInt16BE("metadata block length"))
            guard type != 127 else { throw .corrupt("FLAC metadata block type 127 is invalid") }
            if index == 0 && type != 0 { throw .corrupt("FLAC first metadata block is not STREAMINFO") }
            if type == 0 {
                guard index == 0 else { throw .corrupt("FLAC has a second STREAMINFO block") }
                guard length == 34 else { throw .corrupt("FLAC STREAMINFO is \(length) bytes, not 34") }
                let body = try reader.readRange(34, "STREAMINFO")
                info = Self.parse(Array(bytes[body]))
            } else {
                try reader.skip(length, "metadata block of type \(type)")
            }
            index += 1
        }
        guard let (minBlock, maxBlock, rate, channels, bits, total, md5) = info else {
            throw .corrupt("FLAC has no STREAMINFO")
        }
        guard rate > 0 else { throw .corrupt("FLAC STREAMINFO sample rate is 0") }
        guard bits >= 4 && bits <= 32 else { throw .corrupt("FLAC STREAMINFO bit depth \(bits) is invalid") }
        minBlockSize = minBlock
        maxBlockSize = maxBlock
        sampleRate = rate
        channelCount = channels
        bitsPerSample = bits
        totalFrames = total
        self.md5 = md5
        audioOffset = reader.offset
    }

    private static func parse(_ b: [UInt8]) -> (Int, Int, Int, Int, Int, Int, [UInt8]) {
        let minBlock = Int(b[0]) << 8 | Int(b[1])
        let maxBlock = Int(b[2]) << 8 | Int(b[3])
        let rate = Int(b[10]) << 12 | Int(b[11]) << 4 | Int(b[12]) >> 4
        let channels = Int(b[12] >> 1 & 7) + 1
        let bits = (Int(b[12] & 1) << 4 | Int(b[13] >> 4)) + 1
        var total = Int(b[13] & 0x0F)
        for i in 14..<18 { total = total << 8 | Int(b[i]) }
        return (minBlock, maxBlock, rate, channels, bits, total, Array(b[18..<34]))
    }

    /// The length of a leading ID3v2 tag (header, synchsafe size, optional footer), or 0.
    static func id3Length(_ bytes: some Collection<UInt8>) -> Int {
        let b = Array(bytes.prefix(10))
        guard b.count == 10, b[0] == 0x49, b[1] == 0x44, b[2] == 0x33 else { return 0 }
        guard b[6] | b[7] | b[8] | b[9] < 0x80 else { return 0 }
        let size = Int(b[6]) << 21 | Int(b[7]) << 14 | Int(b[8]) << 7 | Int(b[9])
        let footer = b[5] & 0x10 != 0 ? 10 : 0
        return 10 + size + footer
    }
}
