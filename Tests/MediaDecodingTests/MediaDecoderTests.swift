// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct MediaDecoderTests {
    static let images = MediaFixtures.entries("images", formats: ["PNG", "BMP", "GIF", "PPM", "PGM", "unknown"])
    static let audio = MediaFixtures.entries("audio", formats: ["WAV"])

    /// Sniffing picks the decoder by content; names are irrelevant (the fixture for `.png` is empty, and the
    /// registry never sees a name at all).
    @Test(arguments: images.filter { !$0.expectError })
    func sniffsImageFormatFromMagicBytes(_ fixture: MediaFixture) throws {
        let bytes = try fixture.bytes()
        let decoder = try #require(MediaDecoder().imageDecoder(for: bytes))
        let expectedType: String
        switch fixture.format {
        case "PNG": expectedType = "PNGDecoder"
        case "BMP": expectedType = "BMPDecoder"
        case "GIF": expectedType = "GIFDecoder"
        default: expectedType = "PNMDecoder"
        }
        #expect(String(describing: type(of: decoder)) == expectedType)
        let image = try MediaDecoder().decodeImage(bytes)
        #expect(image.width > 0)
        #expect(MediaDecoder().audioDecoder(for: bytes) == nil)
    }

    @Test(arguments: audio.filter { !$0.expectError })
    func sniffsWAVFromMagicBytes(_ fixture: MediaFixture) throws {
        let bytes = try fixture.bytes()
        #expect(MediaDecoder().audioDecoder(for: bytes) is WAVDecoder)
        #expect(MediaDecoder().imageDecoder(for: bytes) == nil)
        _ = try MediaDecoder().decodeAudio(bytes)
    }

    @Test(arguments: ["bad_empty.png", "bad_random_bytes.bin"])
    func unrecognisedBytesAreUnknownFormat(_ file: String) throws {
        let bytes = try MediaFixtures.bytes("images/" + file)
        #expect(MediaDecoder().imageDecoder(for: bytes) == nil)
        for attempt in [{ _ = try MediaDecoder().decodeImage(bytes) }, { _ = try MediaDecoder().decodeAudio(bytes) }] {
            do {
                try attempt()
                Issue.record("\(file) decoded")
            } catch let error as MediaDecodingError {
                #expect(error.code == .unknownFormat)
                #expect(error.description.hasPrefix("unknownFormat: "))
            }
        }
    }

    @Test func hostDecodersAreAskedFirst() throws {
        struct FakeDecoder: ImageDecoder {
            func canDecode(_ header: ArraySlice<UInt8>) -> Bool {
                header.starts(with: [0x89, 0x50]) || header.starts(with: [0x7A])
            }
            func decode(_ bytes: [UInt8], limits: DecodingLimits) throws -> Image {
                Image(width: 1, height: 1, format: .gray, samples: .uint8([42]))
            }
        }
        let registry = MediaDecoder().registering(FakeDecoder())
        let png = try MediaFixtures.bytes("images/png_rgb8_128x96.png")
        #expect(try registry.decodeImage(png).uint8Samples == [42])
        #expect(try registry.decodeImage([0x7A, 0, 0]).uint8Samples == [42])
        #expect(try MediaDecoder().decodeImage(png).width == 128)
        let empty = MediaDecoder(imageDecoders: [], audioDecoders: [])
        #expect(throws: MediaDecodingError.self) { try empty.decodeImage(png) }
    }

    @Test func hostAudioDecodersAreAskedFirst() throws {
        struct SilentDecoder: AudioDecoder {
            func canDecode(_ header: ArraySlice<UInt8>) -> Bool { header.starts(with: Array("RIFF".utf8)) }
            func decode(_ bytes: [UInt8], limits: DecodingLimits) throws -> AudioBuffer {
                AudioBuffer(sampleRate: 1, channelCount: 1, samples: [0])
            }
        }
        let wav = try MediaFixtures.bytes("audio/scipy_test-8000Hz-le-2ch-1byteu.wav")
        #expect(try MediaDecoder().registering(SilentDecoder()).decodeAudio(wav).frameCount == 1)
        #expect(try MediaDecoder().decodeAudio(wav).frameCount == 800)
    }

    /// Random byte flips in every small fixture: decoding may fail, but must never trap.
    @Test func randomCorruptionNeverTraps() throws {
        var generator = SeededGenerator(seed: 2026)
        let small = (Self.images + Self.audio).filter { $0.file.hasSuffix(".npy") == false }
        for fixture in small {
            let bytes = try fixture.bytes()
            guard bytes.count > 16, bytes.count < 40_000 else { continue }
            for _ in 0..<12 {
                var mutated = bytes
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    mutated[index] = UInt8.random(in: 0...255, using: &generator)
                }
                _ = try? MediaDecoder().decodeImage(mutated)
                _ = try? MediaDecoder().decodeAudio(mutated)
            }
        }
    }
}

@Suite struct MediaDecoderVideoTests {
    @Test(arguments: [
        ("video_bbb_420_160x90_25fps.y4m", "Y4MDecoder"), ("video_bbb_mjpeg_nodht_160x90.avi", "AVIDecoder"),
        ("video_bbb_anim_160x90_10fps.gif", "GIFVideoDecoder"), ("video_bbb_h264_160x90.mp4", "MP4Decoder"),
    ])
    func sniffsVideoContainers(_ file: String, _ decoderType: String) throws {
        let bytes = try VideoFixtures.bytes(file)
        let decoder = try #require(MediaDecoder().videoDecoder(for: bytes))
        #expect(String(describing: type(of: decoder)) == decoderType)
        #expect(MediaDecoder().audioDecoder(for: bytes) == nil)
    }

    @Test func unknownBytesAreUnknownFormat() throws {
        let bytes = try MediaFixtures.bytes("images/bad_random_bytes.bin")
        #expect(VideoFixtures.error { _ = try MediaDecoder().decodeVideo(bytes) }?.code == .unknownFormat)
        #expect(VideoFixtures.error { _ = try MediaDecoder().decodeVideo([]) }?.code == .unknownFormat)
        let wav = try MediaFixtures.bytes("audio/speech_cat_22k_mono_s16.wav")  // RIFF but WAVE, not AVI
        #expect(VideoFixtures.error { _ = try MediaDecoder().decodeVideo(wav) }?.code == .unknownFormat)
    }

    @Test func hostVideoDecodersAreAskedFirst() throws {
        struct FakeVideoDecoder: VideoDecoder {
            func canDecode(_ header: ArraySlice<UInt8>) -> Bool { header.starts(with: Array("YUV4".utf8)) }
            func decode(_ bytes: [UInt8], limits: DecodingLimits, using registry: MediaDecoder) throws -> VideoClip {
                VideoClip(width: 7, height: 7, frameCount: 1, frameRate: .init(1)) { _ throws(MediaDecodingError) in
                    Image(width: 1, height: 1, format: .gray, samples: .uint8([0]))
                }
            }
        }
        let bytes = try VideoFixtures.bytes("video_bbb_420_odd_33x19.y4m")
        let registry = MediaDecoder().registering(FakeVideoDecoder())
        #expect(registry.videoDecoders.count == MediaDecoder().videoDecoders.count + 1)
        #expect(try registry.decodeVideo(bytes).width == 7)
        #expect(MediaDecoder(imageDecoders: [], audioDecoders: []).videoDecoder(for: bytes) == nil)
    }
}
