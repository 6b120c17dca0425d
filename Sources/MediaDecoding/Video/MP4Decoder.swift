// SPDX-License-Identifier: Apache-2.0

/// Recognises ISO base media files (MP4, MOV, M4V, 3GP) and names the codec of their video track.
///
/// No ISO-BMFF video codec is decoded here: ``decode(_:limits:using:)`` walks `moov` → `trak` → `mdia`
/// (`hdlr`) → `minf` → `stbl` → `stsd` just far enough to read the first sample entry of the first video track
/// and throws ``MediaDecodingError/Code/unsupportedCodec`` naming it (`avc1` H.264, `hvc1` HEVC, `av01` AV1,
/// `mp4v` MPEG-4 Part 2 …). Hosts can register a platform ``VideoDecoder`` in front of it.
public struct MP4Decoder: VideoDecoder {
    private static let topLevel: Set<UInt32> = Set(["ftyp", "moov", "mdat", "free", "wide", "skip"].map(FourCC.value))
    private static let codecNames: [UInt32: String] = Dictionary(
        uniqueKeysWithValues: [
            ("avc1", "H.264/AVC"), ("avc3", "H.264/AVC"), ("hvc1", "H.265/HEVC"), ("hev1", "H.265/HEVC"),
            ("av01", "AV1"), ("vp08", "VP8"), ("vp09", "VP9"), ("mp4v", "MPEG-4 Part 2"), ("s263", "H.263"),
            ("jpeg", "Motion-JPEG in MOV"), ("mjpa", "Motion-JPEG A"), ("mjpb", "Motion-JPEG B"),
            ("apch", "Apple ProRes"), ("apcn", "Apple ProRes"), ("encv", "encrypted video"),
        ].map { (FourCC.value($0.0), $0.1) }
    )

    /// Creates an MP4/MOV recogniser.
    public init() {}

    /// Whether the first box type (bytes 4–7) is `ftyp`, `moov`, `mdat`, `free`, `wide` or `skip`.
    /// - Parameter header: The first bytes of a file.
    /// - Returns: `true` for an ISO base media file.
    public func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(header.prefix(8))
        return bytes.count == 8 && Self.topLevel.contains(bytes.uint32BE(at: 4))
    }

    /// Finds the video codec and throws ``MediaDecodingError/Code/unsupportedCodec`` naming it.
    /// - Parameters:
    ///   - bytes: The complete file.
    ///   - limits: Unused.
    ///   - registry: Unused.
    /// - Returns: Never returns normally.
    /// - Throws: ``MediaDecodingError``: `.unsupportedCodec` with the codec's four-character code,
    ///   `.truncated` (for example `moov` cut short or missing after `mdat`), `.corrupt` or `.unsupported`
    ///   (no video track).
    public func decode(
        _ bytes: [UInt8],
        limits: DecodingLimits,
        using registry: MediaDecoder
    ) throws(MediaDecodingError) -> VideoClip {
        let codec = try Self.videoCodec(bytes)
        let known = Self.codecNames[codec].map { " (\($0))" } ?? ""
        throw .unsupportedCodec(
            "MP4/MOV video codec '\(FourCC.name(codec))'\(known) is not supported; decodable video is Y4M, "
                + "Motion-JPEG AVI and animated GIF"
        )
    }

    /// The sample-entry four-character code of the first video track (or of the first track when none is
    /// marked `vide`).
    static func videoCodec(_ bytes: [UInt8]) throws(MediaDecodingError) -> UInt32 {
        guard let moov = try child("moov", of: 0..<bytes.count, in: bytes) else {
            throw .truncated("MP4 file has no moov box (cut short, or a fragmented file without one)")
        }
        var firstCodec: UInt32?
        for trak in try boxes(in: moov, of: bytes) where trak.type == FourCC.value("trak") {
            guard let mdia = try child("mdia", of: trak.payload, in: bytes) else { continue }
            var handler: UInt32 = 0
            if let hdlr = try child("hdlr", of: mdia, in: bytes), hdlr.count >= 12 {
                handler = bytes.uint32BE(at: hdlr.lowerBound + 8)
            }
            guard let minf = try child("minf", of: mdia, in: bytes),
                let stbl = try child("stbl", of: minf, in: bytes),
                let stsd = try child("stsd", of: stbl, in: bytes)
            else { continue }
            guard stsd.count >= 16 else { throw .corrupt("MP4 stsd box is \(stsd.count) bytes, too short") }
            let entryCount = bytes.uint32BE(at: stsd.lowerBound + 4)
            guard entryCount > 0 else { continue }
            let codec = bytes.uint32BE(at: stsd.lowerBound + 12)
            if handler == FourCC.value("vide") { return codec }
            if firstCodec == nil { firstCodec = codec }
        }
        guard let firstCodec else { throw .unsupported("MP4 file has no video track with a sample description") }
        return firstCodec
    }

    private struct Box {
        let type: UInt32
        let payload: Range<Int>
    }

    /// Every box in `range`; sizes are checked against the range (a box running past it is truncation).
    private static func boxes(in range: Range<Int>, of bytes: [UInt8]) throws(MediaDecodingError) -> [Box] {
        var result = [Box]()
        var offset = range.lowerBound
        while range.upperBound - offset >= 8 {
            let declared = Int(bytes.uint32BE(at: offset))
            let type = bytes.uint32BE(at: offset + 4)
            var headerSize = 8
            var size = declared
            if declared == 1 {
                guard range.upperBound - offset >= 16 else { throw .truncated("MP4 64-bit box size is cut short") }
                let large = UInt64(bytes.uint32BE(at: offset + 8)) << 32 | UInt64(bytes.uint32BE(at: offset + 12))
                guard large <= UInt64(range.upperBound - offset) else {
                    throw .truncated("MP4 box '\(FourCC.name(type))' at offset \(offset) claims \(large) bytes")
                }
                size = Int(large)
                headerSize = 16
            } else if declared == 0 {
                size = range.upperBound - offset
            }
            guard size >= headerSize else {
                throw .corrupt("MP4 box '\(FourCC.name(type))' at offset \(offset) has size \(size)")
            }
            guard size <= range.upperBound - offset else {
                throw .truncated(
                    "MP4 box '\(FourCC.name(type))' at offset \(offset) claims \(size) bytes, "
                        + "\(range.upperBound - offset) left"
                )
            }
            result.append(Box(type: type, payload: (offset + headerSize)..<(offset + size)))
            offset += size
        }
        return result
    }

    private static func child(
        _ type: String,
        of range: Range<Int>,
        in bytes: [UInt8]
    ) throws(MediaDecodingError) -> Range<Int>? {
        let wanted = FourCC.value(type)
        return try boxes(in: range, of: bytes).first { $0.type == wanted }?.payload
    }
}
