// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing

/// Damaged JPEGs decode as libjpeg-turbo (Pillow's decoder) decodes them, with warnings; a strict decoder
/// refuses them; what libjpeg refuses is refused (`Fixtures/jpeg-damaged/README.md`).
@Suite struct JPEGDamageRecoveryTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var `class`: String
        var expected: String?
        var width: Int?
        var height: Int?

        var testDescription: String { name }
    }

    struct Manifest: Decodable {
        var pillow: String
        var cases: [Case]
    }

    static let manifest: Manifest? = {
        guard let bytes = try? MediaFixtures.bytes("jpeg-damaged/manifest.json") else { return nil }
        return try? JSONDecoder().decode(Manifest.self, from: Data(bytes))
    }()

    static var recovered: [Case] { (manifest?.cases ?? []).filter { $0.expected != nil } }
    static var refused: [Case] { (manifest?.cases ?? []).filter { $0.expected == nil } }

    /// The warnings each damaged file must produce (codes, in order of first appearance).
    static let expectedWarnings: [String: [MediaDecodingWarning.Code]] = [
        "junk-between-segments": [.extraneousData],
        "junk-before-sos": [.extraneousData],
        "junk-after-scan": [.extraneousData],
        "fill-bytes-before-marker": [],
        "corrupt-exif": [],
        "app1-length-short": [.extraneousData],
        "app1-length-long": [.extraneousData],
        "app1-length-one": [.extraneousData],
        "scan-cut-eoi": [.prematureEndOfScan],
        "scan-cut-eof": [.prematureEndOfScan, .prematureEndOfFile],
        "scan-cut-early-eof": [.prematureEndOfScan, .prematureEndOfFile],
        "no-eoi": [.prematureEndOfFile],
        "scan-cut-444": [.prematureEndOfScan],
        "scan-cut-gray": [.prematureEndOfScan],
        "bad-huffman": [.invalidHuffmanData, .coefficientOverrun],
        "bad-huffman-overwrite": [.coefficientOverrun],
        "restart-missing": [.extraneousData, .restartMarkerMismatch, .prematureEndOfScan],
        "restart-wrong-number": [.restartMarkerMismatch],
        "restart-junk": [.extraneousData],
        "restart-segment-missing": [.prematureEndOfScan],
        "restart-cut-eof": [.prematureEndOfScan, .prematureEndOfFile],
        "progressive-last-scan-cut": [.prematureEndOfScan],
        "progressive-bad-huffman": [.invalidHuffmanData, .extraneousData],
    ]

    @Test func manifestIsComplete() throws {
        let manifest = try #require(Self.manifest)
        #expect(manifest.cases.count == 29)
        #expect(Set(Self.recovered.map(\.name)) == Set(Self.expectedWarnings.keys))
    }

    @Test(arguments: recovered)
    func decodesToLibjpegPixelsWithWarnings(_ entry: Case) throws {
        let bytes = try MediaFixtures.bytes("jpeg-damaged/\(entry.name).jpg")
        let expectedFile = try #require(entry.expected)
        let expected = try PNGDecoder().decode(MediaFixtures.bytes("jpeg-damaged/" + expectedFile), limits: .default)
        let decoded = try JPEGDecoder().decodeReportingWarnings(bytes, limits: .default)
        #expect(decoded.image.width == expected.width && decoded.image.height == expected.height)
        let ours = try #require(decoded.image.convertedToRGB8().uint8Samples)
        let theirs = try #require(expected.convertedToRGB8().uint8Samples)
        let worst = zip(ours, theirs).map { abs(Int($0) - Int($1)) }.max() ?? 0
        let differing = zip(ours, theirs).filter { $0 != $1 }.count
        let width = expected.width
        var firstDifference: (x: Int, y: Int)?
        if let index = ours.indices.first(where: { ours[$0] != theirs[$0] }) {
            firstDifference = (index / 3 % width, index / 3 / width)
        }
        let first = String(describing: firstDifference)
        #expect(differing == 0, "\(differing) samples differ, by up to \(worst), first at \(first)")
        var codes: [MediaDecodingWarning.Code] = []
        for warning in decoded.warnings where !codes.contains(warning.code) { codes.append(warning.code) }
        #expect(codes == Self.expectedWarnings[entry.name], "\(decoded.warnings)")
        // Through the registry too, and `decode` gives the same pixels.
        let viaRegistry = try MediaDecoder().decodeImageReportingWarnings(bytes)
        #expect(viaRegistry == decoded)
        #expect(try JPEGDecoder().decode(bytes, limits: .default) == decoded.image)
    }

    @Test(arguments: recovered)
    func strictDecoderRefusesDamage(_ entry: Case) throws {
        let bytes = try MediaFixtures.bytes("jpeg-damaged/\(entry.name).jpg")
        let strict = JPEGDecoder(damageHandling: .reject)
        if Self.expectedWarnings[entry.name]?.isEmpty ?? false {
            _ = try strict.decode(bytes, limits: .default)
            return
        }
        do {
            _ = try strict.decode(bytes, limits: .default)
            Issue.record("\(entry.name): the strict decoder accepted a damaged file")
        } catch {
            #expect(error.code == .corrupt || error.code == .truncated)
            #expect(error.message.contains("damaged") || error.message.contains("scan"), "\(error)")
        }
    }

    @Test(arguments: refused)
    func refusesWhatLibjpegRefuses(_ entry: Case) throws {
        let bytes = try MediaFixtures.bytes("jpeg-damaged/\(entry.name).jpg")
        for decoder in [JPEGDecoder(), JPEGDecoder(damageHandling: .reject)] {
            #expect(throws: MediaDecodingError.self) {
                try decoder.decode(bytes, limits: .default)
            }
        }
    }

    /// Intact files decode with no warning, and the strict decoder gives the same pixels.
    @Test(arguments: [
        "jpeg_baseline_420_99x67.jpg", "jpeg_progressive_420_restart_75x53.jpg", "jpeg_restart_420_160x120.jpg",
        "jpeg_cmyk_adobe_96x64.jpg", "jpeg_baseline_444_noninterleaved_160x120.jpg",
    ])
    func intactFilesHaveNoWarnings(_ file: String) throws {
        let bytes = try MediaFixtures.bytes("images/" + file)
        let decoded = try JPEGDecoder().decodeReportingWarnings(bytes, limits: .default)
        #expect(decoded.warnings.isEmpty, "\(decoded.warnings)")
        #expect(try JPEGDecoder(damageHandling: .reject).decode(bytes, limits: .default) == decoded.image)
    }
}
