// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing

/// Inputs that crashed a decoder under libFuzzer (`Tests/Fuzz/`), each now rejected with a typed error.
///
/// The files and what went wrong are listed in `Fixtures/fuzz/README.md`.
@Suite struct FuzzRegressionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var code: MediaDecodingError.Code
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "avi-riff-size-below-form-type.avi", code: .corrupt)
    ]

    /// The harness's call: the decoder named by the file's prefix, under the fuzzing limits.
    static func decode(_ file: String, _ bytes: [UInt8]) throws {
        let limits = DecodingLimits(maxPixelCount: 1 << 20, maxDecompressedBytes: 16 << 20, maxFrames: 16)
        let registry = MediaDecoder()
        switch file.prefix(while: { $0 != "-" }) {
        case "avi": _ = try AVIDecoder().decode(bytes, limits: limits, using: registry)
        default: Issue.record("no decoder for \(file)")
        }
    }

    @Test(arguments: cases) func rejectedWithTypedError(_ entry: Case) throws {
        let bytes = try MediaFixtures.bytes("fuzz/" + entry.file)
        #expect {
            try Self.decode(entry.file, bytes)
        } throws: { error in
            (error as? MediaDecodingError)?.code == entry.code
        }
    }
}
