// SPDX-License-Identifier: Apache-2.0

import MediaDecoding

/// Writes small AVI files for tests: `hdrl` with one video and optionally one PCM audio stream, a `movi`
/// list (optionally wrapped in `LIST rec `), `JUNK`, and an optional `idx1`.
enum TestAVIWriter {
    static func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func le16(_ value: Int) -> [UInt8] { (0..<2).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    static func chunk(_ id: String, _ payload: [UInt8]) -> [UInt8] {
        Array(id.utf8) + le32(payload.count) + payload + (payload.count % 2 == 1 ? [0] : [])
    }

    static func list(_ type: String, _ body: [UInt8]) -> [UInt8] {
        chunk("LIST", Array(type.utf8) + body)
    }

    static func streamHeader(type: String, handler: [UInt8], scale: Int, rate: Int, length: Int) -> [UInt8] {
        var strh = Array(type.utf8) + handler + le32(0) + le32(0) + le32(0)
        strh += le32(scale) + le32(rate) + le32(0) + le32(length) + le32(0) + le32(0) + le32(0)
        return strh + [UInt8](repeating: 0, count: 56 - strh.count)
    }

    /// An AVI whose video chunks are `frames` (stream 0) and audio chunks `audio` (stream 1, 16-bit mono 8 kHz).
    static func make(
        codec: String = "MJPG",
        width: Int = 4,
        height: Int = 2,
        frames: [[UInt8]],
        audio: [[UInt8]] = [],
        index: Bool = true,
        recordLists: Bool = false
    ) -> [UInt8] {
        let fourCC = Array(codec.utf8)
        var avih = le32(40_000) + le32(0) + le32(0) + le32(0x10) + le32(frames.count) + le32(0)
        avih += le32(audio.isEmpty ? 1 : 2) + le32(0) + le32(width) + le32(height)
        avih += [UInt8](repeating: 0, count: 56 - avih.count)
        var bitmap = le32(40) + le32(width) + le32(height) + le16(1) + le16(24) + fourCC
        bitmap += [UInt8](repeating: 0, count: 40 - bitmap.count)
        var header = chunk("avih", avih)
        header += list(
            "strl",
            chunk("strh", streamHeader(type: "vids", handler: fourCC, scale: 1, rate: 25, length: frames.count))
                + chunk("strf", bitmap) + chunk("JUNK", [1, 2, 3])
        )
        if !audio.isEmpty {
            let wave = le16(1) + le16(1) + le32(8000) + le32(16_000) + le16(2) + le16(16)
            let strh = streamHeader(type: "auds", handler: [0, 0, 0, 0], scale: 1, rate: 8000, length: 0)
            header += list("strl", chunk("strh", strh) + chunk("strf", wave))
        }
        var movi = [UInt8]()
        var entries = [UInt8]()
        func add(_ id: String, _ payload: [UInt8]) {
            entries += Array(id.utf8) + le32(0x10) + le32(4 + movi.count) + le32(payload.count)
            movi += chunk(id, payload)
        }
        for i in 0..<max(frames.count, audio.count) {
            if i < frames.count { add("00dc", frames[i]) }
            if i < audio.count { add("01wb", audio[i]) }
        }
        if recordLists { movi = list("rec ", movi) }
        var body = Array("AVI ".utf8) + list("hdrl", header) + chunk("JUNK", [UInt8](repeating: 0, count: 7))
        body += list("movi", movi)
        if index && !recordLists { body += chunk("idx1", entries) }
        return Array("RIFF".utf8) + le32(body.count) + body
    }
}

/// A stand-in "JPEG" decoder for MJPEG container tests: `FF D8 FF v …` decodes to a 1 × 1 gray pixel `v`;
/// fewer than 4 bytes throw a non-MediaDecoding error.
struct FakeJPEGDecoder: ImageDecoder {
    struct Failure: Error {}

    func canDecode(_ header: ArraySlice<UInt8>) -> Bool { header.starts(with: [0xFF, 0xD8, 0xFF]) }

    func decode(_ bytes: [UInt8], limits: DecodingLimits) throws -> Image {
        guard bytes.count >= 4 else { throw Failure() }
        return Image(width: 1, height: 1, format: .gray, samples: .uint8([bytes[3]]))
    }
}
