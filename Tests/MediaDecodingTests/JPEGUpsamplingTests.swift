// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing

/// Chroma upsampling chosen as libjpeg-turbo chooses it.
///
/// The smoothing ("fancy") filter serves components more than two samples wide, replication narrower ones. Every
/// width 1…8 × height 1…6 at 4:2:0 and 4:2:2, decoded by Pillow (`Fixtures/jpeg-upsampling/README.md`).
@Suite struct JPEGUpsamplingTests {
    struct Case: Decodable {
        var subsampling: String
        var width: Int
        var height: Int
        var jpeg: String
        var rgb: String
    }

    struct Golden: Decodable {
        var pillow: String
        var cases: [Case]
    }

    @Test("narrow and short subsampled JPEGs decode to Pillow's pixels exactly")
    func matchesPillow() throws {
        let golden = try JSONDecoder().decode(
            Golden.self,
            from: Data(MediaFixtures.bytes("jpeg-upsampling/narrow.json"))
        )
        #expect(golden.cases.count == 96)
        var mismatches: [String] = []
        for entry in golden.cases {
            let jpeg = try #require(Data(base64Encoded: entry.jpeg))
            let expected = try #require(Data(base64Encoded: entry.rgb))
            let image = try JPEGDecoder().decode([UInt8](jpeg), limits: .default)
            guard case .uint8(let samples) = image.samples, image.width == entry.width, image.height == entry.height
            else {
                mismatches.append("\(entry.subsampling) \(entry.width)×\(entry.height): wrong shape")
                continue
            }
            let worst = zip(samples, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
            if samples != [UInt8](expected) {
                mismatches.append("\(entry.subsampling) \(entry.width)×\(entry.height): off by up to \(worst)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(golden.cases.count): \(mismatches)")
    }
}
