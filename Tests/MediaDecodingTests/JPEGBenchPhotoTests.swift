// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

/// The benchmark photos of the shared corpus (too large to copy here), decoded to exactly Pillow's pixels.
///
/// Runs when `MMRAG_FIXTURES` names the shared fixtures folder (the one holding `media/`). The CRC-32 of
/// Pillow 13.0.0's `numpy.asarray(Image.open(file))` was recorded once for each file (Fixtures/README.md).
@Suite(.enabled(if: Fixtures.hasShared)) struct JPEGBenchPhotoTests {
    static let photos: [(String, Int, Int, UInt32)] = [
        ("hubble_deep_field.jpg", 1000, 872, 0x767B_1CAF),
        ("motorcycle_baseline_420_q90.jpg", 741, 500, 0x268D_1900),
        ("motorcycle_progressive_420_q90.jpg", 741, 500, 0x268D_1900),
        ("retina.jpg", 1411, 1411, 0xBA1C_D6D2),
        ("retina_progressive_444_q95.jpg", 1411, 1411, 0xC33C_5DFC),
        ("rocket.jpg", 640, 427, 0x49CF_24AB),
    ]

    @Test(arguments: photos)
    func decodesLikePillow(_ photo: (String, Int, Int, UInt32)) throws {
        let url = try Fixtures.shared("media/bench/" + photo.0)
        let bytes = try [UInt8](Data(contentsOf: url))
        let image = try JPEGDecoder(appliesEXIFOrientation: false).decode(bytes, limits: .default)
        #expect((image.width, image.height) == (photo.1, photo.2))
        #expect(Zlib.crc32(try #require(image.uint8Samples)) == photo.3)
    }
}
