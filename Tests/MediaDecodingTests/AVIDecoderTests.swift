// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct AVIDecoderTests {
    static let large = "video_bbb_mjpeg_320x180_25fps"
    static let noDHT = "video_bbb_mjpeg_nodht_160x90"
    static let registry = MediaDecoder().registering(FakeJPEGDecoder())

    @Test func containerFactsAndAudioTrack() throws {
        let clip = try MediaDecoder().decodeVideo(VideoFixtures.bytes(Self.large + ".avi"))
        #expect(clip.width == 320 && clip.height == 180)
        #expect(clip.frameCount == 30)
        #expect(clip.frameRate == VideoClip.FrameRate(25))
        #expect(abs(clip.duration - 1.2) < 1e-12)
        let audio = try #require(clip.audio)
        #expect(audio.sampleRate == 16_000 && audio.channelCount == 1 && audio.frameCount == 19_200)
        let expected = try VideoFixtures.npy(Self.large + "_audio.npy")
        #expect(expected.shape == [19_200, 1])
        #expect(audio.samples == expected.floats)

        let small = try AVIDecoder().decode(VideoFixtures.bytes(Self.noDHT + ".avi"))
        #expect(small.width == 160 && small.height == 90 && small.frameCount == 6 && small.audio == nil)
    }

    @Test(.enabled(if: !VideoFixtures.hasJPEG, "only while no JPEG decoder is registered"))
    func framesNeedARegisteredJPEGDecoder() throws {
        let clip = try MediaDecoder().decodeVideo(VideoFixtures.bytes(Self.noDHT + ".avi"))
        let error = VideoFixtures.error { _ = try clip.frame(at: 0) }
        #expect(error?.code == .unsupportedCodec)
        // The chunk handed to the image decoders is the complete JPEG (SOI first).
        let fake = try AVIDecoder().decode(
            VideoFixtures.bytes(Self.noDHT + ".avi"),
            limits: .default,
            using: Self.registry
        )
        #expect(try fake.frame(at: 5).uint8Samples == [0xE0])  // FF D8 FF E0: JFIF APP0 follows SOI
    }

    @Test(
        .enabled(if: VideoFixtures.hasJPEG, "needs a JPEG ImageDecoder registered in MediaDecoder (FF D8 FF)"),
        arguments: [0, 3, 5]
    )
    func noDHTFramesMatchFFmpeg(_ index: Int) throws {
        let clip = try MediaDecoder().decodeVideo(VideoFixtures.bytes(Self.noDHT + ".avi"))
        let name = "\(Self.noDHT)_frame00\(index)"
        try VideoFixtures.expect(
            try clip.frame(at: index),
            matches: VideoFixtures.npy(name + ".npy"),
            mean: 3,
            max: 64,
            name
        )
    }

    @Test(.enabled(if: VideoFixtures.hasJPEG, "needs a JPEG ImageDecoder registered in MediaDecoder (FF D8 FF)"))
    func firstFrameMatchesFFmpegAndPillow() throws {
        let clip = try MediaDecoder().decodeVideo(VideoFixtures.bytes(Self.large + ".avi"))
        let frame = try clip.frame(at: 0)
        for suffix in ["", "_pillow"] {
            let name = "\(Self.large)_frame000\(suffix)"
            try VideoFixtures.expect(frame, matches: VideoFixtures.npy(name + ".npy"), mean: 3, max: 64, name)
        }
    }

    @Test(
        .enabled(if: VideoFixtures.hasJPEG, "needs a JPEG ImageDecoder registered in MediaDecoder (FF D8 FF)"),
        .enabled(if: Fixtures.hasShared, "needs MMRAG_FIXTURES (shared media/video frames 15 and 29)"),
        arguments: [15, 29]
    )
    func laterFramesMatchFFmpegAndPillow(_ index: Int) throws {
        let clip = try MediaDecoder().decodeVideo(VideoFixtures.bytes(Self.large + ".avi"))
        let frame = try clip.frame(at: index)
        for suffix in ["", "_pillow"] {
            let name = "\(Self.large)_frame0\(index)\(suffix)"
            try VideoFixtures.expect(frame, matches: VideoFixtures.sharedNPY(name + ".npy"), mean: 3, max: 64, name)
        }
    }

    /// Every frame handed to the image decoders is exactly the `00dc` chunk the manifest lists.
    @Test(arguments: [(0, 9956, 11_268), (15, 197_616, 11_058), (29, 366_632, 10_521)])
    func framesAreTheWholeJPEGChunks(_ index: Int, _ offset: Int, _ count: Int) throws {
        struct Passthrough: ImageDecoder {
            func canDecode(_ header: ArraySlice<UInt8>) -> Bool { header.starts(with: [0xFF, 0xD8]) }
            func decode(_ bytes: [UInt8], limits: DecodingLimits) throws -> Image {
                Image(width: bytes.count, height: 1, format: .gray, samples: .uint8(bytes))
            }
        }
        let bytes = try VideoFixtures.bytes(Self.large + ".avi")
        let clip = try MediaDecoder().registering(Passthrough()).decodeVideo(bytes)
        #expect(try clip.frame(at: index).uint8Samples == Array(bytes[offset..<offset + count]))
    }

    @Test(arguments: [true, false])
    func indexOrScanFindsFramesAndAudio(_ index: Bool) throws {
        let frames: [[UInt8]] = [[0xFF, 0xD8, 0xFF, 10, 0], [], [0xFF, 0xD8, 0xFF, 30]]  // odd size, dropped frame
        let audio: [[UInt8]] = [[0x00, 0x40, 0x00, 0xC0], [0xFF, 0x7F]]
        let bytes = TestAVIWriter.make(frames: frames, audio: audio, index: index)
        let clip = try AVIDecoder().decode(bytes, limits: .default, using: Self.registry)
        #expect(clip.frameCount == 3)
        #expect(try (0..<3).map { try clip.frame(at: $0).uint8Samples } == [[10], [10], [30]])
        let track = try #require(clip.audio)
        #expect(track.sampleRate == 8000 && track.samples == [0.5, -0.5, 32_767 / 32_768])
    }

    @Test func recordListsAreWalked() throws {
        let frames: [[UInt8]] = [[0xFF, 0xD8, 0xFF, 1], [0xFF, 0xD8, 0xFF, 2]]
        let bytes = TestAVIWriter.make(frames: frames, index: false, recordLists: true)
        let clip = try AVIDecoder().decode(bytes, limits: .default, using: Self.registry)
        #expect(try clip.frames(sampledUniformly: 2).map(\.uint8Samples) == [[1], [2]])
    }

    @Test(arguments: ["H264", "XVID", "DIVX", "\0\0\0\0"])
    func otherCodecsAreUnsupportedCodec(_ codec: String) throws {
        let bytes = TestAVIWriter.make(codec: codec, frames: [[1, 2, 3]])
        let error = VideoFixtures.error { _ = try MediaDecoder().decodeVideo(bytes) }
        #expect(error?.code == .unsupportedCodec)
        #expect(
            error?.message.contains(codec == "\0\0\0\0" ? "BI_RGB" : "'\(codec)'") == true,
            "\(String(describing: error))"
        )
    }

    @Test func hostDecoderErrorsAreWrapped() throws {
        let bytes = TestAVIWriter.make(frames: [[0xFF, 0xD8, 0xFF]])
        let clip = try AVIDecoder().decode(bytes, limits: .default, using: Self.registry)
        let error = VideoFixtures.error { _ = try clip.frame(at: 0) }
        #expect(error?.code == .corrupt)
        #expect(error?.underlying is FakeJPEGDecoder.Failure)
    }

    @Test func lyingSizesThrow() throws {
        var bytes = TestAVIWriter.make(frames: [[0xFF, 0xD8, 0xFF, 1]])
        let movi = try #require(Self.find("movi", in: bytes)) - 8  // the LIST header
        bytes.replaceSubrange((movi + 4)..<(movi + 8), with: TestAVIWriter.le32(1 << 30))
        #expect(VideoFixtures.error { _ = try AVIDecoder().decode(bytes) }?.code == .truncated)

        var index = TestAVIWriter.make(frames: [[0xFF, 0xD8, 0xFF, 1]])
        let idx1 = try #require(Self.find("idx1", in: index))
        index.replaceSubrange((idx1 + 16)..<(idx1 + 20), with: TestAVIWriter.le32(1 << 20))  // entry offset
        let rescued = try AVIDecoder().decode(index, limits: .default, using: Self.registry)  // movi is walked instead
        #expect(try rescued.frame(at: 0).uint8Samples == [1])
        var lyingEntry = TestAVIWriter.make(frames: [[0xFF, 0xD8, 0xFF, 1]])
        let entry = try #require(Self.find("idx1", in: lyingEntry))
        lyingEntry.replaceSubrange((entry + 16)..<(entry + 20), with: TestAVIWriter.le32(0))  // points at 'movi'
        #expect(try AVIDecoder().decode(lyingEntry, limits: .default, using: Self.registry).frameCount == 1)

        let empty = TestAVIWriter.make(frames: [])
        #expect(VideoFixtures.error { _ = try AVIDecoder().decode(empty) }?.code == .corrupt)
        let limited = TestAVIWriter.make(frames: Array(repeating: [0xFF, 0xD8, 0xFF, 1], count: 3))
        let limits = DecodingLimits(maxVideoFrames: 2)
        #expect(VideoFixtures.error { _ = try AVIDecoder().decode(limited, limits: limits) }?.code == .limitExceeded)
        let wide = TestAVIWriter.make(width: 1 << 20, height: 1 << 20, frames: [[0xFF, 0xD8, 0xFF, 1]])
        #expect(VideoFixtures.error { _ = try AVIDecoder().decode(wide) }?.code == .limitExceeded)
    }

    @Test func truncatedPrefixesNeverTrap() throws {
        VideoFixtures.truncationSweep(try VideoFixtures.bytes(Self.noDHT + ".avi"), step: 7, fullFrameCount: 6)
        VideoFixtures.truncationSweep(try VideoFixtures.bytes(Self.large + ".avi"), step: 397, fullFrameCount: 30)
        let synthetic = TestAVIWriter.make(frames: [[0xFF, 0xD8, 0xFF, 1], []], audio: [[1, 2]], index: true)
        VideoFixtures.truncationSweep(synthetic, step: 1, fullFrameCount: 2, registry: Self.registry)
    }

    static func find(_ text: String, in bytes: [UInt8]) -> Int? {
        let needle = Array(text.utf8)
        return (0...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle }
    }
}
