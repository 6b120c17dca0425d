// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing

@Suite struct ValueTypeTests {
    @Test(arguments: PixelFormat.allCases)
    func conversionsProduceEightBitRGBAndRGBA(_ format: PixelFormat) {
        let channels = format.channelCount
        let samples = (0..<(2 * channels)).map { UInt8(10 * $0 + 1) }
        let image = Image(width: 2, height: 1, format: format, samples: .uint8(samples))
        let rgb = image.convertedToRGB8()
        let rgba = image.convertedToRGBA8()
        #expect(rgb.format == .rgb)
        #expect(rgba.format == .rgba)
        for p in 0..<2 {
            let base = p * channels
            let expectedRGB: [UInt8] =
                channels <= 2 ? [samples[base], samples[base], samples[base]] : Array(samples[base..<(base + 3)])
            let alpha: UInt8 = format.hasAlpha ? samples[base + channels - 1] : 255
            #expect(Array(rgb.uint8Samples?[(p * 3)..<(p * 3 + 3)] ?? []) == expectedRGB)
            #expect(Array(rgba.uint8Samples?[(p * 4)..<(p * 4 + 4)] ?? []) == expectedRGB + [alpha])
        }
    }

    @Test func sixteenBitConversionKeepsTheHighByte() {
        let image = Image(width: 1, height: 1, format: .grayAlpha, samples: .uint16([0xABCD, 0x1234]))
        #expect(image.bitDepth == 16)
        #expect(image.uint8Samples == nil)
        #expect(image.convertedToRGBA8().uint8Samples == [0xAB, 0xAB, 0xAB, 0x12])
    }

    @Test func audioBufferCountsFrames() {
        let buffer = AudioBuffer(sampleRate: 4, channelCount: 2, samples: [0, 0, 0.5, -0.5, 1, -1])
        #expect(buffer.frameCount == 3)
        #expect(buffer.duration == 0.75)
    }

    @Test func errorDescriptionIsCodeThenMessage() {
        let error = MediaDecodingError(.checksumMismatch, "PNG chunk IHDR CRC-32 is wrong")
        #expect(error.description == "checksumMismatch: PNG chunk IHDR CRC-32 is wrong")
        #expect(MediaDecodingError.Code.truncated != .corrupt)
        let codes: Set<MediaDecodingError.Code> = [
            .truncated, .corrupt, .checksumMismatch, .unsupported, .limitExceeded, .unknownFormat, .unsupportedCodec,
        ]
        #expect(codes.count == 7)
        #expect(MediaDecodingError.Code.unsupportedCodec.description == "unsupportedCodec")
    }

    @Test func defaultLimits() {
        #expect(DecodingLimits.default.maxPixelCount == 100_000_000)
        #expect(DecodingLimits().maxDecompressedBytes == 1 << 30)
        #expect(DecodingLimits().maxVideoFrames == 1 << 20)
    }

    /// The fixture comparison itself must be able to fail: decoding one file and comparing it with another
    /// file's array records issues.
    @Test func fixtureComparisonDetectsDifferences() throws {
        let fixtures = MediaFixtures.decodable("images", ["PNG"])
        let rgb = try #require(fixtures.first { $0.file == "png_rgb8_128x96.png" })
        let multi = try #require(fixtures.first { $0.file == "png_pal8_128x96.png" })
        let image = try PNGDecoder().decode(rgb.bytes(), limits: .default)
        withKnownIssue {
            try MediaFixtures.expect(image, matches: multi)
        }
    }
}
