// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct GIFDecoderTests {
    static let decodable = MediaFixtures.decodable("images", ["GIF"])
    static let still = decodable.filter { $0.expectedShape.count == 3 }
    static let animated = decodable.filter { $0.expectedShape.count == 4 }

    @Test func manifestListsEveryGIF() {
        #expect(Self.still.count == 2)
        #expect(Self.animated.count == 2)
    }

    @Test(arguments: still)
    func decodesStillImageExactly(_ fixture: MediaFixture) throws {
        let image = try GIFDecoder().decode(fixture.bytes(), limits: .default)
        try MediaFixtures.expect(image, matches: fixture)
    }

    @Test(arguments: animated)
    func compositesEveryFrameExactly(_ fixture: MediaFixture) throws {
        let frames = try GIFDecoder().decodeFrames(fixture.bytes(), limits: .default)
        let expected = try fixture.expectedArray()
        try #require(expected.shape.count == 4)
        try #require(frames.count == expected.shape[0])
        let values = expected.integers
        let frameSize = expected.shape[1] * expected.shape[2] * expected.shape[3]
        for (n, frame) in frames.enumerated() {
            #expect([frame.height, frame.width, frame.format.channelCount] == Array(expected.shape[1...]))
            let actual = try #require(frame.uint8Samples).map(Int.init)
            let slice = Array(values[(n * frameSize)..<((n + 1) * frameSize)])
            MediaFixtures.expectClose(actual, slice, maxAbs: 0, "\(fixture.file) frame \(n)", #_sourceLocation)
        }
    }

    @Test func firstFrameOfAnimationMatchesFirstComposite() throws {
        let fixture = try #require(Self.animated.first)
        let bytes = try fixture.bytes()
        let first = try GIFDecoder().decode(bytes, limits: .default)
        let frames = try GIFDecoder().decodeFrames(bytes, limits: .default)
        #expect(first.convertedToRGBA8() == frames.first)
    }

    @Test func frameLimitIsEnforced() throws {
        let bytes = try #require(Self.animated.first).bytes()
        do {
            _ = try GIFDecoder().decodeFrames(bytes, limits: DecodingLimits(maxFrames: 3))
            Issue.record("decoded more frames than allowed")
        } catch {
            #expect(error.code == .limitExceeded)
        }
    }

    @Test func rejectsImpossibleLZWCodeSize() throws {
        let bytes = try MediaFixtures.bytes("images/bad_gif_lzw_code_size.gif")
        do {
            _ = try GIFDecoder().decode(bytes, limits: .default)
            Issue.record("decoded a GIF with LZW code size 12")
        } catch {
            #expect(error.code == .corrupt, "\(error)")
        }
    }

    @Test(arguments: ["gif_static_transparent_100x82.gif", "gif_dispose_previous_100x100.gif"])
    func truncatedPrefixesThrow(_ file: String) throws {
        let bytes = try MediaFixtures.bytes("images/" + file)
        MediaFixtures.truncationSweep(bytes, step: 5) { prefix throws(MediaDecodingError) in
            _ = try GIFDecoder().decodeFrames(prefix, limits: .default)
        }
    }
}

/// The 10-frame GIF from `shared/fixtures/media/video` (ffmpeg's encoder: opaque first frame, later frames mostly
/// transparent index 255 over disposal 1), checked at frames 0, 5 and 9 against Pillow's composited canvas.
@Suite struct GIFVideoFixtureTests {
    @Test(arguments: [0, 5, 9])
    func compositedFrameMatchesPillow(_ index: Int) throws {
        let bytes = try MediaFixtures.bytes("video/video_bbb_anim_160x90_10fps.gif")
        let frames = try GIFDecoder().decodeFrames(bytes, limits: .default)
        #expect(frames.count == 10)
        let name = "video/video_bbb_anim_160x90_10fps_frame00\(index).npy"
        let expected = try NPYArray(contentsOf: MediaFixtures.url(name))
        try #require(expected.shape == [90, 160, 3])
        let frame = try #require(frames.count > index ? frames[index] : nil)
        let rgba = try #require(frame.uint8Samples)
        #expect(stride(from: 3, to: rgba.count, by: 4).allSatisfy { rgba[$0] == 255 })
        let rgb = try #require(frame.convertedToRGB8().uint8Samples).map(Int.init)
        MediaFixtures.expectClose(rgb, expected.integers, maxAbs: 0, name, #_sourceLocation)
    }
}
