// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct JPEGEncoderTests {
    static func psnr(_ a: [UInt8], _ b: [UInt8]) -> Double {
        var sum = 0.0
        for i in a.indices {
            let d = Double(Int(a[i]) - Int(b[i]))
            sum += d * d
        }
        let mse = sum / Double(a.count)
        return 10 * log10(255 * 255 / mse)
    }

    /// Encodes each source as recorded, decodes it with our decoder, and checks the file, the PSNR and that
    /// our pixels are the ones Pillow decoded from the same file.
    @Test(arguments: JPEGEncoderGolden.all)
    func matchesGolden(_ golden: JPEGEncoderGolden) throws {
        let source = try PNGDecoder().decode(MediaFixtures.bytes("images/" + golden.source), limits: .default)
        let encoder = JPEGEncoder(
            quality: golden.quality,
            chromaSampling: golden.sampling,
            optimizedHuffmanTables: golden.optimized
        )
        let jpeg = encoder.encode(source)
        let decoded = try JPEGDecoder().decode(jpeg, limits: .default)
        #expect(MediaDecoder().imageDecoder(for: jpeg) is JPEGDecoder)
        #expect((decoded.width, decoded.height) == (source.width, source.height))
        let reference = source.format == .gray ? source : source.convertedToRGB8()
        let pixels = try #require(decoded.uint8Samples)
        let measured = Self.psnr(pixels, try #require(reference.uint8Samples))
        #expect(measured >= golden.psnr - 0.01, "PSNR \(measured) below \(golden.psnr)")
        #expect(Zlib.crc32(pixels) == golden.pillowPixelCRC, "our decode differs from Pillow's")
        #expect(Zlib.crc32(jpeg) == golden.fileCRC, "encoder output changed")
    }

    @Test func qualityScalesTheAnnexKTablesLikeIJG() {
        let base = [UInt16](repeating: 0, count: 0) + [16, 11, 10, 255, 1]
        #expect(JPEGEncoder.scaledQuantizationTable(base, quality: 50) == [16, 11, 10, 255, 1])
        #expect(JPEGEncoder.scaledQuantizationTable(base, quality: 90) == [3, 2, 2, 51, 1])
        #expect(JPEGEncoder.scaledQuantizationTable(base, quality: 100) == [1, 1, 1, 1, 1])
        #expect(JPEGEncoder.scaledQuantizationTable(base, quality: 1) == [255, 255, 255, 255, 50])
        #expect(JPEGEncoder(quality: 0).quality == 1 && JPEGEncoder(quality: 300).quality == 100)
    }

    @Test func higherQualityIsLargerAndCloser() throws {
        let source = try PNGDecoder().decode(MediaFixtures.bytes("images/png_rgb8_128x96.png"), limits: .default)
        var previous = (size: 0, psnr: 0.0)
        for quality in [10, 30, 60, 90, 100] {
            let jpeg = JPEGEncoder(quality: quality).encode(source)
            let decoded = try JPEGDecoder().decode(jpeg, limits: .default)
            let psnr = Self.psnr(try #require(decoded.uint8Samples), try #require(source.uint8Samples))
            #expect(jpeg.count > previous.size && psnr > previous.psnr, "quality \(quality)")
            previous = (jpeg.count, psnr)
        }
    }

    @Test func optimizedTablesAreSmallerThanStandardOnes() throws {
        let source = try PNGDecoder().decode(MediaFixtures.bytes("images/png_rgb8_128x96.png"), limits: .default)
        let standard = JPEGEncoder(quality: 75).encode(source)
        let optimized = JPEGEncoder(quality: 75, optimizedHuffmanTables: true).encode(source)
        #expect(optimized.count < standard.count)
        let a = try JPEGDecoder().decode(standard, limits: .default)
        let b = try JPEGDecoder().decode(optimized, limits: .default)
        #expect(a == b)
    }

    @Test(arguments: [(1, 1), (7, 3), (8, 8), (9, 17), (16, 15), (33, 2)])
    func oddSizesRoundTrip(_ width: Int, _ height: Int) throws {
        var generator = SeededGenerator(seed: UInt64(width * 100 + height))
        let samples = (0..<(width * height * 3)).map { _ in UInt8.random(in: 100...140, using: &generator) }
        let image = Image(width: width, height: height, format: .rgb, samples: .uint8(samples))
        for sampling in [JPEGEncoder.ChromaSampling.half, .full] {
            let decoded = try JPEGDecoder().decode(
                JPEGEncoder(quality: 95, chromaSampling: sampling).encode(image),
                limits: .default
            )
            #expect((decoded.width, decoded.height) == (width, height))
            #expect(Self.psnr(try #require(decoded.uint8Samples), samples) > 25)
        }
    }
}

@Suite struct EncoderContractTests {
    @Test func emptyImagesAreRejected() async {
        await #expect(processExitsWith: .failure) {
            _ = JPEGEncoder().encode(Image(width: 0, height: 0, format: .rgb, samples: .uint8([])))
        }
        await #expect(processExitsWith: .failure) {
            _ = PNGEncoder().encode(Image(width: 0, height: 3, format: .gray, samples: .uint8([])))
        }
    }
}
