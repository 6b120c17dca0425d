// SPDX-License-Identifier: Apache-2.0

import Foundation
import _RAGHTTP

/// The HTTP side of ``ChromaVectorStore``: JSON calls below `{base}/api/v2` through the shared hosted-service
/// client (retries, backoff, credentials kept off redirects), every failure turned into a ``RetrievalError``.
///
/// Every call the adapter makes is idempotent (get-or-create, upsert, delete by id, get, query, count), so the
/// shared policy's retries of `POST` after connection failures, timeouts and 408/429/5xx answers are safe.
struct ChromaClient: Sendable, CustomStringConvertible {
    var service: HostedServiceClient

    init(
        baseURL: URL,
        token: String?,
        tokenHeader: String?,
        options: HostedServiceOptions,
        transport: any HTTPTransport
    ) {
        service = HostedServiceClient(
            baseURL: baseURL,
            apiKey: APIKey(token),
            credential: tokenHeader.map { .header($0) } ?? .bearer,
            options: options,
            transport: transport
        )
    }

    var description: String { service.description }

    /// Replaces the waits between retries (tests record them instead of sleeping).
    mutating func replaceRetryWaits(with sleep: @escaping @Sendable (Duration) async -> Void) {
        service.http.sleep = sleep
    }

    /// Sends one call and returns the status and body, whatever the status.
    func raw(
        _ method: HTTPRequest.Method,
        _ path: String,
        body: [UInt8]? = nil
    ) async throws(RetrievalError) -> (
        status: Int, body: [UInt8]
    ) {
        let url = service.url("api/v2/" + path)
        var request = service.jsonRequest(url, body: body ?? [])
        request.method = method
        if body == nil { request.headers["Content-Type"] = nil }
        do {
            let response = try await service.http.send(request, redirects: .sameOrigin)
            return (response.status, response.body)
        } catch {
            let failure = service.failure(error)
            throw RetrievalError(.store, "Chroma: \(failure.message)", underlying: error)
        }
    }

    /// Sends one call and parses the JSON of a 2xx answer.
    ///
    /// - Throws: ``RetrievalError/Code/store`` for a transport failure, an error status (with Chroma's message,
    ///   JSON or plain text such as 413's `Payload too large`) or an answer that is not JSON.
    func call(_ method: HTTPRequest.Method, _ path: String, body: [UInt8]? = nil) async throws(RetrievalError) -> Any {
        let (status, answer) = try await raw(method, path, body: body)
        guard (200..<300).contains(status) else { throw statusError(method, path, status, answer) }
        do {
            return try JSONSerialization.jsonObject(with: Data(answer), options: [.fragmentsAllowed])
        } catch {
            throw RetrievalError(.store, "Chroma: \(method) \(path) answered with malformed JSON", underlying: error)
        }
    }

    /// The error for a non-2xx answer, quoting the server's explanation.
    func statusError(_ method: HTTPRequest.Method, _ path: String, _ status: Int, _ body: [UInt8]) -> RetrievalError {
        let request = HTTPRequest(method: method, url: service.url("api/v2/" + path))
        let failure = service.failure(request, status: status, body: body)
        let code: RetrievalError.Code = status == 404 ? .notFound : .store
        return RetrievalError(code, "Chroma: \(failure.message)")
    }
}
