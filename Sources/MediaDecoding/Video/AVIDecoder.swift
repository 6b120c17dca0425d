// SPDX-License-Identifier: Apache-2.0

/// Reads AVI (RIFF `AVI `) files holding Motion-JPEG video, and their PCM audio track.
///
/// The decoder reads `hdrl` (`avih`, and `strh`/`strf` per stream), finds the first video stream and the first
/// audio stream in a PCM, IEEE-float or G.711 format, and indexes the `movi` list from `idx1` when present or
/// by walking it otherwise or when `idx1` contradicts it (`JUNK` and other chunks are skipped, odd-sized chunks
/// are padded). Each video chunk
/// (`00dc`/`00db`) is a complete JPEG that ``VideoClip/frame(at:)`` decodes with the registry's image decoders,
/// so a JPEG ``ImageDecoder`` must be registered; a zero-size chunk repeats the previous frame. Audio chunks
/// (`01wb`) are decoded up front into ``VideoClip/audio``.
///
/// Other video codecs (`H264`, `XVID`, `DIVX`, uncompressed DIB …) throw
/// ``MediaDecodingError/Code/unsupportedCodec`` naming the four-character code. OpenDML `AVIX` extensions
/// (files over 1 GiB) are not read.
public struct AVIDecoder: VideoDecoder {
    /// The `biCompression` / `fccHandler` codes accepted as Motion-JPEG.
    static let motionJPEG: Set<UInt32> = Set(
        ["MJPG", "mjpg", "AVRn", "AVDJ", "dmb1", "JPEG", "jpeg", "MJPA"].map(FourCC.value)
    )

    /// Creates an AVI decoder.
    public init() {}

    /// Whether `header` starts with `RIFF`, a size and `AVI `.
    /// - Parameter header: The first bytes of a file.
    /// - Returns: `true` for an AVI file.
    public func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(header.prefix(12))
        return bytes.count == 12 && bytes.uint32BE(at: 0) == FourCC.riff && bytes.uint32BE(at: 8) == FourCC.avi
    }

    /// Reads the headers, the index and the audio track; frames are decoded later by `registry`.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Checked against the frame size, ``DecodingLimits/maxVideoFrames`` and, for the audio,
    ///     ``DecodingLimits/maxFrames``; passed on to the image decoder for every frame.
    ///   - registry: Whose image decoders decode the JPEG frames.
    /// - Returns: The clip.
    /// - Throws: ``MediaDecodingError``: `.unsupportedCodec` for a non-MJPEG video stream, `.truncated` when a
    ///   chunk claims more bytes than remain, `.corrupt`, `.unsupported` (no video stream) or `.limitExceeded`.
    public func decode(
        _ bytes: [UInt8],
        limits: DecodingLimits,
        using registry: MediaDecoder
    ) throws(MediaDecodingError) -> VideoClip {
        guard bytes.count >= 12 else { throw .truncated("AVI RIFF header needs 12 bytes, \(bytes.count) present") }
        guard canDecode(bytes[...]) else { throw .corrupt("file does not start with RIFF....AVI ") }
        let riffEnd = min(bytes.count, 8 + Int(bytes.uint32LE(at: 4)))
        guard riffEnd >= 12 else {
            throw .corrupt("AVI RIFF size \(bytes.uint32LE(at: 4)) does not cover its form type")
        }
        var hdrl: RIFFChunk?
        var movi: RIFFChunk?
        var idx1: Range<Int>?
        for chunk in try RIFFChunk.children(bytes, in: 12..<riffEnd, format: "AVI") {
            if chunk.id == FourCC.list, chunk.listType(bytes) == FourCC.hdrl, hdrl == nil { hdrl = chunk }
            if chunk.id == FourCC.list, chunk.listType(bytes) == FourCC.movi, movi == nil { movi = chunk }
            if chunk.id == FourCC.idx1, idx1 == nil { idx1 = chunk.payload }
        }
        guard let hdrl else { throw .truncated("AVI file has no LIST hdrl") }
        guard let movi else { throw .truncated("AVI file has no LIST movi") }
        let header = try Header(bytes, hdrl: hdrl)
        guard let videoStream = header.streams.firstIndex(where: { $0.type == FourCC.vids }) else {
            throw .unsupported("AVI file has no video stream")
        }
        let video = header.streams[videoStream]
        let codec = video.compression(bytes) ?? video.handler
        guard Self.motionJPEG.contains(codec) || Self.motionJPEG.contains(video.handler) && codec == 0 else {
            let name = codec == 0 ? "uncompressed (BI_RGB)" : "'\(FourCC.name(codec))'"
            throw .unsupportedCodec("AVI video codec \(name) is not supported; only Motion-JPEG (MJPG) is")
        }
        let size = video.frameSize(bytes) ?? (header.width, header.height)
        try limits.checkImage(width: size.width, height: size.height, bytesPerPixel: 3, format: "AVI")
        let audioStream = header.streams.indices.first {
            header.streams[$0].type == FourCC.auds && header.streams[$0].audioFormat(bytes) != nil
        }
        let streams = AVIIndex.Streams(video: videoStream, audio: audioStream)
        var index: AVIIndex
        if let idx1, idx1.count >= 16 {
            do throws(MediaDecodingError) {
                index = try AVIIndex(bytes, idx1: idx1, movi: movi, streams: streams, limits: limits)
            } catch  where error.code == .corrupt {
                index = AVIIndex()  // an idx1 that contradicts the movi list is ignored, as players do
            }
            if index.frames.isEmpty { index = try AVIIndex(bytes, movi: movi, streams: streams, limits: limits) }
        } else {
            index = try AVIIndex(bytes, movi: movi, streams: streams, limits: limits)
        }
        let frames = index.frames
        guard !frames.isEmpty else { throw .corrupt("AVI movi list holds no video frames") }
        let rate: VideoClip.FrameRate
        if video.rate > 0, video.scale > 0 {
            rate = VideoClip.FrameRate(video.rate, video.scale)
        } else if header.microsecondsPerFrame > 0 {
            rate = VideoClip.FrameRate(1_000_000, header.microsecondsPerFrame)
        } else {
            throw .corrupt("AVI gives no frame rate (strh rate/scale and avih are 0)")
        }
        let audio = try audioStream.flatMap { stream throws(MediaDecodingError) in
            try Self.audio(bytes, index.audio, format: header.streams[stream].audioFormat(bytes), limits: limits)
        }
        return VideoClip(
            width: size.width,
            height: size.height,
            frameCount: frames.count,
            frameRate: rate,
            audio: audio
        ) { frame throws(MediaDecodingError) in
            try Self.decodeFrame(Array(bytes[frames[frame]]), index: frame, registry: registry, limits: limits)
        }
    }

    /// Reads the headers and index with the built-in registry (which has no JPEG decoder of its own).
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Bounds to check.
    /// - Returns: The clip.
    /// - Throws: What ``decode(_:limits:using:)`` throws.
    public func decode(_ bytes: [UInt8], limits: DecodingLimits = .default) throws(MediaDecodingError) -> VideoClip {
        try decode(bytes, limits: limits, using: MediaDecoder())
    }

    private static func decodeFrame(
        _ jpeg: [UInt8],
        index: Int,
        registry: MediaDecoder,
        limits: DecodingLimits
    ) throws(MediaDecodingError) -> Image {
        guard let decoder = registry.imageDecoder(for: jpeg) else {
            throw .unsupportedCodec(
                "AVI MJPEG frame \(index) needs an image decoder for its first bytes; register a JPEG ImageDecoder"
            )
        }
        do {
            return try decoder.decode(jpeg, limits: limits)
        } catch let error as MediaDecodingError {
            throw error
        } catch {
            throw MediaDecodingError(.corrupt, "AVI MJPEG frame \(index) failed to decode", underlying: error)
        }
    }

    private static func audio(
        _ bytes: [UInt8],
        _ chunks: [Range<Int>],
        format: WAVFormat?,
        limits: DecodingLimits
    ) throws(MediaDecodingError) -> AudioBuffer? {
        guard let format else { return nil }
        let total = chunks.reduce(0) { $0 + $1.count }
        let frameCount = total / format.blockAlign
        guard frameCount <= limits.maxFrames else {
            throw .limit("AVI audio has more than \(limits.maxFrames) sample frames")
        }
        var data = [UInt8]()
        data.reserveCapacity(total)
        for chunk in chunks { data.append(contentsOf: bytes[chunk]) }
        var samples = [Float]()
        samples.reserveCapacity(frameCount * format.channels)
        let width = format.containerBytes
        for frame in 0..<frameCount {
            for channel in 0..<format.channels {
                samples.append(format.sample(data, at: frame * format.blockAlign + channel * width, bigEndian: false))
            }
        }
        return AudioBuffer(sampleRate: format.sampleRate, channelCount: format.channels, samples: samples)
    }
}

extension AVIDecoder {
    /// The `hdrl` list: `avih` and one ``AVIStreamHeader`` per `strl`.
    struct Header {
        var microsecondsPerFrame = 0
        var width = 0
        var height = 0
        var streams: [AVIStreamHeader] = []

        init(_ bytes: [UInt8], hdrl: RIFFChunk) throws(MediaDecodingError) {
            let body = (hdrl.payload.lowerBound + 4)..<hdrl.payload.upperBound
            for chunk in try RIFFChunk.children(bytes, in: body, format: "AVI") {
                if chunk.id == FourCC.avih {
                    guard chunk.payload.count >= 40 else {
                        throw .corrupt("AVI avih chunk is \(chunk.payload.count) bytes, at least 40 are needed")
                    }
                    microsecondsPerFrame = Int(bytes.uint32LE(at: chunk.payload.lowerBound))
                    width = Int(bytes.uint32LE(at: chunk.payload.lowerBound + 32))
                    height = Int(bytes.uint32LE(at: chunk.payload.lowerBound + 36))
                } else if chunk.id == FourCC.list, chunk.listType(bytes) == FourCC.strl {
                    streams.append(try AVIStreamHeader(bytes, list: chunk))
                    guard streams.count <= 100 else { throw .corrupt("AVI declares more than 100 streams") }
                }
            }
        }
    }
}
