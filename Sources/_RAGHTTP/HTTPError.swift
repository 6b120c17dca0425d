// SPDX-License-Identifier: Apache-2.0

/// The error an ``HTTPTransport`` (or the library's HTTP client on top of it) throws: a stable ``code`` and a
/// message.
///
/// Messages name the method, host and path of a request but never its query, its headers or its body, so an
/// `Authorization` header or an API key can not leak into logs through an error. An HTTP status such as 404 is
/// not an error at this layer: it arrives as an ``HTTPResponse``, and the caller decides what it means.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    /// A kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidRequest, connection, timeout, redirect, cancelled, invalidResponse
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The request can not be sent (for example a URL that is not http or https).
        public static let invalidRequest = Code(.invalidRequest)
        /// The connection could not be made, or was lost before the response was complete.
        public static let connection = Code(.connection)
        /// No bytes arrived within the request's timeout.
        public static let timeout = Code(.timeout)
        /// A redirect had no usable `Location`, or there were too many redirects.
        public static let redirect = Code(.redirect)
        /// The task was cancelled.
        public static let cancelled = Code(.cancelled)
        /// The server answered with something that is not a valid HTTP response.
        public static let invalidResponse = Code(.invalidResponse)

        /// A stable name for the code, such as `timeout`.
        public var description: String {
            switch value {
            case .invalidRequest: "invalidRequest"
            case .connection: "connection"
            case .timeout: "timeout"
            case .redirect: "redirect"
            case .cancelled: "cancelled"
            case .invalidResponse: "invalidResponse"
            }
        }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, in words; never contains header values, query strings or bodies.
    public let message: String
    /// The error that caused this one, if any (for example a `URLError`).
    public let underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// Whether a new attempt of the same request may succeed (connection failures and timeouts).
    package var isTransient: Bool { code == .connection || code == .timeout }
}
