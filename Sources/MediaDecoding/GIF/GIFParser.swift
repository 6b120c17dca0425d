// SPDX-License-Identifier: Apache-2.0

/// Reads the block structure of a GIF file.
struct GIFParser {
    private var reader: ByteReader
    let screenWidth: Int
    let screenHeight: Int
    let globalPalette: [UInt8]
    /// The background colour index from the logical screen descriptor.
    let backgroundIndex: Int

    init(_ bytes: [UInt8], limits: DecodingLimits) throws(MediaDecodingError) {
        var reader = ByteReader(bytes, format: "GIF")
        let range = try reader.readRange(6, "signature")
        guard
            bytes.matches(Array("GIF87a".utf8), at: range.lowerBound)
                || bytes.matches(Array("GIF89a".utf8), at: range.lowerBound)
        else { throw .corrupt("file does not start with GIF87a or GIF89a") }
        screenWidth = Int(try reader.readUInt16LE("logical screen width"))
        screenHeight = Int(try reader.readUInt16LE("logical screen height"))
        let flags = try reader.readByte("screen flags")
        backgroundIndex = Int(try reader.readByte("background colour index"))
        try reader.skip(1, "pixel aspect ratio")
        try limits.checkImage(width: screenWidth, height: screenHeight, bytesPerPixel: 4, format: "GIF")
        if flags & 0x80 != 0 {
            let size = 3 << (Int(flags & 7) + 1)
            globalPalette = Array(bytes[try reader.readRange(size, "global colour table")])
        } else {
            globalPalette = []
        }
        self.reader = reader
    }

    /// The next frame, or `nil` at the trailer.
    mutating func nextFrame() throws(MediaDecodingError) -> GIFFrameRecord? {
        var transparentIndex: Int?
        var disposal = 0
        var delay = 0
        while true {
            let introducer = try reader.readByte("block introducer (no trailer)")
            switch introducer {
            case 0x3B:
                return nil
            case 0x21:
                let label = try reader.readByte("extension label")
                let body = try readSubBlocks()
                if label == 0xF9, body.count >= 4 {
                    disposal = Int(body[0] >> 2) & 7
                    transparentIndex = body[0] & 1 != 0 ? Int(body[3]) : nil
                    delay = Int(body[1]) | Int(body[2]) << 8
                }
            case 0x2C:
                let left = Int(try reader.readUInt16LE("image left"))
                let top = Int(try reader.readUInt16LE("image top"))
                let width = Int(try reader.readUInt16LE("image width"))
                let height = Int(try reader.readUInt16LE("image height"))
                let flags = try reader.readByte("image flags")
                var palette = globalPalette
                if flags & 0x80 != 0 {
                    let size = 3 << (Int(flags & 7) + 1)
                    palette = Array(reader.bytes[try reader.readRange(size, "local colour table")])
                }
                let minimumCodeSize = Int(try reader.readByte("LZW minimum code size"))
                let data = try readSubBlocks()
                return GIFFrameRecord(
                    left: left,
                    top: top,
                    width: width,
                    height: height,
                    interlaced: flags & 0x40 != 0,
                    palette: palette,
                    transparentIndex: transparentIndex,
                    disposal: disposal,
                    delay: delay,
                    minimumCodeSize: minimumCodeSize,
                    data: data
                )
            default:
                throw .corrupt("GIF block introducer 0x\(String(introducer, radix: 16)) is invalid")
            }
        }
    }

    private mutating func readSubBlocks() throws(MediaDecodingError) -> [UInt8] {
        var data = [UInt8]()
        while true {
            let size = Int(try reader.readByte("sub-block size"))
            if size == 0 { return data }
            data.append(contentsOf: reader.bytes[try reader.readRange(size, "sub-block")])
        }
    }
}
