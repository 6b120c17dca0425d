// SPDX-License-Identifier: Apache-2.0

/// Where the video frames and audio data of an AVI `movi` list are, from `idx1` when present, else from a
/// walk of `movi` (descending into `LIST rec `).
struct AVIIndex {
    /// The payload of every video frame; a zero-size chunk (a dropped frame) repeats the previous payload.
    var frames: [Range<Int>] = []
    /// The payload of every audio chunk of the selected audio stream, in order.
    var audio: [Range<Int>] = []

    /// Chunk ids: `NNdc`/`NNdb` for the video stream, `NNwb` for the audio stream.
    struct Streams {
        let video: Int
        let audio: Int?

        func matches(video id: UInt32) -> Bool {
            id == Self.id(video, "dc") || id == Self.id(video, "db")
        }

        func matches(audio id: UInt32) -> Bool {
            guard let audio else { return false }
            return id == Self.id(audio, "wb")
        }

        private static func id(_ stream: Int, _ suffix: String) -> UInt32 {
            let digits = Array("0123456789".utf8)
            let tail = Array(suffix.utf8)
            return UInt32(digits[(stream / 10) % 10]) << 24 | UInt32(digits[stream % 10]) << 16
                | UInt32(tail[0]) << 8 | UInt32(tail[1])
        }
    }

    /// An empty index.
    init() {}

    /// Builds the index from `idx1` (offsets relative to the `movi` list type, or absolute).
    init(
        _ bytes: [UInt8],
        idx1: Range<Int>,
        movi: RIFFChunk,
        streams: Streams,
        limits: DecodingLimits
    ) throws(MediaDecodingError) {
        let entries = idx1.count / 16
        let moviBase = movi.payload.lowerBound
        var base: Int?
        for e in 0..<entries {
            let entry = idx1.lowerBound + 16 * e
            let id = bytes.uint32BE(at: entry)
            let isVideo = streams.matches(video: id)
            guard isVideo || streams.matches(audio: id) else { continue }
            let offset = Int(bytes.uint32LE(at: entry + 8))
            if base == nil {
                // The first entry decides whether offsets count from the 'movi' list type or the file start.
                if Self.chunk(id, in: bytes, at: moviBase + offset) {
                    base = moviBase
                } else if Self.chunk(id, in: bytes, at: offset) {
                    base = 0
                } else {
                    throw .corrupt(
                        "AVI idx1 entry \(e) points at offset \(offset), where chunk '\(FourCC.name(id))' is not"
                    )
                }
            }
            let chunk = try RIFFChunk(bytes, at: (base ?? 0) + offset, end: movi.payload.upperBound, format: "AVI")
            guard chunk.id == id else {
                throw .corrupt(
                    "AVI idx1 entry \(e) names '\(FourCC.name(id))' but the chunk is '\(FourCC.name(chunk.id))'"
                )
            }
            try add(chunk, isVideo: isVideo, limits: limits)
        }
    }

    private static func chunk(_ id: UInt32, in bytes: [UInt8], at offset: Int) -> Bool {
        offset >= 0 && bytes.count - offset >= 4 && bytes.uint32BE(at: offset) == id
    }

    /// Builds the index by walking the `movi` list.
    init(_ bytes: [UInt8], movi: RIFFChunk, streams: Streams, limits: DecodingLimits) throws(MediaDecodingError) {
        var pending = [(movi.payload.lowerBound + 4)..<movi.payload.upperBound]
        while let range = pending.popLast() {
            var offset = range.lowerBound
            while range.upperBound - offset >= 8 {
                let chunk = try RIFFChunk(bytes, at: offset, end: range.upperBound, format: "AVI")
                offset = chunk.next
                if chunk.id == FourCC.list {
                    // A 'rec ' list groups interleaved chunks; walk it before the rest of this level.
                    if chunk.listType(bytes) == FourCC.rec {
                        pending.append(offset..<range.upperBound)
                        pending.append((chunk.payload.lowerBound + 4)..<chunk.payload.upperBound)
                        break
                    }
                } else if streams.matches(video: chunk.id) {
                    try add(chunk, isVideo: true, limits: limits)
                } else if streams.matches(audio: chunk.id) {
                    try add(chunk, isVideo: false, limits: limits)
                }
            }
        }
    }

    private mutating func add(_ chunk: RIFFChunk, isVideo: Bool, limits: DecodingLimits) throws(MediaDecodingError) {
        guard isVideo else {
            audio.append(chunk.payload)
            return
        }
        if chunk.payload.isEmpty {
            guard let previous = frames.last else { return }  // nothing to repeat before the first frame
            frames.append(previous)
        } else {
            frames.append(chunk.payload)
        }
        try limits.checkVideoFrames(frames.count, format: "AVI")
    }
}
