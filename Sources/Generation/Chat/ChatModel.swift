// SPDX-License-Identifier: Apache-2.0

/// A chat model that reads text and images and answers in text, whole or streamed.
///
/// The library's clients (``OpenAIChatModel``, ``AnthropicChatModel``, ``GeminiChatModel``, ``OllamaChatModel``)
/// speak each provider's own wire format; conform your own type to bring a local model or another provider.
///
/// ```swift
/// let model: any ChatModel = AnthropicChatModel(model: "claude-sonnet-4-5")
/// for try await event in model.stream(ChatRequest(prompt: "Say hello")) {
///     if case .text(let piece) = event { print(piece, terminator: "") }
/// }
/// ```
///
/// Streaming contract: ``stream(_:)`` returns at once and starts the request when iteration begins or
/// earlier; the stream yields at most one ``GenerationEvent/metadata(_:)`` (request id, model) before any text,
/// ``GenerationEvent/text(_:)`` pieces, at most one ``GenerationEvent/usage(_:)`` and one final
/// ``GenerationEvent/finish(_:)``. When the consumer stops iterating or its task is cancelled,
/// the stream's termination cancels the HTTP request and its connection is closed.
public protocol ChatModel: Sendable {
    /// Answers a request in one piece.
    func complete(_ request: ChatRequest) async throws -> ChatResponse

    /// Answers a request as a stream of events.
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<GenerationEvent, any Error>
}

extension ChatModel {
    /// Answers a single text prompt in one piece.
    /// - Parameters:
    ///   - prompt: The user's text.
    ///   - system: An optional system prompt.
    /// - Returns: The answer's text.
    /// - Throws: What ``complete(_:)`` throws.
    public func complete(_ prompt: String, system: String? = nil) async throws -> String {
        try await complete(ChatRequest(system: system, prompt: prompt)).text
    }

    /// Collects a stream into a whole response, with the request id and model of its metadata event.
    /// - Throws: The stream's error; `GenerationError` `cancelled` if the task was cancelled, or
    ///   `invalidResponse` if the stream ends without a finish event.
    public func collect(_ stream: AsyncThrowingStream<GenerationEvent, any Error>) async throws -> ChatResponse {
        var text = ""
        var usage: TokenUsage?
        var reason: FinishReason?
        var metadata = ResponseMetadata()
        for try await event in stream {
            switch event {
            case .metadata(let value): metadata = value
            case .text(let piece): text += piece
            case .usage(let counts): usage = counts
            case .finish(let finish): reason = finish
            }
        }
        guard let reason else {
            if Task.isCancelled { throw GenerationError(.cancelled, "the task was cancelled during the stream") }
            throw GenerationError(.invalidResponse, "the stream ended without a finish event")
        }
        return ChatResponse(
            text: text,
            finishReason: reason,
            usage: usage,
            requestID: metadata.requestID,
            model: metadata.model
        )
    }
}
