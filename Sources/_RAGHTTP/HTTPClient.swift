// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
package import FoundationEssentials
#else
package import Foundation
#endif

/// Sends requests through an ``HTTPTransport``, following redirects and retrying per an ``HTTPRetryPolicy``.
///
/// Redirects: a 301, 302, 303, 307 or 308 with a `Location` is followed (up to ``maxRedirects`` hops) when the
/// ``RedirectMode`` allows it. When a hop leaves the origin (scheme, host and port) of the previous URL, every
/// credential header (``HTTPHeaders/isSensitive(_:)``, such as `Authorization`) is removed, so a token for the
/// model hub never reaches the storage host it redirects to. A 303 — and a 301 or 302 answering a `POST` —
/// becomes a `GET` without body.
///
/// Retries happen only before the body starts: a mid-body failure surfaces from the body stream, and callers that
/// can resume (the model hub does, with `Range`) handle it themselves.
package struct HTTPClient: Sendable {
    /// Which redirects ``HTTPClient`` follows.
    package enum RedirectMode: Sendable {
        /// Follow every redirect (credentials are dropped when the origin changes).
        case follow
        /// Follow redirects within the same origin; return a cross-origin redirect as the response.
        case sameOrigin
        /// Return every redirect as the response.
        case none
    }

    /// The transport that sends each individual request.
    package var transport: any HTTPTransport
    /// When to send a request again.
    package var retryPolicy: HTTPRetryPolicy
    /// The most redirects followed for one request.
    package var maxRedirects: Int
    /// Waits between attempts; tests replace it to record delays instead of sleeping.
    package var sleep: @Sendable (Duration) async -> Void
    /// The current time in seconds since 1970, for `Retry-After` dates.
    package var now: @Sendable () -> Double
    /// A random number in `0..<1` for the retry jitter.
    package var random: @Sendable () -> Double

    /// Creates a client.
    package init(
        transport: any HTTPTransport,
        retryPolicy: HTTPRetryPolicy = HTTPRetryPolicy(),
        maxRedirects: Int = 10,
        sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.maxRedirects = maxRedirects
        self.sleep = sleep
        self.now = now
        self.random = random
    }

    /// Sends a request with redirects and retries and returns once the final response head has arrived.
    ///
    /// A response with a retryable status is returned as is once the attempts are used up.
    /// - Throws: ``HTTPError`` from the last attempt, or ``HTTPError/Code/redirect`` for a redirect loop.
    package func stream(
        _ request: HTTPRequest,
        redirects: RedirectMode = .follow
    ) async throws(HTTPError) -> HTTPStreamingResponse {
        try await withRetries(request, head: \.head) { () async throws(HTTPError) in
            try await sendFollowingRedirects(request, mode: redirects)
        }
    }

    /// Sends a request with redirects and retries and collects the body.
    ///
    /// A body that fails midway counts as a failed attempt, like a connection failure.
    package func send(
        _ request: HTTPRequest,
        redirects: RedirectMode = .follow
    ) async throws(HTTPError) -> HTTPResponse {
        try await withRetries(request, head: \.head) { () async throws(HTTPError) in
            try await sendFollowingRedirects(request, mode: redirects).collect()
        }
    }

    private func withRetries<Response>(
        _ request: HTTPRequest,
        head: (Response) -> HTTPResponseHead,
        _ operation: () async throws(HTTPError) -> Response
    ) async throws(HTTPError) -> Response {
        let retries = request.method.isIdempotent || retryPolicy.retriesNonIdempotent
        let attempts = retries ? retryPolicy.maxAttempts : 1
        var attempt = 0
        while true {
            attempt += 1
            if Task.isCancelled { throw HTTPError(.cancelled, "\(request) was cancelled") }
            let last: HTTPResponseHead?
            do {
                let response = try await operation()
                guard attempt < attempts, retryPolicy.shouldRetry(status: head(response).status) else {
                    return response
                }
                last = head(response)
            } catch  where error.isTransient && attempt < attempts {
                last = nil
            }
            await sleep(retryPolicy.delay(afterAttempt: attempt, head: last, now: now(), random: random()))
        }
    }

    private func sendFollowingRedirects(
        _ original: HTTPRequest,
        mode: RedirectMode
    ) async throws(HTTPError) -> HTTPStreamingResponse {
        var request = original
        var hops = 0
        while true {
            let response = try await transport.stream(request)
            guard mode != .none, response.head.isRedirect, let location = response.head.headers["Location"] else {
                return response
            }
            guard let target = URL(string: location, relativeTo: request.url)?.absoluteURL,
                let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https"
            else {
                throw HTTPError(.redirect, "\(request) redirected to an unusable Location")
            }
            let crossOrigin = HTTPRequest.origin(target) != HTTPRequest.origin(request.url)
            if crossOrigin && mode == .sameOrigin { return response }
            hops += 1
            guard hops <= maxRedirects else {
                throw HTTPError(.redirect, "\(original) exceeded \(maxRedirects) redirects")
            }
            request = Self.redirected(request, to: target, status: response.head.status, crossOrigin: crossOrigin)
        }
    }

    /// The request to send for a redirect to `target`.
    package static func redirected(
        _ request: HTTPRequest,
        to target: URL,
        status: Int,
        crossOrigin: Bool
    ) -> HTTPRequest {
        var next = request
        next.url = target
        if crossOrigin {
            for field in request.headers where HTTPHeaders.isSensitive(field.name) { next.headers.remove(field.name) }
        }
        let becomesGet =
            (status == 303 && request.method != .head) || ((status == 301 || status == 302) && request.method == .post)
        if becomesGet {
            next.method = .get
            next.body = []
            next.headers.remove("Content-Type")
            next.headers.remove("Content-Length")
        }
        return next
    }
}
