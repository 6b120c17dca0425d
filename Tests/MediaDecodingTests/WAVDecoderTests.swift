// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct WAVDecoderTests {
    static let decodable = MediaFixtures.decodable("audio", ["WAV"])
    static let malformed = MediaFixtures.entries("audio", formats: ["WAV"]).filter(\.expectError)

    @Test func fixturesArePresent() {
        #expect(Self.decodable.count == 20)
        #expect(Self.malformed.count == 6)
    }

    @Test(arguments: decodable)
    func decodesLikeTheGoldens(_ fixture: MediaFixture) throws {
        let audio = try WAVDecoder().decode(fixture.bytes(), limits: .default)
        let expected = try fixture.expectedArray()
        try #require(expected.shape == [audio.frameCount, audio.channelCount], "\(fixture.file)")
        let reference = expected.floats
        var worst: Float = 0
        for i in reference.indices {
            worst = max(worst, abs(audio.samples[i] - reference[i]))
        }
        #expect(Double(worst) <= fixture.maxAbs, "\(fixture.file): max |diff| \(worst)")
    }

    @Test(arguments: [
        ("scipy_test-44100Hz-le-1ch-4bytes-early-eof-no-data.wav", MediaDecodingError.Code.truncated),
        ("scipy_test-44100Hz-le-1ch-4bytes-early-eof.wav", .truncated),
        ("scipy_test-44100Hz-le-1ch-4bytes-incomplete-chunk.wav", .truncated),
        ("scipy_test-8000Hz-le-3ch-5S-24bit-inconsistent.wav", .corrupt),
        ("bad_wav_truncated_header.wav", .truncated),
        ("bad_wav_data_size_exceeds_file.wav", .truncated),
    ])
    func rejectsMalformed(_ file: String, _ code: MediaDecodingError.Code) throws {
        #expect(Self.malformed.contains { $0.file == file })
        let bytes = try MediaFixtures.bytes("audio/" + file)
        do {
            _ = try WAVDecoder().decode(bytes, limits: .default)
            Issue.record("\(file) decoded")
        } catch {
            #expect(error.code == code, "\(error)")
        }
    }

    @Test func sampleRateAndChannelsComeFromTheHeader() throws {
        let audio = try WAVDecoder().decode(
            MediaFixtures.bytes("audio/scipy_test-8000Hz-be-3ch-5S-24bit.wav"),
            limits: .default
        )
        #expect(audio.sampleRate == 8000)
        #expect(audio.channelCount == 3)
        #expect(audio.frameCount == 5)
    }

    @Test func frameLimitIsEnforced() throws {
        let bytes = try MediaFixtures.bytes("audio/speech_dog_16k_mono_s16.wav")
        do {
            _ = try WAVDecoder().decode(bytes, limits: DecodingLimits(maxFrames: 1000))
            Issue.record("limit not enforced")
        } catch {
            #expect(error.code == .limitExceeded)
        }
    }

    @Test(arguments: [
        "scipy_test-8000Hz-le-3ch-5S-24bit-rf64.wav", "scipy_test-44100Hz-2ch-32bit-float-be.wav",
        "scipy_test-48000Hz-2ch-64bit-float-le-wavex.wav",
    ])
    func truncatedPrefixesThrow(_ file: String) throws {
        let bytes = try MediaFixtures.bytes("audio/" + file)
        MediaFixtures.truncationSweep(bytes, step: 3) { prefix throws(MediaDecodingError) in
            _ = try WAVDecoder().decode(prefix, limits: .default)
        }
    }

    @Test func g711ExpansionMatchesReferenceValues() {
        // µ-law 0xFF and 0x7F are the two zeros; 0x00 is the most negative value, 0x80 the most positive.
        let codes: [UInt8] = [0xFF, 0x7F, 0x00, 0x80]
        let bytes = wav(format: 7, bits: 8, data: codes)
        let audio = try? WAVDecoder().decode(bytes, limits: .default)
        #expect(audio?.samples == [0, 0, Float(-32124) / 32768, Float(32124) / 32768])
    }

    @Test func aLawExpansionMatchesReferenceValues() {
        // A-law 0xD5 / 0x55 are the smallest positive / negative steps (±8); 0xAA / 0x2A the extremes (±32256).
        let bytes = wav(format: 6, bits: 8, data: [0xD5, 0x55, 0xAA, 0x2A])
        let audio = try? WAVDecoder().decode(bytes, limits: .default)
        #expect(audio?.samples == [Float(8) / 32768, Float(-8) / 32768, Float(32256) / 32768, Float(-32256) / 32768])
    }

    /// A minimal little-endian RIFF/WAVE file with one channel.
    private func wav(format: UInt16, bits: UInt16, data: [UInt8]) -> [UInt8] {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let blockAlign = Int(bits + 7) / 8
        var fmt = le16(Int(format)) + le16(1) + le32(8000) + le32(8000 * blockAlign)
        fmt += le16(blockAlign) + le16(Int(bits))
        let body =
            Array("WAVE".utf8) + Array("fmt ".utf8) + le32(fmt.count) + fmt + Array("data".utf8) + le32(data.count)
            + data
        return Array("RIFF".utf8) + le32(body.count) + body
    }
}
