// SPDX-License-Identifier: Apache-2.0

/// What a ``ChatModel`` is asked: an optional system prompt, the conversation, and options.
///
/// ```swift
/// let request = ChatRequest(
///     system: "Answer using the retrieved context.",
///     messages: [.user([.image(ChatImage(data: jpeg, mediaType: "image/jpeg")), .text("What is in this image?")])],
///     options: ChatOptions(maxTokens: 300)
/// )
/// ```
public struct ChatRequest: Sendable, Hashable {
    /// Instructions that frame the conversation (OpenAI `system` message, Anthropic `system`, Gemini
    /// `systemInstruction`, Ollama `system` message).
    public var system: String?
    /// The conversation, oldest first; the last message is usually the user's.
    public var messages: [ChatMessage]
    /// Sampling and output options.
    public var options: ChatOptions

    /// Creates a request.
    public init(system: String? = nil, messages: [ChatMessage], options: ChatOptions = ChatOptions()) {
        self.system = system
        self.messages = messages
        self.options = options
    }

    /// A request of one user message holding `text`.
    public init(system: String? = nil, prompt text: String, options: ChatOptions = ChatOptions()) {
        self.init(system: system, messages: [.user(text)], options: options)
    }

    /// Checks what every provider needs: at least one message, and options in range.
    func validate() throws(GenerationError) {
        guard !messages.isEmpty else { throw GenerationError(.invalidRequest, "a chat request needs a message") }
        try options.validate()
    }
}
