// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation
import MediaDecoding
import Testing

/// Header-only sizes against full decodes of the shared image fixtures.
@Suite struct ImageDimensionsTests {
    static let folder = ProcessInfo.processInfo.environment["MMRAG_FIXTURES"].map {
        URL(fileURLWithPath: $0).appendingPathComponent("media/images")
    }

    @Test(.enabled(if: folder != nil, "needs MMRAG_FIXTURES"))
    func headerSizesMatchDecodedSizes() throws {
        let folder = try #require(Self.folder)
        var compared = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            guard let decoded = try? MediaDecoder().decodeImage(bytes) else { continue }
            guard let size = ImageDimensions.read(bytes) else { continue }
            // EXIF orientation may swap the decoded sides; the longer side is what budgets use.
            let header = [size.width, size.height].sorted()
            #expect(header == [decoded.width, decoded.height].sorted(), "\(name)")
            compared += 1
        }
        #expect(compared >= 20)
    }

    @Test func truncatedAndUnknownHeadersGiveNil() {
        #expect(ImageDimensions.read([]) == nil)
        #expect(ImageDimensions.read([0xFF, 0xD8, 0xFF]) == nil)
        #expect(ImageDimensions.read([0xFF, 0xD8, 0xFF, 0xE0, 0x00]) == nil)
        #expect(ImageDimensions.read([0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00]) == nil)
        #expect(ImageDimensions.read(Array([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + [0, 0, 0, 13]) == nil)
        #expect(ImageDimensions.read(Array("GIF89a".utf8)) == nil)
        #expect(ImageDimensions.read(Array("RIFF\0\0\0\0WEBPVP8 ".utf8)) == nil)
        #expect(ImageDimensions.read([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == nil)
    }

    @Test func encodedImagesReportTheirSize() {
        let image = Image(width: 5, height: 3, format: .gray, samples: .uint8([UInt8](repeating: 9, count: 15)))
        #expect(ImageDimensions.read(PNGEncoder().encode(image)).map { [$0.width, $0.height] } == [5, 3])
        #expect(ImageDimensions.read(JPEGEncoder().encode(image)).map { [$0.width, $0.height] } == [5, 3])
    }
}
