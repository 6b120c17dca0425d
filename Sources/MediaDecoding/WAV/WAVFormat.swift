// SPDX-License-Identifier: Apache-2.0

/// The validated `fmt ` chunk of a WAV file.
struct WAVFormat {
    enum Encoding {
        case pcm
        case float
        case muLaw
        case aLaw
    }

    let encoding: Encoding
    let channels: Int
    let sampleRate: Int
    let blockAlign: Int
    let bitsPerSample: Int

    /// Bytes per sample, `blockAlign / channels`.
    var containerBytes: Int { blockAlign / channels }

    init(_ reader: inout ByteReader, size: Int, bigEndian: Bool) throws(MediaDecodingError) {
        guard size >= 16 else { throw .corrupt("WAV fmt chunk is \(size) bytes, at least 16 are needed") }
        try reader.need(size, "fmt chunk")
        let start = reader.offset
        var tag = Int(try reader.readUInt16(bigEndian: bigEndian))
        let channels = Int(try reader.readUInt16(bigEndian: bigEndian))
        let sampleRate = Int(try reader.readUInt32(bigEndian: bigEndian))
        _ = try reader.readUInt32(bigEndian: bigEndian)
        let blockAlign = Int(try reader.readUInt16(bigEndian: bigEndian))
        let bits = Int(try reader.readUInt16(bigEndian: bigEndian))
        if tag == 0xFFFE {
            guard size >= 40 else { throw .corrupt("WAV WAVE_FORMAT_EXTENSIBLE fmt chunk is \(size) bytes, not 40") }
            // The sub-format GUID starts with the format tag as a 32-bit Data1 field in the file's byte order.
            reader.offset = start + 24
            tag = Int(try reader.readUInt32(bigEndian: bigEndian) & 0xFFFF)
        }
        reader.offset = start
        switch tag {
        case 1: encoding = .pcm
        case 3: encoding = .float
        case 6: encoding = .aLaw
        case 7: encoding = .muLaw
        default: throw .unsupported("WAV format tag 0x\(String(tag, radix: 16)) is not supported")
        }
        guard channels > 0 else { throw .corrupt("WAV has 0 channels") }
        guard sampleRate > 0 else { throw .corrupt("WAV sample rate is 0") }
        guard (1...64).contains(bits) else { throw .corrupt("WAV bits per sample \(bits) is not 1 to 64") }
        let expectedAlign = channels * ((bits + 7) / 8)
        guard blockAlign == expectedAlign else {
            throw .corrupt(
                "WAV block align \(blockAlign) does not match \(channels) channels of \(bits)-bit samples (\(expectedAlign))"
            )
        }
        switch encoding {
        case .float where bits != 32 && bits != 64:
            throw .unsupported("WAV IEEE float with \(bits) bits is not supported")
        case .muLaw where bits != 8, .aLaw where bits != 8:
            throw .corrupt("WAV G.711 data must have 8 bits per sample, not \(bits)")
        default:
            break
        }
        self.channels = channels
        self.sampleRate = sampleRate
        self.blockAlign = blockAlign
        self.bitsPerSample = bits
    }

    /// Converts one sample starting at `offset` to a float.
    func sample(_ bytes: [UInt8], at offset: Int, bigEndian: Bool) -> Float {
        let width = containerBytes
        switch encoding {
        case .pcm:
            if width == 1 { return (Float(bytes[offset]) - 128) / 128 }
            // Left-justify the container in 64 bits, then divide by 2^(8 × width - 1).
            var value: UInt64 = 0
            for i in 0..<width {
                let byte = UInt64(bytes[offset + (bigEndian ? i : width - 1 - i)])
                value = value << 8 | byte
            }
            value <<= UInt64(64 - 8 * width)
            let signed = Int64(bitPattern: value)
            if width <= 3 {
                return Float(signed >> UInt64(64 - 8 * width)) / Float(1 << (8 * width - 1))
            }
            return Float(Double(signed) / 9_223_372_036_854_775_808.0)
        case .float:
            var value: UInt64 = 0
            for i in 0..<width {
                value = value << 8 | UInt64(bytes[offset + (bigEndian ? i : width - 1 - i)])
            }
            if width == 4 { return Float(bitPattern: UInt32(truncatingIfNeeded: value)) }
            return Float(Double(bitPattern: value))
        case .muLaw:
            return Float(Self.expandMuLaw(bytes[offset])) / 32768
        case .aLaw:
            return Float(Self.expandALaw(bytes[offset])) / 32768
        }
    }

    /// ITU-T G.711 µ-law to 16-bit linear.
    static func expandMuLaw(_ code: UInt8) -> Int {
        let u = Int(~code)
        let magnitude = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4)
        return u & 0x80 != 0 ? 0x84 - magnitude : magnitude - 0x84
    }

    /// ITU-T G.711 A-law to 16-bit linear.
    static func expandALaw(_ code: UInt8) -> Int {
        let a = Int(code ^ 0x55)
        var magnitude = (a & 0x0F) << 4
        let segment = (a & 0x70) >> 4
        switch segment {
        case 0: magnitude += 8
        case 1: magnitude += 0x108
        default: magnitude = (magnitude + 0x108) << (segment - 1)
        }
        return a & 0x80 != 0 ? magnitude : -magnitude
    }
}
