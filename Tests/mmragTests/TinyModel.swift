// SPDX-License-Identifier: Apache-2.0

import Foundation
import _RAGTestSupport

@testable import mmrag

/// The tiny random-weight CLIP checkpoint of the shared fixtures, assembled as a hub snapshot looks: weights,
/// configuration and preprocessing from `models/clip-tiny`, the tokenizer from `models/clip-tokenizer`.
enum TinyModel {
    /// Whether the shared fixtures are configured (`MMRAG_FIXTURES`); tests that need them are skipped otherwise.
    static var available: Bool { Fixtures.hasShared }

    /// A folder named `clip-tiny` with links to the checkpoint's files (made once per process).
    static func folder() throws -> URL {
        try made.get()
    }

    private static let made: Result<URL, any Error> = Result {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mmrag-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
            .appendingPathComponent("clip-tiny")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["config.json", "model.safetensors", "preprocessor_config.json"] {
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent(name),
                withDestinationURL: try Fixtures.shared("models/clip-tiny/" + name)
            )
        }
        for name in ["vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"] {
            try FileManager.default.createSymbolicLink(
                at: folder.appendingPathComponent(name),
                withDestinationURL: try Fixtures.shared("models/clip-tokenizer/" + name)
            )
        }
        return folder
    }

    /// A new empty temporary folder.
    static func temporaryFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A new folder of `count` short, different text files (quick to embed).
    static func textFolder(_ count: Int) throws -> URL {
        let folder = try temporaryFolder("texts")
        for i in 0..<count {
            try Data("Note number \(i): a sentence about item \(i * 7 + 3).".utf8)
                .write(to: folder.appendingPathComponent("note-\(i < 10 ? "0" : "")\(i).txt"))
        }
        return folder
    }

    /// The shipped samples folder.
    static func samples() throws -> URL {
        try SampleFiles.folder(environment: [:])
    }

    /// Runs `mmrag` in-process with a capturing console.
    static func run(
        _ words: [String],
        terminal: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        stopAfterBatches: Int? = nil
    ) async -> (code: Int32, out: String, err: String) {
        let output = CapturedOutput()
        let console = Console.capturing(output, stderrIsTerminal: terminal, environment: environment)
        let code = await Tool.run(words, console: console, stopAfterBatches: stopAfterBatches)
        return (code, output.stdout, output.stderr)
    }
}
