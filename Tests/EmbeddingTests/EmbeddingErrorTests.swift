// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing

/// ``EmbeddingError`` is the module's one error: every code has a stable, distinct name, and `description` is
/// that name, the message and the underlying error.
@Suite struct EmbeddingErrorTests {
    static let names: [(EmbeddingError.Code, String)] = [
        // Inputs and checkpoints
        (.unsupportedModality, "unsupportedModality"), (.invalidInput, "invalidInput"),
        (.corruptFile, "corruptFile"), (.missingTensor, "missingTensor"), (.shapeMismatch, "shapeMismatch"),
        (.unsupportedDType, "unsupportedDType"), (.invalidConfiguration, "invalidConfiguration"),
        (.unsupportedModel, "unsupportedModel"),
        // Files
        (.fileSystem, "fileSystem"), (.notFound, "notFound"),
        // Tokenizer files
        (.invalidUTF8, "invalidUTF8"), (.malformedVocabulary, "malformedVocabulary"),
        (.malformedMerges, "malformedMerges"), (.malformedJSON, "malformedJSON"), (.missingToken, "missingToken"),
        // Model hub
        (.invalidRepoID, "invalidRepoID"), (.offlineMissing, "offlineMissing"),
        (.checksumMismatch, "checksumMismatch"),
        // Servers
        (.network, "network"), (.timeout, "timeout"), (.cancelled, "cancelled"), (.rateLimited, "rateLimited"),
        (.unauthorized, "unauthorized"), (.providerError, "providerError"), (.invalidResponse, "invalidResponse"),
    ]

    @Test("every code has its stable name, and no two codes are equal")
    func codeNames() {
        for (code, name) in Self.names {
            #expect(code.description == name)
            #expect(EmbeddingError(code, "what went wrong").description == "\(name): what went wrong")
        }
        #expect(Set(Self.names.map(\.0)).count == Self.names.count)
        #expect(Set(Self.names.map(\.1)).count == Self.names.count)
    }

    @Test("the underlying error is kept and printed after the message")
    func underlying() {
        struct Cause: Error, CustomStringConvertible { var description: String { "disk on fire" } }
        let error = EmbeddingError(.fileSystem, "cannot read x", underlying: Cause())
        #expect(error.code == .fileSystem && error.message == "cannot read x" && error.underlying is Cause)
        #expect(error.description == "fileSystem: cannot read x (underlying: disk on fire)")
        #expect(EmbeddingError(.notFound, "no file at y").underlying == nil)
        let nested = EmbeddingError(.invalidInput, "video frame 2", underlying: error)
        #expect(
            nested.description
                == "invalidInput: video frame 2 (underlying: fileSystem: cannot read x (underlying: disk on fire))"
        )
    }

    @Test("a file that cannot be read keeps its errno; a JSON file names the key at fault")
    func fileCauses() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("errors-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A folder where config.json should be: it exists but cannot be read as a file.
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("config.json"),
            withIntermediateDirectories: true
        )
        do {
            _ = try await CLIPModel(directory: folder)
            Issue.record("a folder was read as config.json")
        } catch {
            #expect(error.code == .fileSystem, "\(error)")
            let posix = (error.underlying as? CocoaError)?.underlying as? POSIXError
            #expect(posix?.code == .EISDIR, "\(error)")
            #expect(error.description.hasPrefix("fileSystem: cannot read ") && error.description.contains("underlying"))
        }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("config.json"))
        try Data(#"{"model_type": "clip", "projection_dim": "wide"}"#.utf8)
            .write(to: folder.appendingPathComponent("config.json"))
        do {
            _ = try await CLIPModel(directory: folder)
            Issue.record("a string projection_dim was accepted")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.hasPrefix("config.json: key \"projection_dim\" is not a"), "\(error)")
            #expect(error.underlying is DecodingError)
        }
    }
}
