// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct PNGEncoderTests {
    static let decodable = MediaFixtures.decodable("images", ["PNG"])

    /// Every PNG fixture's decoded image survives encode → decode bit for bit, at several settings.
    @Test(arguments: decodable)
    func roundTripsBitExactly(_ fixture: MediaFixture) throws {
        let image = try PNGDecoder().decode(fixture.bytes(), limits: .default)
        for encoder in [
            PNGEncoder(), PNGEncoder(compressionLevel: 0), PNGEncoder(compressionLevel: 9, adaptiveFiltering: false),
        ] {
            let png = encoder.encode(image)
            #expect(MediaDecoder().imageDecoder(for: png) is PNGDecoder)
            let decoded = try PNGDecoder().decode(png, limits: .default)
            #expect(decoded == image, "\(fixture.file) level \(encoder.compressionLevel)")
        }
    }

    /// Pillow 13 decoded our encoder's output of these fixtures to exactly the pixels our decoder returns.
    ///
    /// Produced once (see Fixtures/README.md, "PNG encoder goldens"): each fixture was decoded by `PNGDecoder`,
    /// encoded with `PNGEncoder()` and written out; `Image.open(f)` + `numpy.asarray` in Pillow 13.0.0 gave
    /// pixels whose CRC-32 (of the array's bytes, little-endian for 16-bit) is recorded here, together with
    /// the CRC-32 of the PNG file Pillow read. The test checks that the encoder still writes that very file
    /// and that our decoder's pixels have Pillow's CRC.
    @Test(arguments: PNGPillowGolden.all)
    func pillowDecodesOurOutputIdentically(_ golden: PNGPillowGolden) throws {
        let image = try PNGDecoder().decode(MediaFixtures.bytes("images/" + golden.file), limits: .default)
        let png = PNGEncoder().encode(image)
        #expect(Zlib.crc32(png) == golden.fileCRC, "\(golden.file): encoder output changed")
        let pixels: [UInt8]
        switch image.samples {
        case .uint8(let values): pixels = values
        case .uint16(let values): pixels = values.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] }
        }
        #expect(Zlib.crc32(pixels) == golden.pillowPixelCRC, "\(golden.file): Pillow decoded different pixels")
    }

    @Test func compressesBetterThanStoring() throws {
        let image = try PNGDecoder().decode(MediaFixtures.bytes("images/png_rgb8_128x96.png"), limits: .default)
        let stored = PNGEncoder(compressionLevel: 0).encode(image)
        let compressed = PNGEncoder().encode(image)
        #expect(stored.count > 128 * 96 * 3)
        #expect(compressed.count < stored.count * 3 / 4)
    }
}
