// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

/// Reads `Fixtures/video` (copied from `shared/fixtures/media/video`) and the larger shared files, and
/// measures how far decoded frames are from the expected `.npy` arrays.
enum VideoFixtures {
    /// Whether the registry can decode JPEG (MJPEG frames); false until a JPEG decoder is registered.
    static let hasJPEG = MediaDecoder().canDecodeImage([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10])

    static func bytes(_ file: String) throws -> [UInt8] {
        try MediaFixtures.bytes("video/" + file)
    }

    static func sharedBytes(_ file: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: Fixtures.shared("media/video/" + file)))
    }

    static func npy(_ file: String) throws -> NPYArray {
        try NPYArray(contentsOf: MediaFixtures.url("video/" + file))
    }

    static func sharedNPY(_ file: String) throws -> NPYArray {
        try NPYArray(contentsOf: Fixtures.shared("media/video/" + file))
    }

    /// Mean and largest absolute difference between `image` (as RGB8) and an `H × W × 3` uint8 array.
    static func errors(
        _ image: Image,
        _ expected: NPYArray,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (mean: Double, max: Int) {
        try #require(expected.shape == [image.height, image.width, 3], sourceLocation: sourceLocation)
        let actual = try #require(image.convertedToRGB8().uint8Samples, sourceLocation: sourceLocation)
        let reference = expected.integers
        try #require(actual.count == reference.count, sourceLocation: sourceLocation)
        var sum = 0
        var largest = 0
        for i in actual.indices {
            let d = abs(Int(actual[i]) - reference[i])
            sum += d
            largest = max(largest, d)
        }
        return (Double(sum) / Double(max(actual.count, 1)), largest)
    }

    /// Checks `image` against an expected array within `mean`/`max`, printing the measured errors.
    static func expect(
        _ image: Image,
        matches expected: NPYArray,
        mean: Double,
        max: Int,
        _ name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let measured = try errors(image, expected, sourceLocation: sourceLocation)
        print("video fixture \(name): mean \(measured.mean) max \(measured.max)")
        #expect(measured.mean <= mean, "\(name): mean \(measured.mean)", sourceLocation: sourceLocation)
        #expect(measured.max <= max, "\(name): max \(measured.max)", sourceLocation: sourceLocation)
    }

    /// Reads every prefix of `bytes` (in steps of `step`): none may trap; each either throws a
    /// ``MediaDecodingError`` or yields a clip with no more frames than the whole file.
    static func truncationSweep(
        _ bytes: [UInt8],
        step: Int,
        fullFrameCount: Int,
        registry: MediaDecoder = MediaDecoder(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var tooMany = [Int]()
        var successes = 0
        for length in stride(from: 0, to: bytes.count, by: step) {
            do {
                let clip = try registry.decodeVideo(Array(bytes[0..<length]))
                successes += 1
                if clip.frameCount > fullFrameCount { tooMany.append(length) }
            } catch let error as MediaDecodingError {
                _ = error.code  // a typed error: expected
            } catch {
                Issue.record("prefix \(length): untyped error \(error)", sourceLocation: sourceLocation)
            }
        }
        #expect(tooMany.isEmpty, "prefixes with too many frames: \(tooMany)", sourceLocation: sourceLocation)
        #expect(successes < bytes.count / step, "most prefixes must fail", sourceLocation: sourceLocation)
    }

    /// Runs `body` and returns the ``MediaDecodingError`` it throws, or records an issue.
    static func error(
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) -> MediaDecodingError? {
        do {
            try body()
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch let error as MediaDecodingError {
            return error
        } catch {
            Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }
}
