// SPDX-License-Identifier: Apache-2.0

import Embedding
import Testing

/// Expects `body` to throw an ``EmbeddingError`` with `code` whose message contains `fragment` (when given) and
/// whose description is the stable code string followed by the message.
func expectError(
    _ code: EmbeddingError.Code,
    mentioning fragment: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected \(code), nothing thrown", sourceLocation: sourceLocation)
    } catch let error as EmbeddingError {
        check(error, code, fragment, sourceLocation)
    } catch {
        Issue.record("not an EmbeddingError: \(error)", sourceLocation: sourceLocation)
    }
}

/// The `async` twin of ``expectError(_:mentioning:sourceLocation:_:)``.
func expectEmbeddingError(
    _ code: EmbeddingError.Code,
    mentioning fragment: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected \(code), nothing thrown", sourceLocation: sourceLocation)
    } catch let error as EmbeddingError {
        check(error, code, fragment, sourceLocation)
    } catch {
        Issue.record("not an EmbeddingError: \(error)", sourceLocation: sourceLocation)
    }
}

private func check(
    _ error: EmbeddingError,
    _ code: EmbeddingError.Code,
    _ fragment: String?,
    _ sourceLocation: SourceLocation
) {
    #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    if let fragment { #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation) }
    #expect(error.description.hasPrefix("\(code): "), "\(error)", sourceLocation: sourceLocation)
}
