// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing

/// Chroma upsampling chosen as libjpeg-turbo chooses it.
///
/// The smoothing ("fancy") filter serves components more than two samples wide, replication narrower ones. Every
/// width 1…8 × height 1…6 at 4:2:0 and 4:2:2, decoded by Pillow; and the other sampling factors (4:4:0, 4:1:1,
/// 4:1:0, 1x4, 3x1, mixed chroma factors) at every size 1…16, written by libjpeg-turbo's `cjpeg`
/// (`Fixtures/jpeg-upsampling/README.md`).
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

    struct OddFactorsHeader: Decodable {
        var pillow: String
        var factors: [String]
        var cases: Int
    }

    @Test("other sampling factors decode to Pillow's pixels exactly (CRC-32 of the RGB samples)")
    func oddFactorsMatchPillow() throws {
        let packed = try MediaFixtures.bytes("jpeg-upsampling/odd-factors.bin.zz")
        let bytes = try Zlib.decompress(packed, maxOutputBytes: 1 << 24)
        let newline = try #require(bytes.firstIndex(of: 0x0A))
        let header = try JSONDecoder().decode(OddFactorsHeader.self, from: Data(bytes[..<newline]))
        var position = newline + 1
        var counts: [String: (cases: Int, matched: Int)] = [:]
        var mismatches: [String] = []
        var seen = 0
        while position < bytes.count {
            let factors = header.factors[Int(bytes[position])]
            let width = Int(bytes[position + 1])
            let height = Int(bytes[position + 2])
            let crc = bytes[(position + 3)..<(position + 7)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let length = Int(bytes[position + 7]) << 8 | Int(bytes[position + 8])
            let jpeg = Array(bytes[(position + 9)..<(position + 9 + length)])
            position += 9 + length
            seen += 1
            let label = "\(factors) \(width)×\(height)"
            var tally = counts[factors, default: (0, 0)]
            tally.cases += 1
            do {
                let image = try JPEGDecoder().decode(jpeg, limits: .default).convertedToRGB8()
                let samples = try #require(image.uint8Samples)
                if image.width == width, image.height == height, Zlib.crc32(samples) == crc {
                    tally.matched += 1
                } else {
                    mismatches.append(label)
                }
            } catch {
                mismatches.append("\(label): \(error)")
            }
            counts[factors] = tally
        }
        #expect(seen == header.cases && seen == 1012)
        let summary = header.factors.map { "\($0): \(counts[$0]?.matched ?? 0)/\(counts[$0]?.cases ?? 0)" }
        #expect(mismatches.isEmpty, "\(summary) — mismatches: \(mismatches)")
    }
}
