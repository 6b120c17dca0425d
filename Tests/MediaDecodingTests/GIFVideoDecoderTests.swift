// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct GIFVideoDecoderTests {
    static let file = "video_bbb_anim_160x90_10fps"

    @Test func clipFactsAndFramesMatchPillow() throws {
        let bytes = try VideoFixtures.bytes(Self.file + ".gif")
        #expect(MediaDecoder().videoDecoder(for: bytes) is GIFVideoDecoder)
        let clip = try MediaDecoder().decodeVideo(bytes)
        #expect(clip.width == 160 && clip.height == 90 && clip.frameCount == 10)
        #expect(clip.frameRate == VideoClip.FrameRate(10))
        #expect(abs(clip.duration - 1.0) < 1e-12)
        for index in [0, 5, 9] {
            let name = "\(Self.file)_frame00\(index)"
            try VideoFixtures.expect(
                try clip.frame(at: index),
                matches: VideoFixtures.npy(name + ".npy"),
                mean: 0,
                max: 0,
                name
            )
        }
        #expect(clip.frameIndex(nearest: 0.55) == 6)
    }

    /// Two frames with delays 0 (counted as 10) and 30 hundredths: variable timing.
    @Test func variableDelaysGiveStartTimes() throws {
        var gif = Array("GIF89a".utf8) + [1, 0, 1, 0, 0x80, 0, 0] + [0, 0, 0, 255, 255, 255]
        for delay in [0, 30] {
            gif += [0x21, 0xF9, 4, 0, UInt8(delay), 0, 0, 0]
            gif += [0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0]
        }
        gif.append(0x3B)
        let clip = try GIFVideoDecoder().decode(gif, limits: .default, using: MediaDecoder())
        #expect(clip.frameCount == 2)
        #expect(abs(clip.duration - 0.4) < 1e-12)
        #expect(clip.frameRate == VideoClip.FrameRate(5))  // 2 frames in 0.4 s
        #expect(clip.startTime(ofFrame: 1) == 0.1)
        #expect(clip.frameIndex(nearest: 0.04) == 0)
        #expect(clip.frameIndex(nearest: 0.06) == 1)
        #expect(clip.frameIndex(nearest: 5) == 1)
        let limits = DecodingLimits(maxVideoFrames: 1)
        let error = VideoFixtures.error { _ = try GIFVideoDecoder().decode(gif, limits: limits, using: MediaDecoder()) }
        #expect(error?.code == .limitExceeded)
    }

    @Test func truncatedPrefixesNeverTrap() throws {
        VideoFixtures.truncationSweep(try VideoFixtures.bytes(Self.file + ".gif"), step: 1637, fullFrameCount: 10)
    }
}
