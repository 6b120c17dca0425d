// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

/// One JPEG entry of `Fixtures/images/manifest.json`, with the fields the JPEG tests need.
struct JPEGFixture: Sendable, CustomTestStringConvertible {
    var file: String
    var expected: String?
    var expectedOriented: String?
    var orientation: Int?
    var meanAbs: Double
    var maxAbs: Double
    var strictMeanAbs: Double
    var strictMaxAbs: Double
    var expectError: Bool
    var mayBeUnsupported: Bool

    var testDescription: String { file }

    static let all: [JPEGFixture] = {
        guard let url = try? MediaFixtures.url("images/manifest.json"), let data = try? Data(contentsOf: url),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let files = root["files"] as? [[String: Any]]
        else { return [] }
        return files.compactMap { entry in
            guard entry["format"] as? String == "JPEG", let file = entry["file"] as? String else { return nil }
            let tolerance = entry["tolerance"] as? [String: Double]
            let strict = entry["tolerance_strict"] as? [String: Double]
            return JPEGFixture(
                file: file,
                expected: entry["expected"] as? String,
                expectedOriented: entry["expected_oriented"] as? String,
                orientation: entry["exif_orientation"] as? Int,
                meanAbs: tolerance?["mean_abs"] ?? 0,
                maxAbs: tolerance?["max_abs"] ?? 0,
                strictMeanAbs: strict?["mean_abs"] ?? 0,
                strictMaxAbs: strict?["max_abs"] ?? 0,
                expectError: entry["expect_error"] as? Bool ?? false,
                mayBeUnsupported: entry["may_be_unsupported"] as? Bool ?? false
            )
        }
    }()

    static var decodable: [JPEGFixture] { all.filter { !$0.expectError && !$0.mayBeUnsupported } }

    func bytes() throws -> [UInt8] { try MediaFixtures.bytes("images/" + file) }
}

/// Mean and largest absolute difference, and the largest per-channel mean signed difference.
struct SampleDifference {
    var mean: Double
    var max: Int
    var channelBias: Double

    init(_ image: Image, _ expected: NPYArray) throws {
        let actual = try #require(image.uint8Samples).map(Int.init)
        let reference = expected.integers
        try #require(expected.shape == [image.height, image.width, image.format.channelCount])
        let channels = image.format.channelCount
        var total = 0
        var largest = 0
        var bias = [Int](repeating: 0, count: channels)
        for i in actual.indices {
            let d = actual[i] - reference[i]
            total += abs(d)
            largest = Swift.max(largest, abs(d))
            bias[i % channels] += d
        }
        mean = Double(total) / Double(actual.count)
        max = largest
        channelBias = bias.map { abs(Double($0) / Double(actual.count / channels)) }.max() ?? 0
    }
}

@Suite struct JPEGDecoderTests {
    static func load(_ name: String) throws -> NPYArray {
        try NPYArray(contentsOf: MediaFixtures.url("images/" + name))
    }

    @Test func manifestListsEveryJPEG() {
        #expect(JPEGFixture.all.count == 27)
        #expect(JPEGFixture.decodable.count == 24)
    }

    /// Stored pixels (orientation not applied) within the strict tolerance: the same IDCT, upsampling and colour
    /// conversion as libjpeg-turbo, so in practice bit-exact.
    @Test(arguments: JPEGFixture.decodable)
    func decodesWithinStrictTolerance(_ fixture: JPEGFixture) throws {
        let image = try JPEGDecoder(appliesEXIFOrientation: false).decode(fixture.bytes(), limits: .default)
        let difference = try SampleDifference(image, Self.load(try #require(fixture.expected)))
        #expect(difference.mean <= fixture.strictMeanAbs, "\(fixture.file): mean \(difference.mean)")
        #expect(difference.max <= Int(fixture.strictMaxAbs), "\(fixture.file): max \(difference.max)")
        #expect(difference.mean <= fixture.meanAbs && difference.max <= Int(fixture.maxAbs))
        #expect(difference.channelBias <= 1.5)
        // Stronger than the manifest asks: today every fixture decodes to exactly Pillow's pixels.
        #expect(difference.max == 0, "\(fixture.file): not bit-exact")
    }

    @Test(arguments: JPEGFixture.decodable.filter { $0.orientation != nil })
    func appliesEXIFOrientationByDefault(_ fixture: JPEGFixture) throws {
        let bytes = try fixture.bytes()
        #expect(JPEGDecoder.exifOrientation(of: bytes) == fixture.orientation)
        let image = try MediaDecoder().decodeImage(bytes)
        let expected = try Self.load(try #require(fixture.expectedOriented))
        let difference = try SampleDifference(image, expected)
        #expect(difference.mean <= fixture.strictMeanAbs && difference.max <= Int(fixture.strictMaxAbs))
    }

    @Test func nonSquareOrientationSixSwapsWidthAndHeight() throws {
        let bytes = try MediaFixtures.bytes("images/jpeg_exif_orientation_6_80x120.jpg")
        let upright = try JPEGDecoder().decode(bytes, limits: .default)
        let stored = try JPEGDecoder(appliesEXIFOrientation: false).decode(bytes, limits: .default)
        #expect((stored.width, stored.height) == (80, 120))
        #expect((upright.width, upright.height) == (120, 80))
    }

    @Test func cmykAndYCCKInkChannelsBecomeRGB() throws {
        for name in ["jpeg_cmyk_adobe_96x64", "jpeg_ycck_adobe_100x100"] {
            let image = try JPEGDecoder().decode(MediaFixtures.bytes("images/\(name).jpg"), limits: .default)
            #expect(image.format == .rgb)
            let difference = try SampleDifference(image, Self.load("\(name).npy"))
            #expect(difference.max == 0, "\(name): max \(difference.max)")
        }
    }

    @Test func arithmeticCodingIsUnsupported() throws {
        let bytes = try MediaFixtures.bytes("images/jpeg_arithmetic_420_160x120.jpg")
        do {
            _ = try JPEGDecoder().decode(bytes, limits: .default)
            Issue.record("decoded an arithmetic-coded file")
        } catch {
            #expect(error.code == .unsupported)
            #expect(error.message.contains("arithmetic"))
        }
    }

    @Test func twelveBitPrecisionIsUnsupported() throws {
        var bytes = try MediaFixtures.bytes("images/jpeg_gray_160x120.jpg")
        let sof = try #require((0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes[sof + 1] = 0xC1
        bytes[sof + 4] = 12
        do {
            _ = try JPEGDecoder().decode(bytes, limits: .default)
            Issue.record("decoded a 12-bit file")
        } catch {
            #expect(error.code == .unsupported)
            #expect(error.message.contains("12 bits"))
        }
    }

    /// Through the registry, the SOI-plus-garbage file is not recognised at all (like Pillow's "cannot identify
    /// image file"); given to the JPEG decoder directly it is corrupt (libjpeg skips the garbage to a marker it
    /// refuses).
    @Test func rejectsGarbageAfterSOI() throws {
        let bytes = try MediaFixtures.bytes("images/bad_jpeg_garbage_after_soi.jpg")
        #expect {
            try MediaDecoder().decodeImage(bytes)
        } throws: { error in
            (error as? MediaDecodingError)?.code == .unknownFormat
        }
        for decoder in [JPEGDecoder(), JPEGDecoder(damageHandling: .reject)] {
            #expect {
                try decoder.decode(bytes, limits: .default)
            } throws: { error in
                (error as? MediaDecodingError)?.code == .corrupt
            }
        }
    }

    /// A file cut in half inside its scan decodes as libjpeg-turbo decodes it (the rest mid-grey), with warnings;
    /// the strict decoder refuses it as truncated.
    @Test func fileCutInHalfIsRecoveredOrRefused() throws {
        let bytes = try MediaFixtures.bytes("images/bad_jpeg_truncated.jpg")
        let decoded = try MediaDecoder().decodeImageReportingWarnings(bytes)
        #expect(decoded.warnings.map(\.code) == [.prematureEndOfScan, .prematureEndOfFile])
        let samples = try #require(decoded.image.uint8Samples)
        #expect(samples.suffix(3 * 160) == ArraySlice(repeating: 128, count: 3 * 160))
        #expect {
            try JPEGDecoder(damageHandling: .reject).decode(bytes, limits: .default)
        } throws: { error in
            (error as? MediaDecodingError)?.code == .truncated
        }
    }

    /// A sequential file with one scan per component (decoded into whole planes, not streamed) gives exactly
    /// the pixels of the interleaved original it was rewritten from (see Fixtures/README.md).
    @Test func nonInterleavedScansDecodeLikeTheInterleavedOriginal() throws {
        let bytes = try MediaFixtures.bytes("images/jpeg_baseline_444_noninterleaved_160x120.jpg")
        let image = try JPEGDecoder().decode(bytes, limits: .default)
        let original = try JPEGDecoder().decode(
            MediaFixtures.bytes("images/jpeg_baseline_444_160x120.jpg"),
            limits: .default
        )
        #expect(image == original)
        let difference = try SampleDifference(image, Self.load("jpeg_baseline_444_160x120.npy"))
        #expect(difference.max == 0)
        MediaFixtures.truncationSweep(bytes, step: 13) { prefix throws(MediaDecodingError) in
            _ = try JPEGDecoder(damageHandling: .reject).decode(prefix, limits: .default)
        }
    }

    @Test func limitsAreCheckedBeforeDecoding() throws {
        let bytes = try MediaFixtures.bytes("images/jpeg_baseline_420_160x120.jpg")
        #expect {
            try JPEGDecoder().decode(bytes, limits: DecodingLimits(maxPixelCount: 160 * 120 - 1))
        } throws: { error in
            (error as? MediaDecodingError)?.code == .limitExceeded
        }
    }

    /// Every prefix is refused by the strict decoder; the default decoder refuses it or decodes it with a
    /// warning (never silently).
    @Test(arguments: ["jpeg_baseline_420_99x67.jpg", "jpeg_progressive_420_restart_75x53.jpg"])
    func truncatedPrefixesThrowOrWarn(_ file: String) throws {
        let bytes = try MediaFixtures.bytes("images/" + file)
        MediaFixtures.truncationSweep(bytes, step: 5) { prefix throws(MediaDecodingError) in
            _ = try JPEGDecoder(damageHandling: .reject).decode(prefix, limits: .default)
        }
        var silent: [Int] = []
        for length in stride(from: 0, to: bytes.count, by: 5) {
            guard let decoded = try? JPEGDecoder().decodeReportingWarnings(Array(bytes[0..<length]), limits: .default)
            else { continue }
            if !decoded.warnings.contains(where: { $0.code == .prematureEndOfFile }) { silent.append(length) }
        }
        #expect(silent.isEmpty, "prefixes decoded without a premature-end warning: \(silent)")
    }

    @Test(arguments: ["jpeg_progressive_420_160x120.jpg", "jpeg_restart_420_160x120.jpg"])
    func flippedBytesNeverTrap(_ file: String) throws {
        let bytes = try MediaFixtures.bytes("images/" + file)
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<300 {
            var mutated = bytes
            for _ in 0..<3 {
                let index = Int.random(in: 2..<bytes.count, using: &generator)
                mutated[index] ^= UInt8.random(in: 1...255, using: &generator)
            }
            _ = try? JPEGDecoder().decode(mutated, limits: .default)
        }
    }

    /// Motion-JPEG frames often leave out DHT; the Annex K tables must then be assumed.
    ///
    /// Pillow writes exactly those tables, so removing its DHT segments must not change the decoded pixels.
    @Test func missingHuffmanTablesDefaultToAnnexK() throws {
        let bytes = try MediaFixtures.bytes("images/jpeg_baseline_420_160x120.jpg")
        var stripped = [UInt8](bytes[0..<2])
        var position = 2
        while position < bytes.count {
            let marker = bytes[position + 1]
            if marker == 0xDA {
                stripped += bytes[position...]
                break
            }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            if marker != 0xC4 { stripped += bytes[position..<(position + 2 + length)] }
            position += 2 + length
        }
        #expect(stripped.count < bytes.count - 400)
        let original = try JPEGDecoder().decode(bytes, limits: .default)
        #expect(try JPEGDecoder().decode(stripped, limits: .default) == original)
    }
}
