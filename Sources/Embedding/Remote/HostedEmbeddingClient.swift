// SPDX-License-Identifier: Apache-2.0

package import Foundation
import _RAGHTTP

/// The HTTP side shared by the hosted embedders: posts JSON to one endpoint with retries and turns every failure
/// into an ``EmbeddingError`` that names the request (never its headers) and carries the provider's message.
///
/// `package` so that other hosted JSON clients (the hosted reranker in Retrieval) share it instead of a second copy.
package struct HostedEmbeddingClient: Sendable, CustomStringConvertible {
    /// The URL every request is posted to.
    package let endpoint: URL
    /// The key sent as `Authorization: Bearer …`, if any.
    let apiKey: APIKey?
    /// Timeouts and batching.
    package let options: HostedEmbedderOptions
    /// The client with the retry policy.
    var http: HTTPClient

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
        self.endpoint = Self.url(base: baseURL, path: path)
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : APIKey(value: $0) }
        self.options = options
        let policy = HTTPRetryPolicy(
            maxAttempts: options.maxAttempts,
            baseDelay: options.baseDelay,
            maxDelay: .seconds(30),
            maxRetryAfter: options.maxRetryAfter
        )
        self.http = HTTPClient(transport: transport, retryPolicy: policy)
    }

    /// Replaces the waits between retries (tests record them instead of sleeping).
    package mutating func replaceRetryWaits(with sleep: @escaping @Sendable (Duration) async -> Void) {
        http.sleep = sleep
    }

    /// `POST scheme://host/path`, without query or credentials.
    package var description: String { "POST \(HTTPRequest.redacted(endpoint))" }

    /// `{base}/{path}` with exactly one slash between them.
    private static func url(base: URL, path: String) -> URL {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + "/" + path) ?? base.appendingPathComponent(path)
    }

    /// Posts a JSON body and returns the body of the 2xx answer.
    /// - Parameter body: The encoded request.
    /// - Returns: The response body.
    /// - Throws: ``EmbeddingError`` with code `network`, `timeout`, `cancelled`, `rateLimited`, `unauthorized` or
    ///   `providerError`.
    package func post(_ body: [UInt8]) async throws(EmbeddingError) -> [UInt8] {
        var headers: HTTPHeaders = [
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "MultimodalRAG-embedding/1 (swift)",
        ]
        if let apiKey { headers["Authorization"] = "Bearer \(apiKey.value)" }
        let request = HTTPRequest(method: .post, url: endpoint, headers: headers, body: body, timeout: options.timeout)
        let response: HTTPResponse
        do {
            response = try await http.send(request, redirects: .sameOrigin)
        } catch {
            throw Self.error(error, redact: apiKey)
        }
        guard response.head.isSuccess else { throw error(status: response.status, body: response.body) }
        return response.body
    }

    /// An ``EmbeddingError`` for a transport failure (whose message never holds headers or bodies).
    static func error(_ error: HTTPError, redact key: APIKey?) -> EmbeddingError {
        let message = key?.redacting(error.message) ?? error.message
        return switch error.code {
        case .timeout: EmbeddingError(.timeout, message, underlying: error)
        case .cancelled: EmbeddingError(.cancelled, message, underlying: error)
        default: EmbeddingError(.network, message, underlying: error)
        }
    }

    /// An ``EmbeddingError`` for a non-2xx answer, quoting the provider's explanation (with the key removed).
    func error(status: Int, body: [UInt8]) -> EmbeddingError {
        let explanation = apiKey?.redacting(Self.providerMessage(body)) ?? Self.providerMessage(body)
        let retried = options.maxAttempts > 1 && http.retryPolicy.shouldRetry(status: status)
        let attempts = retried ? " (after \(options.maxAttempts) attempts)" : ""
        let text = "\(self) answered HTTP \(status)\(attempts)\(explanation.isEmpty ? "" : ": \(explanation)")"
        return switch status {
        case 429: EmbeddingError(.rateLimited, text)
        case 401, 403: EmbeddingError(.unauthorized, text)
        default: EmbeddingError(.providerError, text)
        }
    }

    /// The provider's explanation in an error body: `{"error": {"message", "type", "code"}}` (OpenAI, vLLM),
    /// `{"error": "…"}` (Ollama), `{"detail": "…"}` (FastAPI servers such as Jina) or `{"message": "…"}`;
    /// otherwise the start of the body if it is text.
    static func providerMessage(_ body: [UInt8]) -> String {
        let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        if let object {
            if let error = object["error"] as? [String: Any] {
                let message = (error["message"] as? String) ?? ""
                let kind = [error["type"], error["code"]].compactMap { $0 as? String }.first
                return kind.map { message.isEmpty ? $0 : "\(message) [\($0)]" } ?? message
            }
            for key in ["error", "detail", "message"] {
                if let text = object[key] as? String { return text }
            }
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
