// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct Y4MDecoderTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var frame: Int
        var testDescription: String { "\(file) frame \(frame)" }
    }

    static let cases =
        [0, 6, 12].map { Case(file: "video_bbb_420_160x90_25fps", frame: $0) }
        + [0, 2, 4].map { Case(file: "video_bbb_420_odd_33x19", frame: $0) }

    /// The formula frames (BT.601 limited range, replicated chroma): tolerance 0.1 mean / 1 max.
    @Test(arguments: cases)
    func frameMatchesReferenceFormula(_ testCase: Case) throws {
        let clip = try MediaDecoder().decodeVideo(VideoFixtures.bytes(testCase.file + ".y4m"))
        let name =
            "\(testCase.file)_frame\(String(repeating: "0", count: 3 - "\(testCase.frame)".count))\(testCase.frame)"
        let frame = try clip.frame(at: testCase.frame)
        #expect(frame.format == .rgb)
        try VideoFixtures.expect(frame, matches: VideoFixtures.npy(name + ".npy"), mean: 0.1, max: 1, name)
    }

    @Test func headerFacts() throws {
        let clip = try Y4MDecoder().decode(VideoFixtures.bytes("video_bbb_420_160x90_25fps.y4m"))
        #expect(clip.width == 160 && clip.height == 90)
        #expect(clip.frameCount == 13)
        #expect(clip.frameRate == VideoClip.FrameRate(25))
        #expect(abs(clip.duration - 0.52) < 1e-12)
        #expect(clip.audio == nil)
        let odd = try Y4MDecoder().decode(VideoFixtures.bytes("video_bbb_420_odd_33x19.y4m"))
        #expect(odd.width == 33 && odd.height == 19 && odd.frameCount == 5)
    }

    @Test func truncatedPrefixesNeverTrap() throws {
        let small = try VideoFixtures.bytes("video_bbb_420_odd_33x19.y4m")
        VideoFixtures.truncationSweep(small, step: 3, fullFrameCount: 5)
        let large = try VideoFixtures.bytes("video_bbb_420_160x90_25fps.y4m")
        VideoFixtures.truncationSweep(large, step: 1499, fullFrameCount: 13)
    }

    /// A 3 × 2 stream built by hand: `C444`, FRAME parameters, odd trailing data.
    static func synthetic(_ colourSpace: String, frames: [[UInt8]], extra: String = "") -> [UInt8] {
        var bytes = Array("YUV4MPEG2 W3 H2 F30000:1001 A1:1 \(colourSpace)\(extra) XCOMMENT=1\n".utf8)
        for (i, payload) in frames.enumerated() {
            bytes += Array((i == 0 ? "FRAME Ixyz\n" : "FRAME\n").utf8) + payload
        }
        return bytes
    }

    @Test func full444AndMonoConvertPerPixel() throws {
        let y: [UInt8] = [16, 235, 126, 16, 235, 126]
        let u: [UInt8] = [128, 128, 128, 16, 240, 128]
        let v: [UInt8] = [128, 128, 128, 240, 16, 128]
        let clip = try Y4MDecoder().decode(Self.synthetic("C444", frames: [y + u + v, y + u + v]))
        #expect(clip.frameCount == 2)
        #expect(clip.frameRate == VideoClip.FrameRate(30_000, 1001))
        let rgb = try #require(try clip.frame(at: 1).uint8Samples)
        #expect(Array(rgb[0..<9]) == [0, 0, 0, 255, 255, 255, 128, 128, 128])
        #expect(Array(rgb[9..<12]) == Self.reference(16, 16, 240))
        #expect(Array(rgb[9..<12]) == [179, 0, 0])
        #expect(Array(rgb[12..<15]) == Self.reference(235, 240, 16))
        #expect(Array(rgb[12..<15]) == [76, 255, 255])
        let mono = try Y4MDecoder().decode(Self.synthetic("Cmono", frames: [y]))
        let gray = try mono.frame(at: 0)
        #expect(gray.format == .gray)
        #expect(gray.uint8Samples == [0, 255, 128, 0, 255, 128])
    }

    /// The fixture README's formula, written out term by term.
    static func reference(_ y: Int, _ u: Int, _ v: Int) -> [UInt8] {
        let luma = Double(y - 16) * 255 / 219
        let cb = Double(u - 128) * 255 / 224
        let cr = Double(v - 128) * 255 / 224
        let r = luma + 1.402 * cr
        let g = luma - (1.772 * 0.114 / 0.587) * cb - (1.402 * 0.299 / 0.587) * cr
        let b = luma + 1.772 * cb
        return [r, g, b].map { UInt8(min(max((($0 + 0.5).rounded(.down)), 0), 255)) }
    }

    @Test func chroma422UsesHalfWidthPlanes() throws {
        let y = [UInt8](repeating: 126, count: 6)
        let u: [UInt8] = [128, 240, 128, 240]  // 2 × 2 chroma planes
        let v: [UInt8] = [128, 128, 128, 128]
        let clip = try Y4MDecoder().decode(Self.synthetic("C422", frames: [y + u + v]))
        let rgb = try #require(try clip.frame(at: 0).uint8Samples)
        #expect(rgb[2] == 128 && rgb[5] == 128)  // pixels 0 and 1 share chroma column 0
        #expect(rgb[8] == 255)  // pixel 2 uses chroma column 1 (Cb 240 → blue clipped)
    }

    @Test func unsupportedAndBadHeadersThrowTypedErrors() {
        let payload = [UInt8](repeating: 128, count: 9)
        let cases: [(String, MediaDecodingError.Code)] = [
            ("C420p10", .unsupported), ("C411", .unsupported), ("C420jpeg It", .unsupported),
        ]
        for (tag, code) in cases {
            let error = VideoFixtures.error { _ = try Y4MDecoder().decode(Self.synthetic(tag, frames: [payload])) }
            #expect(error?.code == code, "\(tag): \(String(describing: error))")
        }
        let noWidth = Array("YUV4MPEG2 H2 F25:1\nFRAME\n".utf8)
        #expect(VideoFixtures.error { _ = try Y4MDecoder().decode(noWidth) }?.code == .corrupt)
        let badRate = Array("YUV4MPEG2 W2 H2 F25:0 C444\nFRAME\n".utf8) + [UInt8](repeating: 0, count: 12)
        #expect(VideoFixtures.error { _ = try Y4MDecoder().decode(badRate) }?.code == .corrupt)
        let huge = Array("YUV4MPEG2 W999999999 H999999999\nFRAME\n".utf8)
        #expect(VideoFixtures.error { _ = try Y4MDecoder().decode(huge) }?.code == .limitExceeded)
        let headerOnly = Array("YUV4MPEG2 W2 H2 C444\n".utf8)
        #expect(VideoFixtures.error { _ = try Y4MDecoder().decode(headerOnly) }?.code == .truncated)
        let garbage = Array("YUV4MPEG2 W3 H2 C444\nFRAMX\n".utf8) + payload + payload
        #expect(VideoFixtures.error { _ = try Y4MDecoder().decode(garbage) }?.code == .corrupt)
    }

    @Test func frameCountLimit() throws {
        let bytes = try VideoFixtures.bytes("video_bbb_420_odd_33x19.y4m")
        let error = VideoFixtures.error {
            _ = try Y4MDecoder().decode(bytes, limits: DecodingLimits(maxVideoFrames: 4))
        }
        #expect(error?.code == .limitExceeded)
        #expect(try Y4MDecoder().decode(bytes, limits: DecodingLimits(maxVideoFrames: 5)).frameCount == 5)
    }
}
