// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

/// One entry of `Fixtures/transforms/manifest.json`: a Pillow 13 `Image.resize` golden.
struct ResizeCase: Sendable, CustomTestStringConvertible {
    var input: String
    var filter: ResizeFilter
    var width: Int
    var height: Int
    var expected: String

    var testDescription: String { expected }

    static func all() -> [ResizeCase] {
        guard let url = try? MediaFixtures.url("transforms/manifest.json"), let data = try? Data(contentsOf: url),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let files = root["files"] as? [[String: Any]]
        else { return [] }
        let filters: [String: ResizeFilter] = ["bicubic": .bicubic, "bilinear": .bilinear, "box": .box]
        return files.compactMap { entry in
            guard let input = entry["input"] as? String, let name = entry["filter"] as? String,
                let filter = filters[name], let width = entry["width"] as? Int, let height = entry["height"] as? Int,
                let expected = entry["expected"] as? String
            else { return nil }
            return ResizeCase(input: input, filter: filter, width: width, height: height, expected: expected)
        }
    }
}

@Suite struct ImageResizeTests {
    static let cases = ResizeCase.all()

    @Test func manifestListsEveryCase() {
        #expect(Self.cases.count == 13)
    }

    /// Bicubic, bilinear and box; up- and downscaling; vertical-first pass order; gray, gray+alpha, RGB, RGBA
    /// (premultiplied): all bit-exact against Pillow.
    @Test(arguments: cases)
    func matchesPillowExactly(_ testCase: ResizeCase) throws {
        let image = try MediaDecoder().decodeImage(MediaFixtures.bytes(testCase.input))
        let resized = image.resized(width: testCase.width, height: testCase.height, filter: testCase.filter)
        let expected = try NPYArray(contentsOf: MediaFixtures.url("transforms/" + testCase.expected))
        #expect(expected.shape == [resized.height, resized.width, resized.format.channelCount])
        #expect(resized.format == image.format)
        let actual = try #require(resized.uint8Samples).map(Int.init)
        MediaFixtures.expectClose(actual, expected.integers, maxAbs: 0, testCase.expected, #_sourceLocation)
    }

    @Test(arguments: [ResizeFilter.bicubic, .bilinear, .box])
    func constantImageStaysConstant(_ filter: ResizeFilter) {
        let image = Image(
            width: 37,
            height: 23,
            format: .rgb,
            samples: .uint8(Array(repeating: 201, count: 37 * 23 * 3))
        )
        for (w, h) in [(5, 4), (100, 61), (37, 7), (1, 1)] {
            let resized = image.resized(width: w, height: h, filter: filter)
            #expect(resized.uint8Samples == Array(repeating: 201, count: w * h * 3), "\(filter) \(w)x\(h)")
        }
    }

    @Test func sameSizeReturnsTheImage() {
        let image = Image(width: 3, height: 2, format: .gray, samples: .uint8([1, 2, 3, 4, 5, 6]))
        #expect(image.resized(width: 3, height: 2) == image)
    }

    @Test func sixteenBitKeepsDepthAndRange() throws {
        let values: [UInt16] = (0..<64).map { $0 % 2 == 0 ? 0 : 65535 }
        let image = Image(width: 8, height: 8, format: .gray, samples: .uint16(values))
        let resized = image.resized(width: 3, height: 5)
        let out = try #require(resized.uint16Samples)
        #expect(out.count == 15)
        // A fine checkerboard averages to mid-gray; bicubic overshoot is clamped, never wrapped.
        #expect(out.allSatisfy { $0 > 10_000 && $0 < 55_000 })
    }

    @Test func centerCropRoundsOffsetsDown() {
        let image = Image(width: 5, height: 4, format: .gray, samples: .uint8((0..<20).map(UInt8.init)))
        let crop = image.centerCropped(width: 2, height: 3)
        // left = (5 - 2) / 2 = 1, top = (4 - 3) / 2 = 0
        #expect(crop.uint8Samples == [1, 2, 6, 7, 11, 12])
        #expect(image.cropped(x: 3, y: 2, width: 2, height: 2).uint8Samples == [13, 14, 18, 19])
    }

    @Test func flattenedCompositesOverWhiteLikePillow() {
        // Values checked with Pillow 13: Image.alpha_composite(white, RGBA((200, 100, 0, a))).
        let image = Image(
            width: 4,
            height: 1,
            format: .rgba,
            samples: .uint8([200, 100, 0, 0, 200, 100, 0, 110, 200, 100, 0, 217, 200, 100, 0, 255])
        )
        #expect(image.flattened().uint8Samples == [255, 255, 255, 231, 188, 145, 208, 123, 38, 200, 100, 0])
    }
}
