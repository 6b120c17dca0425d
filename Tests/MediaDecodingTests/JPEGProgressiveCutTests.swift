// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing

/// Progressive JPEGs cut before their last scan decode to exactly the samples Pillow (libjpeg-turbo) decodes,
/// block smoothing included (`Fixtures/jpeg-progressive-cut/README.md`).
@Suite struct JPEGProgressiveCutTests {
    struct Header: Decodable {
        var pillow: String
        var sampling: [String]
        var kinds: [String]
        var files: Int
        var cuts: Int
    }

    /// One cut file of the corpus and what Pillow decodes from it.
    struct Case {
        var sampling: String
        var quality: Int
        var width: Int
        var height: Int
        var kind: String
        var scan: Int
        var length: Int
        var fileLength: Int
        var crc: UInt32

        var parameters: String {
            "\(sampling) q\(quality) \(width)×\(height) \(kind) scan \(scan) (\(length) of \(fileLength) bytes)"
        }
    }

    static func loadCorpus() throws -> (header: Header, cases: [(Case, [UInt8])]) {
        let packed = try MediaFixtures.bytes("jpeg-progressive-cut/corpus.bin.zz")
        let bytes = try Zlib.decompress(packed, maxOutputBytes: 1 << 26)
        let newline = try #require(bytes.firstIndex(of: 0x0A))
        let header = try JSONDecoder().decode(Header.self, from: Data(bytes[..<newline]))
        func uint(_ at: Int, _ count: Int) -> Int {
            bytes[at..<(at + count)].reduce(0) { $0 << 8 | Int($1) }
        }
        var position = newline + 1
        var cases: [(Case, [UInt8])] = []
        while position + 8 <= bytes.count {
            let sampling = header.sampling[Int(bytes[position])]
            let quality = Int(bytes[position + 1])
            let width = Int(bytes[position + 2])
            let height = Int(bytes[position + 3])
            let fileLength = uint(position + 4, 4)
            let jpeg = Array(bytes[(position + 8)..<(position + 8 + fileLength)])
            position += 8 + fileLength
            let cutCount = uint(position, 2)
            position += 2
            for _ in 0..<cutCount {
                let length = uint(position, 4)
                let item = Case(
                    sampling: sampling,
                    quality: quality,
                    width: width,
                    height: height,
                    kind: header.kinds[Int(bytes[position + 4])],
                    scan: Int(bytes[position + 5]),
                    length: length,
                    fileLength: fileLength,
                    crc: UInt32(uint(position + 6, 4))
                )
                cases.append((item, Array(jpeg[..<length])))
                position += 10
            }
        }
        return (header, cases)
    }

    @Test("every cut progressive file decodes to Pillow's samples")
    func cutFilesMatchPillow() throws {
        let (header, cases) = try Self.loadCorpus()
        #expect(cases.count == header.cuts)
        #expect(cases.count == 1506)
        var mismatches: [String] = []
        var perKind: [String: (cases: Int, matched: Int)] = [:]
        for (item, jpeg) in cases {
            var tally = perKind[item.kind, default: (0, 0)]
            tally.cases += 1
            do {
                let decoded = try JPEGDecoder().decodeReportingWarnings(jpeg, limits: .default)
                let image = item.sampling == "gray" ? decoded.image : decoded.image.convertedToRGB8()
                let samples = try #require(image.uint8Samples)
                if image.width == item.width, image.height == item.height, Zlib.crc32(samples) == item.crc {
                    tally.matched += 1
                } else {
                    mismatches.append(item.parameters)
                }
            } catch {
                mismatches.append("\(item.parameters): \(error)")
            }
            perKind[item.kind] = tally
        }
        let summary = perKind.keys.sorted().map { "\($0): \(perKind[$0]!.matched)/\(perKind[$0]!.cases)" }
        #expect(
            mismatches.isEmpty,
            "\(mismatches.count) of \(cases.count) differ (per kind: \(summary)):\n\(mismatches.joined(separator: "\n"))"
        )
    }

    @Test("a whole file decodes without warnings, a cut one with the end-of-data warning")
    func warningsFollowTheCut() throws {
        let (_, cases) = try Self.loadCorpus()
        for (item, jpeg) in cases where item.sampling == "4:2:0" && item.width == 33 && item.quality == 85 {
            let decoded = try JPEGDecoder().decodeReportingWarnings(jpeg, limits: .default)
            #expect(decoded.warnings.isEmpty == (item.kind == "whole"), "\(item.parameters)")
            if item.kind != "whole" {
                #expect(throws: MediaDecodingError.self) {
                    try JPEGDecoder(damageHandling: .reject).decode(jpeg, limits: .default)
                }
            }
        }
    }
}
