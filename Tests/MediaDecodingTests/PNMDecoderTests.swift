// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing

@Suite struct PNMDecoderTests {
    static let decodable = MediaFixtures.decodable("images", ["PPM", "PGM"])

    @Test func manifestListsEveryPNM() {
        #expect(Self.decodable.count == 3)
    }

    @Test(arguments: decodable)
    func decodesExactly(_ fixture: MediaFixture) throws {
        let image = try PNMDecoder().decode(fixture.bytes(), limits: .default)
        try MediaFixtures.expect(image, matches: fixture)
    }

    @Test func commentsAndWhitespaceInTheHeader() throws {
        let bytes = Array("P5\n# a comment\n  3 # width\n2\n\t255\n".utf8) + [0, 1, 2, 3, 4, 255]
        let image = try PNMDecoder().decode(bytes, limits: .default)
        #expect(image.width == 3)
        #expect(image.height == 2)
        #expect(image.format == .gray)
        #expect(image.uint8Samples == [0, 1, 2, 3, 4, 255])
    }

    @Test func sixteenBitSamplesAreBigEndian() throws {
        let bytes = Array("P6 1 1 65535\n".utf8) + [0x12, 0x34, 0xFF, 0xFF, 0x00, 0x01]
        let image = try PNMDecoder().decode(bytes, limits: .default)
        #expect(image.format == .rgb)
        #expect(image.uint16Samples == [0x1234, 0xFFFF, 0x0001])
    }

    @Test func smallMaxvalIsRescaled() throws {
        let bytes = Array("P5 3 1 15\n".utf8) + [0, 8, 15]
        let image = try PNMDecoder().decode(bytes, limits: .default)
        #expect(image.uint8Samples == [0, 136, 255])
    }

    @Test(arguments: [
        ("P5 3 1 255\n", MediaDecodingError.Code.truncated),  // no pixel data
        ("P5 3 1 15\n\u{10}\u{0}\u{0}", .corrupt),  // sample above maxval
        ("P5 3 1 0\n", .corrupt),  // maxval 0
        ("P5 x 1 255\n", .corrupt),
        ("P5 3", .truncated),
        ("P5 1234567890 1 255\n", .corrupt),  // too many digits
        ("P5 100000 100000 255\n", .limitExceeded),
        ("P3 1 1 255\n0 0\n", .truncated),  // plain data ends early
        ("P2 2 1 7\n3 8\n", .corrupt),  // plain sample above maxval
        ("P1 2 1\n0 2\n", .corrupt),  // PBM digit other than 0 and 1
        ("P2 9000 9000 255\n1 2 3\n", .truncated),  // plain data far too short: refused before allocating
        ("P1 9000 9000\n0101\n", .truncated),
        ("P7\nWIDTH 1\nHEIGHT 1\nDEPTH 4\nMAXVAL 255\nTUPLTYPE CMYK\nENDHDR\n\u{0}\u{0}\u{0}\u{0}", .unsupported),
        ("P7\nWIDTH 1\nHEIGHT 1\nDEPTH 5\nMAXVAL 255\nENDHDR\n\u{0}\u{0}\u{0}\u{0}\u{0}", .unsupported),
        ("P7\nWIDTH 1\nHEIGHT 1\nDEPTH 3\nMAXVAL 255\nTUPLTYPE GRAYSCALE\nENDHDR\n\u{0}\u{0}\u{0}", .corrupt),
        ("P7\nWIDTH 1\nHEIGHT 1\nMAXVAL 255\nENDHDR\n\u{0}", .corrupt),  // no DEPTH
        ("P7\nWIDTH 1\nHEIGHT 1\nDEPTH 1\nMAXVAL 255\n", .truncated),  // no ENDHDR
        ("P5 0 1 255\n", .corrupt),
    ])
    func rejectsMalformed(_ text: String, _ code: MediaDecodingError.Code) {
        do {
            _ = try PNMDecoder().decode(Array(text.utf8), limits: .default)
            Issue.record("decoded \(text.debugDescription)")
        } catch {
            #expect(error.code == code, "\(error)")
        }
    }

    @Test func truncatedPrefixesThrow() throws {
        let bytes = try MediaFixtures.bytes("images/pgm_p5_gray16_96x64.pgm")
        MediaFixtures.truncationSweep(bytes, step: 11) { prefix throws(MediaDecodingError) in
            _ = try PNMDecoder().decode(prefix, limits: .default)
        }
    }
}
