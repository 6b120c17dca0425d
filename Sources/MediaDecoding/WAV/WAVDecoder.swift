// SPDX-License-Identifier: Apache-2.0

/// Decodes WAV audio: RIFF (little-endian), RIFX (big-endian) and RF64 (64-bit sizes) containers; integer PCM
/// of 1 to 64 bits, IEEE float 32/64, G.711 µ-law and A-law, plain or `WAVE_FORMAT_EXTENSIBLE`.
///
/// Samples become `Float` in [-1, 1]:
/// - integer PCM of more than 8 bits: the container value (the sample is left-justified in it) divided by
///   2^(B-1), where B is the container width in bits (so 12-bit-in-16 is `value / 32768`);
/// - 8-bit (and narrower) PCM is unsigned: `(value - 128) / 128`;
/// - float: copied (64-bit rounded to 32-bit); µ-law / A-law: G.711 expansion to 16 bits, then `/ 32768`.
///
/// A data chunk longer than the file is reported as ``MediaDecodingError/Code/truncated``, not decoded partially.
public struct WAVDecoder: AudioDecoder {
    /// Creates a WAV decoder.
    public init() {}

    /// Whether `header` starts with `RIFF`, `RIFX` or `RF64` and, when long enough, has `WAVE` at offset 8.
    /// - Parameter header: The first bytes of a file.
    /// - Returns: `true` for a WAV file.
    public func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
        let isContainer = [Array("RIFF".utf8), Array("RIFX".utf8), Array("RF64".utf8)].contains {
            header.starts(with: $0)
        }
        guard isContainer else { return false }
        guard header.count >= 12 else { return true }
        return header.dropFirst(8).starts(with: Array("WAVE".utf8))
    }

    /// Decodes a WAV file.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: ``DecodingLimits/maxFrames`` and ``DecodingLimits/maxDecompressedBytes`` bound the output.
    /// - Returns: The interleaved samples.
    /// - Throws: ``MediaDecodingError``: `.truncated`, `.corrupt` (inconsistent `fmt `), `.unsupported`
    ///   (ADPCM and other codecs) or `.limitExceeded`.
    public func decode(_ bytes: [UInt8], limits: DecodingLimits) throws(MediaDecodingError) -> AudioBuffer {
        var reader = ByteReader(bytes, format: "WAV")
        let magicRange = try reader.readRange(4, "RIFF header")
        let bigEndian = bytes.matches(Array("RIFX".utf8), at: magicRange.lowerBound)
        let isRF64 = bytes.matches(Array("RF64".utf8), at: magicRange.lowerBound)
        guard bigEndian || isRF64 || bytes.matches(Array("RIFF".utf8), at: magicRange.lowerBound) else {
            throw .corrupt("file does not start with RIFF, RIFX or RF64")
        }
        _ = try reader.readUInt32(bigEndian: bigEndian)
        let waveRange = try reader.readRange(4, "WAVE form type")
        guard bytes.matches(Array("WAVE".utf8), at: waveRange.lowerBound) else {
            throw .corrupt("RIFF form type is not WAVE")
        }
        var format: WAVFormat?
        var dataSize64: UInt64?
        while true {
            let idRange = try reader.readRange(4, "chunk id (no data chunk)")
            let id = String(decoding: bytes[idRange], as: UTF8.self)
            let declared = try reader.readUInt32(bigEndian: bigEndian)
            var size = UInt64(declared)
            switch id {
            case "ds64" where isRF64:
                var ds64 = reader
                _ = try ds64.readUInt64LE("ds64 RIFF size")
                dataSize64 = try ds64.readUInt64LE("ds64 data size")
            case "fmt ":
                var fmtReader = reader
                format = try WAVFormat(&fmtReader, size: Int(declared), bigEndian: bigEndian)
            case "data":
                guard let format else { throw .corrupt("WAV data chunk comes before the fmt chunk") }
                if isRF64, declared == 0xFFFF_FFFF, let dataSize64 { size = dataSize64 }
                return try decodeSamples(bytes, reader.offset, size, format, bigEndian: bigEndian, limits: limits)
            default:
                break
            }
            guard size <= UInt64(reader.remaining) else {
                throw .truncated("WAV chunk \(id) declares \(size) bytes, \(reader.remaining) left")
            }
            reader.offset += Int(size)
            if size & 1 == 1, reader.remaining > 0 { reader.offset += 1 }
        }
    }

    private func decodeSamples(
        _ bytes: [UInt8],
        _ start: Int,
        _ size: UInt64,
        _ format: WAVFormat,
        bigEndian: Bool,
        limits: DecodingLimits
    ) throws(MediaDecodingError) -> AudioBuffer {
        let present = bytes.count - start
        guard size <= UInt64(present) else {
            throw .truncated("WAV data chunk declares \(size) bytes, the file holds \(present)")
        }
        let frames = Int(size) / format.blockAlign
        guard frames <= limits.maxFrames else {
            throw .limit("WAV has \(frames) frames, over the limit of \(limits.maxFrames)")
        }
        let count = frames * format.channels
        guard count <= limits.maxDecompressedBytes / 4 else {
            throw .limit("WAV samples need \(count * 4) bytes, over the limit of \(limits.maxDecompressedBytes)")
        }
        let width = format.containerBytes
        var samples = [Float](repeating: 0, count: count)
        var offset = start
        for i in 0..<count {
            samples[i] = format.sample(bytes, at: offset, bigEndian: bigEndian)
            offset += width
        }
        return AudioBuffer(sampleRate: format.sampleRate, channelCount: format.channels, samples: samples)
    }
}
