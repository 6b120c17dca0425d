// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
package import FoundationEssentials
#else
package import Foundation
#endif

/// The HTTP side every hosted-service client shares (embedders, chat and image models): JSON posts to endpoints
/// below one base URL, the API key in the provider's header, retries per ``HostedServiceOptions``, and every
/// failure turned into a ``HostedServiceFailure`` that names the request (never its headers) and carries the
/// provider's explanation with the key removed.
package struct HostedServiceClient: Sendable, CustomStringConvertible {
    /// Where the API key travels.
    package enum Credential: Sendable, Hashable {
        /// `Authorization: Bearer <key>` (OpenAI and every compatible server, Jina).
        case bearer
        /// A header of its own, such as `x-api-key` (Anthropic) or `x-goog-api-key` (Gemini).
        case header(String)
    }

    /// The API base that endpoint paths are appended to.
    package let baseURL: URL
    /// The key, if any.
    package let apiKey: APIKey?
    /// Where the key travels.
    package let credential: Credential
    /// Header fields sent with every request (such as `anthropic-version`).
    package let fixedHeaders: HTTPHeaders
    /// Timeouts, retries and batching.
    package let options: HostedServiceOptions
    /// The client with the retry policy; tests replace its `sleep`.
    package var http: HTTPClient

    /// Creates a client.
    /// - Parameters:
    ///   - baseURL: The API base, such as `https://api.openai.com/v1`.
    ///   - apiKey: The key; `nil` sends none.
    ///   - credential: Where the key travels; a bearer token by default.
    ///   - headers: Fields sent with every request.
    ///   - options: Timeouts and retries.
    ///   - transport: How requests reach the server.
    package init(
        baseURL: URL,
        apiKey: APIKey?,
        credential: Credential = .bearer,
        headers: HTTPHeaders = [:],
        options: HostedServiceOptions,
        transport: any HTTPTransport
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.credential = credential
        self.fixedHeaders = headers
        self.options = options
        self.http = HTTPClient(transport: transport, retryPolicy: options.retryPolicy)
    }

    /// The base URL without query or credentials.
    package var description: String { HTTPRequest.redacted(baseURL) }

    /// `{base}/{path}` with exactly one slash between them; `path` may carry a query (`x:stream?alt=sse`).
    package func url(_ path: String) -> URL {
        var text = baseURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        var tail = Substring(path)
        while tail.hasPrefix("/") { tail.removeFirst() }
        return URL(string: text + "/" + tail) ?? baseURL.appendingPathComponent(String(tail))
    }

    /// A JSON `POST` to `url` carrying the fixed headers and the key.
    package func jsonRequest(_ url: URL, body: [UInt8], accept: String = "application/json") -> HTTPRequest {
        var headers: HTTPHeaders = [
            "Content-Type": "application/json", "Accept": accept, "User-Agent": "MultimodalRAG/1 (swift)",
        ]
        for field in fixedHeaders { headers[field.name] = field.value }
        if let apiKey {
            switch credential {
            case .bearer: headers["Authorization"] = "Bearer \(apiKey.value)"
            case .header(let name): headers[name] = apiKey.value
            }
        }
        return HTTPRequest(method: .post, url: url, headers: headers, body: body, timeout: options.timeout)
    }

    /// Posts a JSON body and returns the 2xx answer, body collected.
    /// - Throws: ``HostedServiceFailure`` for a transport failure or a non-2xx status (after the retries).
    package func post(_ url: URL, json body: [UInt8]) async throws(HostedServiceFailure) -> HTTPResponse {
        let request = jsonRequest(url, body: body)
        let response: HTTPResponse
        do {
            response = try await http.send(request, redirects: .sameOrigin)
        } catch {
            throw failure(error)
        }
        guard response.head.isSuccess else { throw failure(request, status: response.status, body: response.body) }
        return response
    }

    /// Posts a JSON body and returns the 2xx answer as soon as its head arrives, the body still streaming.
    ///
    /// Retries happen only before the head; an error status has its (short) body read for the provider's message.
    /// - Throws: ``HostedServiceFailure`` for a transport failure or a non-2xx status (after the retries).
    package func postStreaming(
        _ url: URL,
        json body: [UInt8],
        accept: String
    ) async throws(HostedServiceFailure) -> HTTPStreamingResponse {
        let request = jsonRequest(url, body: body, accept: accept)
        let response: HTTPStreamingResponse
        do {
            response = try await http.stream(request, redirects: .sameOrigin)
        } catch {
            throw failure(error)
        }
        guard response.head.isSuccess else {
            let collected = try? await response.collect()
            throw failure(request, status: response.head.status, body: collected?.body ?? [])
        }
        return response
    }

    /// Downloads `url` with a `GET` that carries no credentials (for result links on another host).
    package func download(_ url: URL) async throws(HostedServiceFailure) -> HTTPResponse {
        let request = HTTPRequest(method: .get, url: url, timeout: options.timeout)
        let response: HTTPResponse
        do {
            response = try await http.send(request, redirects: .follow)
        } catch {
            throw failure(error)
        }
        guard response.head.isSuccess else { throw failure(request, status: response.status, body: response.body) }
        return response
    }

    /// A failure for a transport error (whose message never holds headers or bodies), the key removed.
    package func failure(_ error: HTTPError) -> HostedServiceFailure {
        HostedServiceFailure(.transport(error), apiKey?.redacting(error.message) ?? error.message)
    }

    /// A failure for a non-2xx answer, quoting the provider's explanation with the key removed.
    package func failure(_ request: HTTPRequest, status: Int, body: [UInt8]) -> HostedServiceFailure {
        var provider = ProviderErrorBody(parsing: body)
        if let apiKey {
            provider.message = apiKey.redacting(provider.message)
            provider.type = provider.type.map(apiKey.redacting)
        }
        let retried = options.maxAttempts > 1 && http.retryPolicy.shouldRetry(status: status)
        let attempts = retried ? " (after \(options.maxAttempts) attempts)" : ""
        let explanation = provider.explanation
        let text = "\(request) answered HTTP \(status)\(attempts)\(explanation.isEmpty ? "" : ": \(explanation)")"
        return HostedServiceFailure(.status(status, provider), text)
    }
}
