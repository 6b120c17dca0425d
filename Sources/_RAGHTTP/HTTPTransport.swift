// SPDX-License-Identifier: Apache-2.0

/// The seam through which every network request of the library leaves the process.
///
/// A transport sends exactly one request: it does **not** follow redirects (a 3xx arrives as a response) and does
/// not retry; the library's HTTP client (`HTTPClient`, not public) adds both on top, so every transport gets the
/// same behaviour. A non-2xx status is a response, not an error. Errors are for requests that got no complete
/// answer: ``HTTPError/Code/connection``, ``HTTPError/Code/timeout``, ``HTTPError/Code/cancelled``.
///
/// This protocol and the values its requirements use are public: hosts plug their own transport into
/// `HubClient`, `OpenAIEmbedder` and `JinaEmbedder`. `Embedding` re-exports them, so a host never imports this
/// module.
///
/// ```swift
/// struct Canned: HTTPTransport {
///     func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
///         HTTPStreamingResponse(head: HTTPResponseHead(status: 200, url: request.url), body: .just(Array("hi".utf8)))
///     }
/// }
/// let response = try await Canned().send(HTTPRequest(url: URL(string: "https://example.com")!))
/// ```
///
/// ``URLSessionTransport`` is the default; hosts can wrap AsyncHTTPClient, and tests use a loopback server or a
/// scripted double. A transport that receives the body piece by piece feeds it through
/// ``HTTPByteStream/makeStream(onTermination:)`` and cancels its request in `onTermination`.
public protocol HTTPTransport: Sendable {
    /// Sends a request and returns once the status and headers have arrived; the body follows as a stream.
    ///
    /// - Throws: ``HTTPError`` when no response head arrives (connection failure, timeout, cancellation).
    func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse

    /// Sends a request and returns the complete response.
    ///
    /// The default implementation collects ``stream(_:)``.
    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse
}

extension HTTPTransport {
    /// Sends a request and collects the streamed body.
    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try await stream(request).collect()
    }
}
