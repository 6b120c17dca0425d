// SPDX-License-Identifier: Apache-2.0

/// How the channels of a FLAC frame are coded.
enum FLACChannelAssignment: Equatable {
    /// `count` channels coded independently.
    case independent(count: Int)
    /// Channel 0 is left, channel 1 is left − right.
    case leftSide
    /// Channel 0 is left − right, channel 1 is right.
    case rightSide
    /// Channel 0 is (left + right) >> 1, channel 1 is left − right.
    case midSide

    var channelCount: Int {
        if case .independent(let count) = self { return count }
        return 2
    }

    /// Whether channel `index` is a side channel, which carries one extra bit.
    func isSide(_ index: Int) -> Bool {
        switch self {
        case .independent: false
        case .leftSide, .midSide: index == 1
        case .rightSide: index == 0
        }
    }
}

/// A parsed FLAC frame header (sync code through CRC-8, which is verified).
struct FLACFrameHeader {
    var blockSize: Int
    var sampleRate: Int
    var channels: FLACChannelAssignment
    var bitsPerSample: Int

    /// Parses the header at `reader`'s byte-aligned position, checking its CRC-8.
    /// - Parameters:
    ///   - reader: Positioned at the sync code; left after the CRC-8.
    ///   - bytes: The whole file, for the checksum.
    ///   - streamInfo: Supplies the sample rate and bit depth when the header defers to it.
    /// - Throws: ``MediaDecodingError``: `.corrupt` for reserved codes, `.checksumMismatch` for a bad CRC-8.
    init(_ reader: inout FLACBitReader, bytes: [UInt8], streamInfo: FLACStreamInfo) throws(MediaDecodingError) {
        let start = reader.byteOffset
        let sync = try reader.read(15)
        guard sync == 0x7FFC else { throw .corrupt("FLAC frame sync code missing at offset \(start)") }
        _ = try reader.read(1)  // blocking strategy: fixed or variable; the sample number is not needed
        let blockCode = Int(try reader.read(4))
        let rateCode = Int(try reader.read(4))
        let channelCode = Int(try reader.read(4))
        let sizeCode = Int(try reader.read(3))
        guard try reader.read(1) == 0 else { throw .corrupt("FLAC frame header reserved bit is set") }
        // The frame or sample number, UTF-8-like coded (up to 7 bytes for 36 bits).
        let lead = try reader.read(8)
        let extra = lead < 0x80 ? 0 : (~UInt8(truncatingIfNeeded: lead)).leadingZeroBitCount - 1
        guard lead < 0x80 || (extra >= 1 && extra <= 6) else {
            throw .corrupt("FLAC frame number has an invalid UTF-8 lead byte 0x\(String(lead, radix: 16))")
        }
        for _ in 0..<extra {
            guard try reader.read(8) & 0xC0 == 0x80 else {
                throw .corrupt("FLAC frame number continuation byte is invalid")
            }
        }
        switch blockCode {
        case 0: throw .corrupt("FLAC frame block size code 0 is reserved")
        case 1: blockSize = 192
        case 2...5: blockSize = 576 << (blockCode - 2)
        case 6: blockSize = Int(try reader.read(8)) + 1
        case 7: blockSize = Int(try reader.read(16)) + 1
        default: blockSize = 256 << (blockCode - 8)
        }
        switch rateCode {
        case 0: sampleRate = streamInfo.sampleRate
        case 12: sampleRate = Int(try reader.read(8)) * 1000
        case 13: sampleRate = Int(try reader.read(16))
        case 14: sampleRate = Int(try reader.read(16)) * 10
        case 15: throw .corrupt("FLAC frame sample rate code 15 is invalid")
        default:
            sampleRate =
                [0, 88_200, 176_400, 192_000, 8_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000, 96_000][
                    rateCode
                ]
        }
        switch channelCode {
        case 0...7: channels = .independent(count: channelCode + 1)
        case 8: channels = .leftSide
        case 9: channels = .rightSide
        case 10: channels = .midSide
        default: throw .corrupt("FLAC frame channel assignment \(channelCode) is reserved")
        }
        switch sizeCode {
        case 0: bitsPerSample = streamInfo.bitsPerSample
        case 3: throw .corrupt("FLAC frame sample size code 3 is reserved")
        default: bitsPerSample = [0, 8, 12, 0, 16, 20, 24, 32][sizeCode]
        }
        let end = reader.byteOffset
        let stored = UInt8(truncatingIfNeeded: try reader.read(8))
        let computed = FLACChecksum.crc8(bytes, start..<end)
        guard stored == computed else {
            throw MediaDecodingError(
                .checksumMismatch,
                "FLAC frame header at offset \(start): CRC-8 is \(computed), stored \(stored)"
            )
        }
    }
}
