// SPDX-License-Identifier: Apache-2.0

/// One event of a streamed answer.
///
/// A stream from the library's clients yields one ``metadata(_:)`` first (the provider's request id and the model,
/// as soon as the response head or the first event names them), then ``text(_:)`` pieces as they arrive, then at
/// most one ``usage(_:)``, then exactly one ``finish(_:)``, and ends. Errors (a status before the stream, an error event in it, a
/// connection lost midway, a stream cut before its terminal event) end it with a `GenerationError`.
public enum GenerationEvent: Sendable, Hashable {
    /// Who answers: the provider's request id and the model, before the first text.
    case metadata(ResponseMetadata)
    /// The next piece of the answer's text.
    case text(String)
    /// Token counts for the whole request.
    case usage(TokenUsage)
    /// Why the model stopped; the last event.
    case finish(FinishReason)
}
