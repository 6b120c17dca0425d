// SPDX-License-Identifier: Apache-2.0

/// What a ``LoopbackHTTPServer`` route answers, including misbehaviour: a delay, a body cut short, no answer.
public struct LoopbackHTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields; `Content-Length` is added from ``body`` unless set, and `Connection: close` always.
    public var headers: [(name: String, value: String)]
    /// The body (not sent for `HEAD`).
    public var body: [UInt8]
    /// How long to wait before sending anything.
    public var delay: Duration
    /// If set, the connection is closed after this many body bytes, although `Content-Length` promises more.
    public var closeAfterBodyBytes: Int?
    /// If set, the server sends this many body bytes and then stalls until the client goes away or the server stops.
    public var stallAfterBodyBytes: Int?
    /// If true, the server reads the request and never answers (until the client gives up or the server stops).
    public var neverRespond: Bool
    /// If set, the body goes out with `Transfer-Encoding: chunked`, in chunks of this many bytes, each written
    /// separately (the server socket has `TCP_NODELAY`).
    public var chunkSize: Int?
    /// A pause after each body write of a chunked response, so that the client reads them one at a time.
    public var pause: Duration = .zero
    /// If set, the server resets the connection (TCP RST) after this many bytes of the body.
    public var resetAfterBodyBytes: Int?
    /// If true, the response does not say `Connection: close` and the server reads the next request on the same
    /// connection.
    public var keepAlive = false

    /// Creates a response.
    public init(
        status: Int = 200,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        delay: Duration = .zero,
        closeAfterBodyBytes: Int? = nil,
        stallAfterBodyBytes: Int? = nil,
        neverRespond: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.closeAfterBodyBytes = closeAfterBodyBytes
        self.stallAfterBodyBytes = stallAfterBodyBytes
        self.neverRespond = neverRespond
    }

    /// A UTF-8 text or JSON body.
    public static func text(
        _ text: String,
        status: Int = 200,
        contentType: String = "text/plain; charset=utf-8"
    ) -> LoopbackHTTPResponse {
        LoopbackHTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    /// A redirect to `location` (absolute or relative).
    public static func redirect(
        to location: String,
        status: Int = 302,
        headers: [(name: String, value: String)] = []
    ) -> LoopbackHTTPResponse {
        LoopbackHTTPResponse(status: status, headers: [("Location", location)] + headers)
    }

    /// A body sent with `Transfer-Encoding: chunked` in chunks of `chunkSize` bytes, each its own write.
    public static func chunked(
        _ body: [UInt8],
        chunkSize: Int,
        pause: Duration = .zero,
        headers: [(name: String, value: String)] = []
    ) -> LoopbackHTTPResponse {
        var response = LoopbackHTTPResponse(status: 200, headers: headers, body: body)
        response.chunkSize = chunkSize
        response.pause = pause
        return response
    }

    /// A response that never comes.
    public static let hang = LoopbackHTTPResponse(neverRespond: true)

    /// Serves `bytes` as a file, honouring a `Range: bytes=N-[M]` request header with a 206 partial response
    /// (or 416 if `N` is past the end), and adding `ETag` (quoted) and `Accept-Ranges`.
    public static func file(
        _ bytes: [UInt8],
        for request: LoopbackHTTPRequest,
        etag: String? = nil,
        headers extra: [(name: String, value: String)] = []
    ) -> LoopbackHTTPResponse {
        var headers: [(name: String, value: String)] = [("Accept-Ranges", "bytes")]
        if let etag { headers.append(("ETag", "\"\(etag)\"")) }
        headers += extra
        guard let range = request.byteRange else {
            return LoopbackHTTPResponse(status: 200, headers: headers, body: bytes)
        }
        guard range.start < bytes.count else {
            headers.append(("Content-Range", "bytes */\(bytes.count)"))
            return LoopbackHTTPResponse(status: 416, headers: headers)
        }
        let end = min(range.end ?? (bytes.count - 1), bytes.count - 1)
        headers.append(("Content-Range", "bytes \(range.start)-\(end)/\(bytes.count)"))
        return LoopbackHTTPResponse(status: 206, headers: headers, body: Array(bytes[range.start...end]))
    }

    /// The reason phrase for common status codes.
    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 416: "Range Not Satisfiable"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
