// SPDX-License-Identifier: Apache-2.0

/// How many tokens a request used, as the provider counted them.
public struct TokenUsage: Sendable, Hashable {
    /// Tokens of the prompt (system, messages, images).
    public var inputTokens: Int
    /// Tokens of the answer.
    public var outputTokens: Int
    /// Both together (the provider's total where it sends one).
    public var totalTokens: Int

    /// Creates a count; the total defaults to the sum.
    public init(inputTokens: Int, outputTokens: Int, totalTokens: Int? = nil) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens ?? inputTokens + outputTokens
    }
}

/// A whole answer of a ``ChatModel``.
public struct ChatResponse: Sendable, Hashable {
    /// The answer's text.
    public var text: String
    /// Why the model stopped.
    public var finishReason: FinishReason
    /// Token counts, if the provider sent them.
    public var usage: TokenUsage?
    /// The provider's id for the request or response (`x-request-id` or `request-id` header, else the response
    /// `id`), for support tickets and logs.
    public var requestID: String?
    /// The model that answered, as the provider names it.
    public var model: String?

    /// Creates a response.
    public init(
        text: String,
        finishReason: FinishReason,
        usage: TokenUsage? = nil,
        requestID: String? = nil,
        model: String? = nil
    ) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.requestID = requestID
        self.model = model
    }
}
