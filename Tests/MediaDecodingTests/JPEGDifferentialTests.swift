// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing

/// The JPEG part of the differential corpus: sizes × subsampling × coding modes written by `cjpeg`, each decoded
/// to exactly the samples Pillow decodes (CRC-32 of the samples; `Fixtures/jpeg-differential/README.md`).
///
/// Set `MMRAG_JPEG_DIFFERENTIAL` to a corpus made with `jpeg_differential_corpus.py --full` (every size 1…40) to
/// run the whole sweep instead of the checked-in sample.
@Suite struct JPEGDifferentialTests {
    struct Header: Decodable {
        var pillow: String
        var sampling: [String]
        var modes: [String]
        var cases: Int
    }

    @Test("every file of the JPEG differential corpus decodes to Pillow's samples")
    func corpusMatchesPillow() throws {
        let packed: [UInt8]
        if let path = ProcessInfo.processInfo.environment["MMRAG_JPEG_DIFFERENTIAL"] {
            packed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        } else {
            packed = try MediaFixtures.bytes("jpeg-differential/corpus.bin.zz")
        }
        let bytes = try Zlib.decompress(packed, maxOutputBytes: 1 << 28)
        let newline = try #require(bytes.firstIndex(of: 0x0A))
        let header = try JSONDecoder().decode(Header.self, from: Data(bytes[..<newline]))
        var position = newline + 1
        var mismatches: [String] = []
        var perClass: [String: (cases: Int, matched: Int)] = [:]
        var seen = 0
        while position + 10 <= bytes.count {
            let sampling = header.sampling[Int(bytes[position])]
            let mode = header.modes[Int(bytes[position + 1])]
            let width = Int(bytes[position + 2])
            let height = Int(bytes[position + 3])
            let crc = bytes[(position + 4)..<(position + 8)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let length = Int(bytes[position + 8]) << 8 | Int(bytes[position + 9])
            let jpeg = Array(bytes[(position + 10)..<(position + 10 + length)])
            position += 10 + length
            seen += 1
            let key = "\(sampling) \(mode)"
            var tally = perClass[key, default: (0, 0)]
            tally.cases += 1
            do {
                let decoded = try JPEGDecoder().decodeReportingWarnings(jpeg, limits: .default)
                let image = sampling == "gray" ? decoded.image : decoded.image.convertedToRGB8()
                let samples = try #require(image.uint8Samples)
                if image.width == width, image.height == height, Zlib.crc32(samples) == crc,
                    decoded.warnings.isEmpty
                {
                    tally.matched += 1
                } else {
                    mismatches.append("\(key) \(width)×\(height)\(decoded.warnings.isEmpty ? "" : " (warnings)")")
                }
            } catch {
                mismatches.append("\(key) \(width)×\(height): \(error)")
            }
            perClass[key] = tally
        }
        #expect(seen == header.cases)
        if ProcessInfo.processInfo.environment["MMRAG_JPEG_DIFFERENTIAL"] == nil {
            #expect(seen == 2430)
        }
        let summary = perClass.keys.sorted().map { "\($0): \(perClass[$0]!.matched)/\(perClass[$0]!.cases)" }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(seen) differ: \(mismatches); per class: \(summary)")
    }
}
