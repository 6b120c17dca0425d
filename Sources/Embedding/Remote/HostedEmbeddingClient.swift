// SPDX-License-Identifier: Apache-2.0

package import Foundation
import _RAGHTTP

/// The HTTP side of a hosted embedder: posts JSON to its one endpoint through the shared ``HostedServiceClient``
/// and turns every failure into an ``EmbeddingError`` that names the request (never its headers) and carries the
/// provider's message.
///
/// `package` so that other hosted JSON clients (the hosted reranker in Retrieval) share it instead of a second copy.
package struct HostedEmbeddingClient: Sendable, CustomStringConvertible {
    /// The URL every request is posted to.
    package let endpoint: URL
    /// The shared client: key, options, retries.
    var service: HostedServiceClient

    /// Timeouts, retries and batching.
    package var options: HostedEmbedderOptions { service.options }

    /// The client with the retry policy (tests replace its `sleep`).
    var http: HTTPClient {
        get { service.http }
        set { service.http = newValue }
    }

    /// The client of a hosted embedder: the one place where its endpoint, key, options and retry policy are set up.
    /// - Parameters:
    ///   - baseURL: The API base, such as `https://api.openai.com/v1`.
    ///   - path: The endpoint below `baseURL`, such as `embeddings`; joined with exactly one slash.
    ///   - apiKey: Sent as `Authorization: Bearer <key>`; `nil` or empty sends none.
    ///   - options: Timeouts, retries (attempts, base delay, `Retry-After` cap; waits at most 30 s) and batching.
    ///   - transport: How requests reach the server.
    package init(
        baseURL: URL,
        path: String,
        apiKey: String?,
        options: HostedEmbedderOptions,
        transport: any HTTPTransport
    ) {
        self.service = HostedServiceClient(
            baseURL: baseURL,
            apiKey: APIKey(apiKey),
            options: options,
            transport: transport
        )
        self.endpoint = service.url(path)
    }

    /// Replaces the waits between retries (tests record them instead of sleeping).
    package mutating func replaceRetryWaits(with sleep: @escaping @Sendable (Duration) async -> Void) {
        http.sleep = sleep
    }

    /// `POST scheme://host/path`, without query or credentials.
    package var description: String { "POST \(HTTPRequest.redacted(endpoint))" }

    /// Posts a JSON body and returns the body of the 2xx answer.
    /// - Parameter body: The encoded request.
    /// - Returns: The response body.
    /// - Throws: ``EmbeddingError`` with code `network`, `timeout`, `cancelled`, `rateLimited`, `unauthorized` or
    ///   `providerError`.
    package func post(_ body: [UInt8]) async throws(EmbeddingError) -> [UInt8] {
        do {
            return try await service.post(endpoint, json: body).body
        } catch {
            throw Self.error(error)
        }
    }

    /// The ``EmbeddingError`` for a failed call.
    static func error(_ failure: HostedServiceFailure) -> EmbeddingError {
        switch failure.kind {
        case .transport(let error):
            return switch error.code {
            case .timeout: EmbeddingError(.timeout, failure.message, underlying: error)
            case .cancelled: EmbeddingError(.cancelled, failure.message, underlying: error)
            default: EmbeddingError(.network, failure.message, underlying: error)
            }
        case .status(let status, _):
            return switch status {
            case 429: EmbeddingError(.rateLimited, failure.message)
            case 401, 403: EmbeddingError(.unauthorized, failure.message)
            default: EmbeddingError(.providerError, failure.message)
            }
        }
    }
}
