// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

/// One entry of `Fixtures/images/manifest.json` or `Fixtures/audio/manifest.json`.
struct MediaFixture: Sendable, CustomTestStringConvertible {
    var folder: String
    var file: String
    var format: String
    var expected: String?
    var expectedShape: [Int]
    var expectError: Bool
    var maxAbs: Double

    var testDescription: String { file }

    /// The file's bytes.
    func bytes() throws -> [UInt8] {
        try MediaFixtures.bytes(folder + "/" + file)
    }

    /// The expected array.
    func expectedArray() throws -> NPYArray {
        let name = try #require(expected, "\(file) has no expected array")
        return try NPYArray(contentsOf: MediaFixtures.url(folder + "/" + name))
    }
}

/// Reads the fixtures copied from `shared/fixtures/media` into `Fixtures/`.
enum MediaFixtures {
    static func url(_ relativePath: String) throws -> URL {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appendingPathComponent(relativePath)
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: url(relativePath)))
    }

    /// Manifest entries of `folder` ("images" or "audio") whose format is in `formats` and whose file was copied.
    static func entries(_ folder: String, formats: Set<String>) -> [MediaFixture] {
        guard let manifestURL = try? url(folder + "/manifest.json"),
            let data = try? Data(contentsOf: manifestURL),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let files = root["files"] as? [[String: Any]]
        else { return [] }
        return files.compactMap { entry -> MediaFixture? in
            guard let file = entry["file"] as? String, let format = entry["format"] as? String,
                formats.contains(format),
                let fileURL = try? url(folder + "/" + file), FileManager.default.fileExists(atPath: fileURL.path)
            else { return nil }
            let tolerance = entry["tolerance"] as? [String: Any]
            return MediaFixture(
                folder: folder,
                file: file,
                format: format,
                expected: entry["expected"] as? String,
                expectedShape: (entry["expected_shape"] as? [Int]) ?? [],
                expectError: (entry["expect_error"] as? Bool) ?? false,
                maxAbs: (tolerance?["max_abs"] as? Double) ?? 0
            )
        }
    }

    static func decodable(_ folder: String, _ formats: Set<String>) -> [MediaFixture] {
        entries(folder, formats: formats).filter { !$0.expectError }
    }

    /// Checks that `image` has the expected shape and exactly the expected samples (within `maxAbs`).
    static func expect(
        _ image: Image,
        matches fixture: MediaFixture,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let expected = try fixture.expectedArray()
        let shape = [image.height, image.width, image.format.channelCount]
        try #require(
            expected.shape == shape,
            "\(fixture.file): shape \(shape) vs \(expected.shape)",
            sourceLocation: sourceLocation
        )
        try #require(fixture.expectedShape == shape, "\(fixture.file): manifest shape", sourceLocation: sourceLocation)
        switch image.samples {
        case .uint8(let values):
            try #require(expected.elementType == .uint8, "\(fixture.file): dtype", sourceLocation: sourceLocation)
            expectClose(values.map(Int.init), expected.integers, maxAbs: fixture.maxAbs, fixture.file, sourceLocation)
        case .uint16(let values):
            try #require(expected.elementType == .uint16, "\(fixture.file): dtype", sourceLocation: sourceLocation)
            expectClose(values.map(Int.init), expected.integers, maxAbs: fixture.maxAbs, fixture.file, sourceLocation)
        }
    }

    static func expectClose(
        _ actual: [Int],
        _ expected: [Int],
        maxAbs: Double,
        _ name: String,
        _ sourceLocation: SourceLocation
    ) {
        guard actual.count == expected.count else {
            Issue.record("\(name): \(actual.count) samples vs \(expected.count)", sourceLocation: sourceLocation)
            return
        }
        var mismatches = 0
        var first = -1
        for i in actual.indices where Double(abs(actual[i] - expected[i])) > maxAbs {
            if first < 0 { first = i }
            mismatches += 1
        }
        #expect(
            mismatches == 0,
            "\(name): \(mismatches) samples differ, first at \(first): \(first >= 0 ? "\(actual[first]) vs \(expected[first])" : "")",
            sourceLocation: sourceLocation
        )
    }

    /// Decodes every prefix of `bytes` (in steps of `step`) and checks that none traps, and that every
    /// prefix shorter than the file throws.
    static func truncationSweep(
        _ bytes: [UInt8],
        step: Int,
        sourceLocation: SourceLocation = #_sourceLocation,
        decode: ([UInt8]) throws(MediaDecodingError) -> Void
    ) {
        var length = 0
        var unexpectedSuccess = [Int]()
        while length < bytes.count {
            do throws(MediaDecodingError) {
                try decode(Array(bytes[0..<length]))
                unexpectedSuccess.append(length)
            } catch {
                // Expected: a typed error, no trap.
            }
            length += step
        }
        #expect(
            unexpectedSuccess.isEmpty,
            "prefixes decoded without error: \(unexpectedSuccess)",
            sourceLocation: sourceLocation
        )
    }
}
