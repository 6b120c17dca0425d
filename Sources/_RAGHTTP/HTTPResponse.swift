// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import struct FoundationEssentials.URL
#else
public import struct Foundation.URL
#endif

/// The status line and header fields of a response, which arrive before its body.
public struct HTTPResponseHead: Sendable {
    /// The status code, such as 200.
    public var status: Int
    /// The header fields.
    public var headers: HTTPHeaders
    /// The URL that answered (after any redirects the client followed).
    public var url: URL

    /// Creates a response head.
    public init(status: Int, headers: HTTPHeaders = [:], url: URL) {
        self.status = status
        self.headers = headers
        self.url = url
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
    /// Whether the status is a redirect that carries a `Location` (301, 302, 303, 307, 308).
    public var isRedirect: Bool { [301, 302, 303, 307, 308].contains(status) }
}

/// A complete response: head and body bytes.
public struct HTTPResponse: Sendable {
    /// The status line and header fields.
    public var head: HTTPResponseHead
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(head: HTTPResponseHead, body: [UInt8] = []) {
        self.head = head
        self.body = body
    }

    /// The status code.
    public var status: Int { head.status }
    /// The header fields.
    public var headers: HTTPHeaders { head.headers }
}

/// A response whose body is still arriving: the head first, then the body as a stream of byte chunks.
public struct HTTPStreamingResponse: Sendable {
    /// The status line and header fields.
    public var head: HTTPResponseHead
    /// The body, chunk by chunk; it throws ``HTTPError`` if the connection fails before the body is complete.
    public var body: HTTPByteStream

    /// Creates a streaming response.
    public init(head: HTTPResponseHead, body: HTTPByteStream) {
        self.head = head
        self.body = body
    }

    /// Reads the whole body into memory.
    public func collect() async throws(HTTPError) -> HTTPResponse {
        var bytes: [UInt8] = []
        for try await chunk in body { bytes += chunk }
        return HTTPResponse(head: head, body: bytes)
    }
}
