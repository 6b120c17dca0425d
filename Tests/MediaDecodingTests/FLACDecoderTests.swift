// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct FLACDecoderTests {
    static let decodable = MediaFixtures.decodable("audio", ["FLAC"])

    @Test func fixturesArePresent() {
        // dog (FIXED, 16-bit), stereo 22k (LPC, mid/side), bird (LPC, 24-bit); the 44.1 kHz stereo file is shared.
        #expect(Self.decodable.count == 3)
    }

    static func expectBitExact(_ audio: AudioBuffer, _ expected: NPYArray, _ name: String) throws {
        try #require(expected.shape == [audio.frameCount, audio.channelCount], "\(name)")
        let reference = expected.floats
        var mismatches = 0
        for i in reference.indices where audio.samples[i] != reference[i] { mismatches += 1 }
        #expect(mismatches == 0, "\(name): \(mismatches) samples differ")
    }

    @Test(arguments: decodable)
    func decodesBitExact(_ fixture: MediaFixture) throws {
        let audio = try MediaDecoder().decodeAudio(fixture.bytes())
        try Self.expectBitExact(audio, fixture.expectedArray(), fixture.file)
    }

    @Test(.enabled(if: Fixtures.hasShared))
    func decodesSharedStereo24Bit() throws {
        let bytes = try [UInt8](Data(contentsOf: Fixtures.shared("media/audio/flac_stereo_44k_s24.flac")))
        let audio = try FLACDecoder().decode(bytes, limits: .default)
        #expect(audio.sampleRate == 44_100 && audio.channelCount == 2 && audio.frameCount == 66_150)
        let expected = try NPYArray(contentsOf: Fixtures.shared("media/audio/speech_stereo_44k_s24.npy"))
        try Self.expectBitExact(audio, expected, "flac_stereo_44k_s24.flac")
    }

    @Test func streamPropertiesComeFromStreamInfo() throws {
        let audio = try FLACDecoder().decode(MediaFixtures.bytes("audio/flac_dog_16k_mono_s16.flac"), limits: .default)
        #expect(audio.sampleRate == 16_000)
        #expect(audio.channelCount == 1)
        #expect(audio.frameCount == 28_994)
    }

    @Test(arguments: [
        ("bad_flac_frame_crc.flac", MediaDecodingError.Code.checksumMismatch),
        ("bad_flac_truncated_streaminfo.flac", .truncated),
    ])
    func rejectsMalformed(_ file: String, _ code: MediaDecodingError.Code) throws {
        let bytes = try MediaFixtures.bytes("audio/" + file)
        #expect(MediaDecoder().audioDecoder(for: bytes) is FLACDecoder)
        do {
            _ = try FLACDecoder().decode(bytes, limits: .default)
            Issue.record("\(file) decoded")
        } catch {
            #expect(error.code == code, "\(file): \(error)")
        }
    }

    @Test func sniffsFLACAndSkipsID3v2() throws {
        let flac = try MediaFixtures.bytes("audio/flac_dog_16k_mono_s16.flac")
        #expect(MediaDecoder().audioDecoder(for: flac) is FLACDecoder)
        // ID3v2.4 header with a 20-byte (synchsafe) body of padding.
        let tagged = Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 20] + [UInt8](repeating: 0, count: 20) + flac
        #expect(MediaDecoder().audioDecoder(for: tagged) is FLACDecoder)
        let plain = try FLACDecoder().decode(flac, limits: .default)
        #expect(try FLACDecoder().decode(tagged, limits: .default) == plain)
        // A 4 KB tag (cover art): the marker is beyond the sniffed bytes, so the tag alone is accepted.
        let big = Array("ID3".utf8) + [4, 0, 0, 0, 0, 0x20, 0] + [UInt8](repeating: 0, count: 4096) + flac
        #expect(MediaDecoder().audioDecoder(for: big) is FLACDecoder)
        #expect(try MediaDecoder().decodeAudio(big) == plain)
        // An ID3-tagged MP3 is not FLAC: unknown format, not corrupt.
        let mp3 =
            Array("ID3".utf8) + [4, 0, 0, 0, 0, 0x20, 0] + [UInt8](repeating: 0, count: 4096) + [
                0xFF, 0xFB, 0x90, 0x64,
            ]
        do {
            _ = try FLACDecoder().decode(mp3, limits: .default)
            Issue.record("MP3 decoded as FLAC")
        } catch {
            #expect(error.code == .unknownFormat)
        }
    }

    @Test func limitsAreCheckedBeforeDecoding() throws {
        let bytes = try MediaFixtures.bytes("audio/flac_dog_16k_mono_s16.flac")
        do {
            _ = try FLACDecoder().decode(bytes, limits: DecodingLimits(maxFrames: 1000))
            Issue.record("limit not enforced")
        } catch {
            #expect(error.code == .limitExceeded)
        }
    }

    @Test func everyTruncationThrows() throws {
        let bytes = try MediaFixtures.bytes("audio/flac_stereo_22k_s16.flac")
        MediaFixtures.truncationSweep(bytes, step: 331) { prefix throws(MediaDecodingError) in
            _ = try FLACDecoder().decode(prefix, limits: .default)
        }
    }

    @Test func corruptedBytesNeverTrap() throws {
        let original = try MediaFixtures.bytes("audio/flac_stereo_22k_s16.flac")
        var generator = SeededGenerator(seed: 42)
        var failures = 0
        for round in 0..<200 {
            var bytes = original
            let flips = 1 + round % 8
            for _ in 0..<flips {
                // Corrupt after STREAMINFO so the frame parser sees the garbage.
                let index = Int.random(in: 42..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            do {
                _ = try FLACDecoder().decode(bytes, limits: .default)
            } catch {
                failures += 1
            }
        }
        #expect(failures > 150, "CRCs should catch nearly every corruption")
    }

    @Test func md5MatchesRFC1321Vectors() {
        func hex(_ text: String) -> String {
            var md5 = MD5()
            let bytes = Array(text.utf8)
            // Feed in uneven pieces to exercise buffering.
            var start = 0
            var piece = 1
            while start < bytes.count {
                let end = min(bytes.count, start + piece)
                md5.update(Array(bytes[start..<end]))
                start = end
                piece = piece * 3 + 1
            }
            return md5.finalize().map {
                String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
            }
            .joined()
        }
        #expect(hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(
            hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890")
                == "57edf4a22be3c955ac49da2e2107b67a"
        )
    }

    @Test func streamInfoSignatureIsVerified() throws {
        var bytes = try MediaFixtures.bytes("audio/flac_dog_16k_mono_s16.flac")
        // STREAMINFO body starts at 8; the MD5 is its last 16 bytes (offsets 26..<42).
        bytes[30] ^= 0x01
        do {
            _ = try FLACDecoder().decode(bytes, limits: .default)
            Issue.record("wrong MD5 accepted")
        } catch {
            #expect(error.code == .checksumMismatch)
        }
        let lenient = try FLACDecoder(verifiesSignature: false).decode(bytes, limits: .default)
        #expect(lenient.frameCount == 28_994)
    }
}
