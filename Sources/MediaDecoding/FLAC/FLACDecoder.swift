// SPDX-License-Identifier: Apache-2.0

/// Decodes FLAC audio (native FLAC streams, optionally behind an ID3v2 tag).
///
/// Supports every subframe type (CONSTANT, VERBATIM, FIXED orders 0–4, LPC of any order, precision and shift),
/// wasted bits, Rice partitions with 4- and 5-bit parameters and escape codes, independent and left/side,
/// right/side and mid/side stereo, 4 to 32 bits per sample and fixed or variable block sizes. Every frame
/// header's CRC-8 and every frame's CRC-16 is verified; a mismatch throws
/// ``MediaDecodingError/Code/checksumMismatch``, and so does a decoded stream whose MD5 differs from the
/// STREAMINFO signature (unless ``verifiesSignature`` is off or the signature is all zeros, meaning unset).
///
/// Samples become `Float` as `value / 2^(bits − 1)`, the same scale ``WAVDecoder`` uses for the same PCM.
public struct FLACDecoder: AudioDecoder {
    /// Whether the decoded samples are checked against the STREAMINFO MD5 signature.
    public var verifiesSignature: Bool

    /// Creates a FLAC decoder.
    /// - Parameter verifiesSignature: Whether to check the STREAMINFO MD5 signature (hashing the PCM adds roughly
    ///   half again to the decoding time).
    public init(verifiesSignature: Bool = true) {
        self.verifiesSignature = verifiesSignature
    }

    /// Whether `header` starts with `fLaC`, or with an ID3v2 tag followed by `fLaC`.
    ///
    /// When the tag is longer than `header` the marker cannot be seen, so any ID3v2-tagged file is accepted;
    /// ``decode(_:limits:)`` then throws ``MediaDecodingError/Code/unknownFormat`` if no `fLaC` follows the tag
    /// (an MP3 file, say). Register a host MP3 decoder in front to take those.
    /// - Parameter header: The first bytes of a file.
    /// - Returns: `true` for a FLAC file.
    public func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
        let magic = Array("fLaC".utf8)
        if header.starts(with: magic) { return true }
        let skip = FLACStreamInfo.id3Length(header)
        guard skip > 0 else { return false }
        guard skip < header.count else { return true }
        return header.dropFirst(skip).starts(with: magic)
    }

    /// Decodes a FLAC file.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: ``DecodingLimits/maxFrames`` and ``DecodingLimits/maxDecompressedBytes`` bound the output.
    /// - Returns: The interleaved samples.
    /// - Throws: ``MediaDecodingError``: `.truncated`, `.corrupt` (lost sync, reserved codes, frames that disagree
    ///   with STREAMINFO), `.checksumMismatch` (CRC-8 or CRC-16) or `.limitExceeded`.
    public func decode(_ bytes: [UInt8], limits: DecodingLimits) throws(MediaDecodingError) -> AudioBuffer {
        let info = try FLACStreamInfo(bytes)
        let channels = info.channelCount
        if info.totalFrames > 0 {
            try checkLimits(info.totalFrames, channels, limits)
        }
        var samples = [Float]()
        // The header's frame count is a claim: reserve no more than the data could plausibly hold.
        if info.totalFrames > 0 { samples.reserveCapacity(min(info.totalFrames * channels, bytes.count * 16)) }
        var block = [Int64]()
        let checksSignature = verifiesSignature && info.md5.contains { $0 != 0 }
        var md5 = MD5()
        var pcm = [UInt8]()
        var offset = info.audioOffset
        var frames = 0
        while offset < bytes.count {
            if info.totalFrames > 0 && frames >= info.totalFrames { break }
            let frameStart = offset
            var reader = FLACBitReader(bytes, offset: frameStart)
            let header = try FLACFrameHeader(&reader, bytes: bytes, streamInfo: info)
            guard header.channels.channelCount == channels else {
                throw .corrupt(
                    "FLAC frame at offset \(frameStart) has \(header.channels.channelCount) channels, STREAMINFO \(channels)"
                )
            }
            guard header.bitsPerSample == info.bitsPerSample else {
                throw .corrupt(
                    "FLAC frame at offset \(frameStart) has \(header.bitsPerSample) bits, STREAMINFO \(info.bitsPerSample)"
                )
            }
            let n = header.blockSize
            try checkLimits(frames + n, channels, limits)
            if block.count < n * channels { block = [Int64](repeating: 0, count: n * channels) }
            for c in 0..<channels {
                let bits = header.bitsPerSample + (header.channels.isSide(c) ? 1 : 0)
                try FLACSubframe.decode(&reader, blockSize: n, bitsPerSample: bits, into: &block, at: c * n)
            }
            guard reader.alignToByte() == 0 else { throw .corrupt("FLAC frame padding bits are not zero") }
            let footer = reader.byteOffset
            let stored = UInt16(truncatingIfNeeded: try reader.read(16))
            let computed = FLACChecksum.crc16(bytes, frameStart..<footer)
            guard stored == computed else {
                throw MediaDecodingError(
                    .checksumMismatch,
                    "FLAC frame at offset \(frameStart): CRC-16 is \(computed), stored \(stored)"
                )
            }
            Self.decorrelate(&block, n, header.channels)
            let keep = info.totalFrames > 0 ? min(n, info.totalFrames - frames) : n
            Self.appendInterleaved(block, n, keep, channels, info.bitsPerSample, to: &samples)
            if checksSignature {
                Self.littleEndianPCM(block, n, keep, channels, info.bitsPerSample, into: &pcm)
                md5.update(pcm)
            }
            frames += keep
            offset = reader.byteOffset
        }
        if info.totalFrames > 0 && frames < info.totalFrames {
            throw .truncated("FLAC stream ends after \(frames) of \(info.totalFrames) frames")
        }
        if checksSignature {
            let digest = md5.finalize()
            guard digest == info.md5 else {
                throw MediaDecodingError(
                    .checksumMismatch,
                    "FLAC decoded audio does not match the STREAMINFO MD5 signature"
                )
            }
        }
        return AudioBuffer(sampleRate: info.sampleRate, channelCount: channels, samples: samples)
    }

    private func checkLimits(_ frames: Int, _ channels: Int, _ limits: DecodingLimits) throws(MediaDecodingError) {
        guard frames <= limits.maxFrames else {
            throw .limit("FLAC stream has \(frames) frames, limit \(limits.maxFrames)")
        }
        let (bytes, overflow) = frames.multipliedReportingOverflow(by: channels * 4)
        guard !overflow, bytes <= limits.maxDecompressedBytes else {
            throw .limit("FLAC stream needs more than \(limits.maxDecompressedBytes) bytes of samples")
        }
    }

    /// Undoes stereo decorrelation in place: afterwards channel 0 is left and channel 1 is right.
    private static func decorrelate(_ s: inout [Int64], _ n: Int, _ assignment: FLACChannelAssignment) {
        switch assignment {
        case .independent:
            break
        case .leftSide:
            for i in 0..<n { s[n + i] = s[i] &- s[n + i] }
        case .rightSide:
            for i in 0..<n { s[i] = s[i] &+ s[n + i] }
        case .midSide:
            for i in 0..<n {
                let side = s[n + i]
                let mid = (s[i] << 1) | (side & 1)
                s[i] = (mid &+ side) >> 1
                s[n + i] = (mid &- side) >> 1
            }
        }
    }
}
