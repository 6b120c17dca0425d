// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct MP4DecoderTests {
    @Test func h264FixtureNamesTheCodec() throws {
        let bytes = try VideoFixtures.bytes("video_bbb_h264_160x90.mp4")
        #expect(MediaDecoder().videoDecoder(for: bytes) is MP4Decoder)
        let error = VideoFixtures.error { _ = try MediaDecoder().decodeVideo(bytes) }
        #expect(error?.code == .unsupportedCodec)
        #expect(error?.message.contains("'avc1'") == true)
        #expect(error?.message.contains("H.264") == true)
        #expect(error?.description.hasPrefix("unsupportedCodec: ") == true)
    }

    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        TestAVIWriter.le32(payload.count + 8).reversed() + Array(type.utf8) + payload
    }

    /// `ftyp` + `moov` with an audio track (`mp4a`) followed by a video track whose sample entry is `codec`.
    static func movie(_ codec: String, handler: String = "vide") -> [UInt8] {
        func track(_ handlerType: String, _ entry: String) -> [UInt8] {
            let hdlr = box(
                "hdlr",
                [0, 0, 0, 0, 0, 0, 0, 0] + Array(handlerType.utf8) + [UInt8](repeating: 0, count: 13)
            )
            let stsd = box("stsd", [0, 0, 0, 0, 0, 0, 0, 1] + box(entry, [UInt8](repeating: 0, count: 78)))
            let minf = box("minf", box("stbl", stsd))
            return box("trak", box("tkhd", [UInt8](repeating: 0, count: 84)) + box("mdia", hdlr + minf))
        }
        let moov = box(
            "moov",
            box("mvhd", [UInt8](repeating: 0, count: 100)) + track("soun", "mp4a") + track(handler, codec)
        )
        return box("ftyp", Array("isom".utf8) + [0, 0, 2, 0] + Array("isom".utf8)) + moov + box("mdat", [1, 2, 3])
    }

    @Test(arguments: ["hvc1", "av01", "mp4v", "vp09"])
    func syntheticMoviesNameTheirVideoCodec(_ codec: String) throws {
        let error = VideoFixtures.error { _ = try MediaDecoder().decodeVideo(Self.movie(codec)) }
        #expect(error?.code == .unsupportedCodec)
        #expect(error?.message.contains("'\(codec)'") == true, "\(String(describing: error))")
    }

    @Test func largeSizeAndAudioOnlyFiles() throws {
        var large = Self.movie("avc1")
        // Rewrite the mdat header (last 11 bytes) as a 64-bit size box.
        large.removeLast(11)
        large += [0, 0, 0, 1] + Array("mdat".utf8) + [0, 0, 0, 0, 0, 0, 0, 19] + [1, 2, 3]
        #expect(VideoFixtures.error { _ = try MediaDecoder().decodeVideo(large) }?.code == .unsupportedCodec)
        let audioOnly = Self.movie("mp4a", handler: "soun")
        let error = VideoFixtures.error { _ = try MediaDecoder().decodeVideo(audioOnly) }
        #expect(error?.code == .unsupportedCodec)  // no video track: the first track's codec is named
        let noMoov = Self.box("ftyp", Array("isom".utf8)) + Self.box("mdat", [1])
        #expect(VideoFixtures.error { _ = try MediaDecoder().decodeVideo(noMoov) }?.code == .truncated)
        var lying = Self.movie("avc1")
        lying.replaceSubrange(0..<4, with: [0, 0, 0, 4])
        #expect(VideoFixtures.error { _ = try MediaDecoder().decodeVideo(lying) }?.code == .corrupt)
    }

    @Test func truncatedPrefixesNeverTrap() throws {
        let bytes = try VideoFixtures.bytes("video_bbb_h264_160x90.mp4")
        for length in stride(from: 8, to: bytes.count, by: 3) {
            let error = VideoFixtures.error { _ = try MediaDecoder().decodeVideo(Array(bytes[0..<length])) }
            #expect(error != nil)
        }
        VideoFixtures.truncationSweep(Self.movie("hvc1"), step: 1, fullFrameCount: 0)
    }
}
