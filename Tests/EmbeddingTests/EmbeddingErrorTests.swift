// SPDX-License-Identifier: Apache-2.0

import Embedding
import Testing

/// ``EmbeddingError`` is the module's one error: every code has a stable, distinct name, and `description` is
/// that name and the message.
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

    @Test("the underlying error is kept")
    func underlying() {
        struct Cause: Error {}
        let error = EmbeddingError(.fileSystem, "cannot read x", underlying: Cause())
        #expect(error.code == .fileSystem && error.message == "cannot read x" && error.underlying is Cause)
        #expect(EmbeddingError(.notFound, "no file at y").underlying == nil)
    }
}
