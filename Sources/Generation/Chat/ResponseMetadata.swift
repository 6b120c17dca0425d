// SPDX-License-Identifier: Apache-2.0

/// What identifies a streamed answer: the provider's request id (for support tickets and logs) and the model that
/// answers.
///
/// The request id is the response's `x-request-id` or `request-id` header when the provider sends one, else the
/// id in the stream's first event (OpenAI's `chatcmpl-…`, Anthropic's `msg_…`, Gemini's `responseId`); the same
/// rule as ``ChatResponse/requestID`` for whole answers.
public struct ResponseMetadata: Sendable, Hashable {
    /// The provider's id for the request or response, if it sent one.
    public var requestID: String?
    /// The model that answers, as the provider names it.
    public var model: String?

    /// Creates metadata.
    public init(requestID: String? = nil, model: String? = nil) {
        self.requestID = requestID
        self.model = model
    }
}
