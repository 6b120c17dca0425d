// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing

@Suite struct BMPDecoderTests {
    static let decodable = MediaFixtures.decodable("images", ["BMP"])

    @Test func manifestListsEveryBMP() {
        #expect(Self.decodable.count == 12)
    }

    @Test(arguments: decodable)
    func decodesExactly(_ fixture: MediaFixture) throws {
        let image = try BMPDecoder().decode(fixture.bytes(), limits: .default)
        try MediaFixtures.expect(image, matches: fixture)
    }

    @Test func bitfields565MatchPillowBitExactly() throws {
        let fixture = try #require(Self.decodable.first { $0.file.contains("565") })
        var exact = fixture
        exact.maxAbs = 0
        let image = try BMPDecoder().decode(fixture.bytes(), limits: .default)
        try MediaFixtures.expect(image, matches: exact)
    }

    @Test(arguments: [
        ("bad_bmp_shortfile.bmp", MediaDecodingError.Code.truncated),
        ("bad_bmp_reallybig.bmp", .limitExceeded),
    ])
    func rejectsMalformed(_ file: String, _ code: MediaDecodingError.Code) throws {
        let bytes = try MediaFixtures.bytes("images/" + file)
        do {
            _ = try BMPDecoder().decode(bytes, limits: .default)
            Issue.record("\(file) decoded")
        } catch {
            #expect(error.code == code, "\(error)")
        }
    }

    @Test(arguments: ["bmp_pal4_rle4_127x64.bmp", "bmp_pal8_rle8_127x64.bmp", "bmp_pal8_os2v1_127x64.bmp"])
    func truncatedPrefixesThrow(_ file: String) throws {
        let bytes = try MediaFixtures.bytes("images/" + file)
        MediaFixtures.truncationSweep(bytes, step: 13) { prefix throws(MediaDecodingError) in
            _ = try BMPDecoder().decode(prefix, limits: .default)
        }
    }
}
