// SPDX-License-Identifier: Apache-2.0

/// The error an ``HTTPTransport`` or ``HTTPClient`` throws: a stable ``code`` and a message.
///
/// Messages name the method, host and path of a request but never its query, its headers or its body, so an
/// `Authorization` header or an API key can not leak into logs through an error. An HTTP status such as 404 is
/// not an error at this layer: it arrives as an ``HTTPResponse``, and the caller decides what it means.
package struct HTTPError: Error, Sendable, CustomStringConvertible {
    /// A kind of failure.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidRequest, connection, timeout, redirect, cancelled, invalidResponse
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The request can not be sent (for example a URL that is not http or https).
        package static let invalidRequest = Code(.invalidRequest)
        /// The connection could not be made, or was lost before the response was complete.
        package static let connection = Code(.connection)
        /// No bytes arrived within the request's timeout.
        package static let timeout = Code(.timeout)
        /// A redirect had no usable `Location`, or there were too many redirects.
        package static let redirect = Code(.redirect)
        /// The task was cancelled.
        package static let cancelled = Code(.cancelled)
        /// The server answered with something that is not a valid HTTP response.
        package static let invalidResponse = Code(.invalidResponse)

        /// A stable name for the code, such as `timeout`.
        package var description: String {
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
    package let code: Code
    /// What went wrong, in words; never contains header values, query strings or bodies.
    package let message: String
    /// The error that caused this one, if any (for example a `URLError`).
    package let underlying: (any Error)?

    /// Creates an error.
    package init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`.
    package var description: String { "\(code): \(message)" }

    /// Whether a new attempt of the same request may succeed (connection failures and timeouts).
    package var isTransient: Bool { code == .connection || code == .timeout }
}
