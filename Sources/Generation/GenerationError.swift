// SPDX-License-Identifier: Apache-2.0

/// The error every `Generation` operation throws: a stable ``code``, a message, and for a provider's refusal the
/// HTTP status and the provider's own message and error type.
///
/// Switch on ``code`` to react to a kind of failure; show ``description`` to people. New codes may be added in
/// any release, so a `switch` over codes needs a `default` branch. Messages name the request (method, host and
/// path) but never its headers, query or body, and an API key a provider echoes is replaced by `<redacted>`.
public struct GenerationError: Error, Sendable, CustomStringConvertible {
    /// A kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidRequest, unsupportedContent, invalidImage
            case network, timeout, cancelled, rateLimited, unauthorized, providerError, invalidResponse
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The request can not be sent as asked: an option out of range, a size, quality, style or count the
        /// image model does not offer, a missing model name or API key, an empty conversation.
        public static let invalidRequest = Code(.invalidRequest)
        /// The provider can not take a part of the request, such as an image given by URL to Ollama.
        public static let unsupportedContent = Code(.unsupportedContent)
        /// An image could not be decoded for re-encoding or downscaling, or a generated image could not be decoded.
        public static let invalidImage = Code(.invalidImage)
        /// The server could not be reached, or the connection broke before the answer was complete.
        public static let network = Code(.network)
        /// The server sent nothing within the request timeout (on the last attempt).
        public static let timeout = Code(.timeout)
        /// The task was cancelled while waiting for the server.
        public static let cancelled = Code(.cancelled)
        /// The provider kept answering 429 (too many requests) after every retry.
        public static let rateLimited = Code(.rateLimited)
        /// The provider refused the credentials (HTTP 401 or 403).
        public static let unauthorized = Code(.unauthorized)
        /// The provider answered with an error status, or sent an error event in the middle of a stream;
        /// ``GenerationError/providerMessage`` and ``GenerationError/providerErrorType`` carry its own words.
        public static let providerError = Code(.providerError)
        /// The provider's answer is not what its API documents: malformed JSON, missing fields, a stream that
        /// ended before its terminal event.
        public static let invalidResponse = Code(.invalidResponse)

        /// A stable name for the code, such as `rateLimited`.
        public var description: String {
            switch value {
            case .invalidRequest: "invalidRequest"
            case .unsupportedContent: "unsupportedContent"
            case .invalidImage: "invalidImage"
            case .network: "network"
            case .timeout: "timeout"
            case .cancelled: "cancelled"
            case .rateLimited: "rateLimited"
            case .unauthorized: "unauthorized"
            case .providerError: "providerError"
            case .invalidResponse: "invalidResponse"
            }
        }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, in words.
    public let message: String
    /// The error that caused this one, if any (such as the transport's `HTTPError`).
    public let underlying: (any Error)?
    /// The HTTP status the provider answered with, if the failure is an error status.
    public let httpStatus: Int?
    /// The provider's own error message (key redacted), if it sent one.
    public let providerMessage: String?
    /// The provider's own error type or status name, such as `invalid_request_error`, `overloaded_error` or
    /// `RESOURCE_EXHAUSTED`, if it sent one.
    public let providerErrorType: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong.
    ///   - underlying: The error that caused this one, if any.
    ///   - httpStatus: The provider's HTTP status, if any.
    ///   - providerMessage: The provider's own message, if any.
    ///   - providerErrorType: The provider's own error type, if any.
    public init(
        _ code: Code,
        _ message: String,
        underlying: (any Error)? = nil,
        httpStatus: Int? = nil,
        providerMessage: String? = nil,
        providerErrorType: String? = nil
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.httpStatus = httpStatus
        self.providerMessage = providerMessage
        self.providerErrorType = providerErrorType
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
