// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing

/// The PNG, GIF, BMP and PNM part of the differential corpus: every variant of each format, each decoded to
/// exactly the pixels Pillow decodes (CRC-32 of canonical RGBA; `Fixtures/image-differential/README.md`), or,
/// where Pillow departs from the format's specification, to the specification's pixels, or refused with a
/// typed error where Pillow refuses the file.
@Suite struct ImageDifferentialTests {
    struct Header: Decodable {
        var pillow: String
        var cases: Int
    }

    struct Case {
        var label: String
        var refused: Bool
        var specReference: Bool
        var width: Int
        var height: Int
        var crc: UInt32
        var file: [UInt8]

        /// The class a case is tallied under: its label before the colon.
        var group: String { String(label.prefix { $0 != ":" }) }
    }

    static func corpus() throws -> (header: Header, cases: [Case]) {
        let packed = try MediaFixtures.bytes("image-differential/corpus.bin.zz")
        let bytes = try Zlib.decompress(packed, maxOutputBytes: 1 << 26)
        let newline = try #require(bytes.firstIndex(of: 0x0A))
        let header = try JSONDecoder().decode(Header.self, from: Data(bytes[..<newline]))
        var position = newline + 1
        func integer(_ count: Int) -> Int {
            defer { position += count }
            return bytes[position..<(position + count)].reduce(0) { $0 << 8 | Int($1) }
        }
        var cases: [Case] = []
        while position < bytes.count {
            let flags = integer(1)
            let width = integer(2)
            let height = integer(2)
            let crc = UInt32(integer(4))
            let labelLength = integer(1)
            let label = String(decoding: bytes[position..<(position + labelLength)], as: UTF8.self)
            position += labelLength
            let length = integer(4)
            let file = Array(bytes[position..<(position + length)])
            position += length
            cases.append(
                Case(
                    label: label,
                    refused: flags & 1 != 0,
                    specReference: flags & 2 != 0,
                    width: width,
                    height: height,
                    crc: crc,
                    file: file
                )
            )
        }
        return (header, cases)
    }

    /// The CRC-32 of an image as 8-bit RGBA with the colour of fully transparent pixels set to 0.
    static func canonicalCRC(_ image: Image) -> UInt32 {
        var samples = image.convertedToRGBA8().uint8Samples ?? []
        for pixel in stride(from: 0, to: samples.count, by: 4) where samples[pixel + 3] == 0 {
            samples[pixel] = 0
            samples[pixel + 1] = 0
            samples[pixel + 2] = 0
        }
        return Zlib.crc32(samples)
    }

    /// Decodes one case; `nil` when it matches its reference, otherwise what differs.
    static func mismatch(_ test: Case) -> String? {
        do {
            let image = try MediaDecoder().decodeImage(test.file)
            if test.refused { return "\(test.label): decoded, the reference refuses it" }
            guard image.width == test.width, image.height == test.height else {
                return "\(test.label): size \(image.width)×\(image.height)"
            }
            return canonicalCRC(image) == test.crc ? nil : "\(test.label): pixels differ"
        } catch let error as MediaDecodingError {
            return test.refused ? nil : "\(test.label): \(error)"
        } catch {
            return "\(test.label): untyped error \(error)"
        }
    }

    @Test("every file of the PNG/GIF/BMP/PNM differential corpus decodes to its reference pixels")
    func corpusMatchesReference() throws {
        let (header, cases) = try Self.corpus()
        #expect(cases.count == header.cases)
        var mismatches: [String] = []
        var perClass: [String: (cases: Int, matched: Int)] = [:]
        for test in cases {
            var tally = perClass[test.group, default: (0, 0)]
            tally.cases += 1
            if let mismatch = Self.mismatch(test) {
                mismatches.append(mismatch)
            } else {
                tally.matched += 1
            }
            perClass[test.group] = tally
        }
        let summary = perClass.keys.sorted().map { "\($0): \(perClass[$0]!.matched)/\(perClass[$0]!.cases)" }
        #expect(
            mismatches.isEmpty,
            """
            \(mismatches.count) of \(cases.count) differ
            per class: \(summary.joined(separator: "; "))
            \(mismatches.joined(separator: "\n"))
            """
        )
    }

    /// Where the reference is not Pillow's output, per class (`Documentation/Fidelity.md` says why for each):
    /// PAM, which Pillow does not read (netpbm's `pamtopng` instead); Pillow's departures from the PNG
    /// specification on tRNS colour keys; 16-bit PPM, which Pillow reduces to 8 bits; BMP bit masks and
    /// `BI_ALPHABITFIELDS` that Pillow refuses; an RLE bitmap ended early; GIF code size 1 and a frame past
    /// the screen.
    static let documentedDepartures: [String: Int] = [
        "bmp 16-bit 4444 v4": 5, "bmp 32-bit 10-10-10": 5, "bmp 32-bit alpha-bitfields": 5,
        "bmp rle8 early-end-of-bitmap": 1, "gif code-size-1 global": 2, "gif code-size-1 local": 2,
        "gif code-size-1 transparent": 2, "gif frame-beyond-screen": 1, "png gray1 trns-out-of-range": 8,
        "png gray16 trns": 16, "png gray2 trns": 14, "png gray2 trns-out-of-range": 16, "png gray4 trns": 15,
        "png gray4 trns-out-of-range": 16, "png rgb16 trns": 16, "pnm P3 maxval 1000": 4, "pnm P3 maxval 65535": 4,
        "pnm P6 maxval 1000": 4, "pnm P6 maxval 65535": 4, "pnm P7 BLACKANDWHITE maxval 1": 4,
        "pnm P7 GRAYSCALE maxval 15": 4, "pnm P7 GRAYSCALE maxval 255": 4, "pnm P7 GRAYSCALE maxval 65535": 4,
        "pnm P7 GRAYSCALE_ALPHA maxval 15": 4, "pnm P7 GRAYSCALE_ALPHA maxval 255": 4,
        "pnm P7 GRAYSCALE_ALPHA maxval 65535": 4, "pnm P7 RGB maxval 15": 4, "pnm P7 RGB maxval 255": 4,
        "pnm P7 RGB maxval 65535": 4, "pnm P7 RGB_ALPHA maxval 15": 4, "pnm P7 RGB_ALPHA maxval 255": 4,
        "pnm P7 RGB_ALPHA maxval 65535": 4,
    ]

    @Test("the files whose reference is not Pillow's output are exactly the documented departures")
    func departuresAreDocumented() throws {
        let (_, cases) = try Self.corpus()
        var departures: [String: Int] = [:]
        for test in cases where test.specReference {
            departures[test.group, default: 0] += 1
        }
        #expect(departures == Self.documentedDepartures)
        #expect(cases.count == 1231)
    }
}
