// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct PNGDecoderTests {
    static let decodable = MediaFixtures.decodable("images", ["PNG"])

    @Test func manifestListsEveryPNG() {
        #expect(Self.decodable.count == 22)
    }

    @Test(arguments: decodable)
    func decodesExactly(_ fixture: MediaFixture) throws {
        let bytes = try fixture.bytes()
        let image = try PNGDecoder().decode(bytes, limits: .default)
        try MediaFixtures.expect(image, matches: fixture)
    }

    @Test(arguments: [
        ("bad_png_truncated_mid_idat.png", MediaDecodingError.Code.truncated),
        ("bad_png_ihdr_crc.png", .checksumMismatch),
        ("bad_png_dimensions_100000x100000.png", .limitExceeded),
        ("bad_png_corrupt_zlib.png", .corrupt),
    ])
    func rejectsMalformed(_ file: String, _ code: MediaDecodingError.Code) throws {
        let bytes = try MediaFixtures.bytes("images/" + file)
        #expect {
            try PNGDecoder().decode(bytes, limits: .default)
        } throws: { error in
            (error as? MediaDecodingError)?.code == code
        }
    }

    @Test func bombIsRejectedBeforeInflating() throws {
        let bytes = try MediaFixtures.bytes("images/bad_png_dimensions_100000x100000.png")
        do {
            _ = try PNGDecoder().decode(bytes, limits: .default)
            Issue.record("decoded a 100000x100000 header")
        } catch {
            #expect(error.code == .limitExceeded)
            #expect(error.message.contains("100000x100000"))
        }
    }

    @Test func smallerLimitRejectsOrdinaryImage() throws {
        let bytes = try MediaFixtures.bytes("images/png_rgb8_128x96.png")
        #expect(throws: MediaDecodingError.self) {
            try PNGDecoder().decode(bytes, limits: DecodingLimits(maxPixelCount: 128 * 96 - 1))
        }
        #expect(throws: MediaDecodingError.self) {
            try PNGDecoder().decode(bytes, limits: DecodingLimits(maxDecompressedBytes: 1000))
        }
    }

    @Test(arguments: ["png_gray1_61x47.png", "png_pal4_adam7_35x27.png", "png_rgb8_multi_idat_128x96.png"])
    func truncatedPrefixesThrow(_ file: String) throws {
        let bytes = try MediaFixtures.bytes("images/" + file)
        MediaFixtures.truncationSweep(bytes, step: bytes.count > 5000 ? 97 : 7) { prefix throws(MediaDecodingError) in
            _ = try PNGDecoder().decode(prefix, limits: .default)
        }
    }

    @Test func flippedDataBytesNeverTrap() throws {
        let bytes = try MediaFixtures.bytes("images/png_pal4_adam7_35x27.png")
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            var mutated = bytes
            let index = Int.random(in: 8..<bytes.count, using: &generator)
            mutated[index] ^= UInt8.random(in: 1...255, using: &generator)
            _ = try? PNGDecoder().decode(mutated, limits: .default)
        }
    }

    @Test func conversionsToRGB8AndRGBA8() throws {
        let gray = try PNGDecoder().decode(MediaFixtures.bytes("images/png_ga16_96x64.png"), limits: .default)
        let rgba = gray.convertedToRGBA8()
        #expect(rgba.format == .rgba)
        #expect(rgba.bitDepth == 8)
        let source = try #require(gray.uint16Samples)
        let out = try #require(rgba.uint8Samples)
        #expect(out[0] == UInt8(source[0] >> 8))
        #expect(out[1] == UInt8(source[0] >> 8))
        #expect(out[3] == UInt8(source[1] >> 8))
        let rgb = gray.convertedToRGB8()
        #expect(rgb.format == .rgb)
        #expect(rgb.uint8Samples?.count == 96 * 64 * 3)
    }
}
