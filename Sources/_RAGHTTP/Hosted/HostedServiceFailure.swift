// SPDX-License-Identifier: Apache-2.0

/// Why a call to a hosted service failed, before a module turns it into its own error type.
///
/// The ``message`` names the request (never its headers, query or body) and, for an error status, quotes the
/// provider's explanation with the API key removed.
package struct HostedServiceFailure: Error, Sendable {
    /// What failed.
    package enum Kind: Sendable {
        /// No complete answer: connection failure, timeout, cancellation, invalid request or response.
        case transport(HTTPError)
        /// The server answered with a status that is not 2xx.
        case status(Int, ProviderErrorBody)
    }

    /// What failed.
    package var kind: Kind
    /// What went wrong, in words.
    package var message: String

    /// Creates a failure.
    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The HTTP status, if the server answered.
    package var status: Int? {
        if case .status(let status, _) = kind { return status }
        return nil
    }

    /// The provider's explanation, if the server answered with an error status.
    package var provider: ProviderErrorBody? {
        if case .status(_, let body) = kind { return body }
        return nil
    }

    /// The transport error, if no complete answer arrived.
    package var transportError: HTTPError? {
        if case .transport(let error) = kind { return error }
        return nil
    }
}
