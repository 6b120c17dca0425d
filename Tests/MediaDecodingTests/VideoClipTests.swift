// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct VideoClipTests {
    /// A clip of `count` 1 × 1 gray frames whose value is the frame index.
    static func clip(_ count: Int, rate: VideoClip.FrameRate = .init(25)) -> VideoClip {
        VideoClip(width: 1, height: 1, frameCount: count, frameRate: rate) { index throws(MediaDecodingError) in
            Image(width: 1, height: 1, format: .gray, samples: .uint8([UInt8(truncatingIfNeeded: index)]))
        }
    }

    @Test func frameRateIsReduced() {
        let rate = VideoClip.FrameRate(60_000, 2002)
        #expect(rate.numerator == 30_000 && rate.denominator == 1001)
        #expect(rate.description == "30000/1001")
        #expect(VideoClip.FrameRate(50, 2).description == "25")
        #expect(abs(rate.framesPerSecond - 29.97002997) < 1e-8)
    }

    @Test func segmentCentres() {
        let clip = Self.clip(10)
        #expect(clip.frameIndices(sampledUniformly: 2) == [2, 7])
        #expect(clip.frameIndices(sampledUniformly: 5) == [1, 3, 5, 7, 9])
        #expect(clip.frameIndices(sampledUniformly: 1) == [5])
        #expect(clip.frameIndices(sampledUniformly: 0) == [])
        #expect(Self.clip(2).frameIndices(sampledUniformly: 4) == [0, 0, 1, 1])
        #expect(Self.clip(1).frameIndices(sampledUniformly: 3) == [0, 0, 0])
    }

    /// `torch.linspace(0, T - 1, n).long()` values, as pytorchvideo's `uniform_temporal_subsample` takes them.
    @Test func linspaceLikePytorchvideo() {
        #expect(Self.clip(10).frameIndices(sampledUniformly: 4, convention: .linspace) == [0, 3, 6, 9])
        #expect(
            Self.clip(30).frameIndices(sampledUniformly: 8, convention: .linspace) == [0, 4, 8, 12, 16, 20, 24, 29]
        )
        #expect(Self.clip(10).frameIndices(sampledUniformly: 1, convention: .linspace) == [0])
        #expect(Self.clip(3).frameIndices(sampledUniformly: 5, convention: .linspace) == [0, 0, 1, 1, 2])
    }

    @Test func sampledFramesAreDecodedInOrder() throws {
        let frames = try Self.clip(10).frames(sampledUniformly: 5)
        #expect(frames.map(\.uint8Samples) == [[1], [3], [5], [7], [9]])
        #expect(try Self.clip(2).frames(sampledUniformly: 3).map(\.uint8Samples) == [[0], [1], [1]])
    }

    @Test func nearestFrame() throws {
        let clip = Self.clip(13)  // 25 fps: frames start every 0.04 s
        #expect(clip.frameIndex(nearest: 0) == 0)
        #expect(clip.frameIndex(nearest: -3) == 0)
        #expect(clip.frameIndex(nearest: .nan) == 0)
        #expect(clip.frameIndex(nearest: 0.019) == 0)
        #expect(clip.frameIndex(nearest: 0.021) == 1)
        #expect(clip.frameIndex(nearest: 0.24) == 6)
        #expect(clip.frameIndex(nearest: 100) == 12)
        #expect(clip.frameIndex(nearest: .infinity) == 12)
        #expect(try clip.frame(nearest: 0.2).uint8Samples == [5])
        #expect(clip.startTime(ofFrame: 12) == 0.48)
        #expect(abs(clip.duration - 0.52) < 1e-12)
    }

    @Test func y4mSamplingAcrossTheFixture() throws {
        let clip = try MediaDecoder().decodeVideo(VideoFixtures.bytes("video_bbb_420_160x90_25fps.y4m"))
        let frames = try clip.frames(sampledUniformly: 3)
        #expect(clip.frameIndices(sampledUniformly: 3) == [2, 6, 10])
        let expected = try VideoFixtures.npy("video_bbb_420_160x90_25fps_frame006.npy")
        try VideoFixtures.expect(frames[1], matches: expected, mean: 0.1, max: 1, "sampled frame 6")
        let nearest = try clip.frame(nearest: 0.25)
        #expect(nearest == (try clip.frame(at: 6)))
    }
}
