// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import struct FoundationEssentials.URL
#else
public import struct Foundation.URL
#endif

/// One HTTP request: method, URL, headers, body and an inactivity timeout.
public struct HTTPRequest: Sendable, CustomStringConvertible {
    /// An HTTP method such as `GET`.
    public struct Method: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        /// The method token, upper case.
        public let rawValue: String
        /// Creates a method from its token.
        public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

        /// `GET`.
        public static let get = Method(rawValue: "GET")
        /// `HEAD`.
        public static let head = Method(rawValue: "HEAD")
        /// `POST`.
        public static let post = Method(rawValue: "POST")
        /// `PUT`.
        public static let put = Method(rawValue: "PUT")
        /// `DELETE`.
        public static let delete = Method(rawValue: "DELETE")

        /// The method token.
        public var description: String { rawValue }

        /// Whether repeating the request has no extra effect (RFC 9110 §9.2.2).
        package var isIdempotent: Bool { ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"].contains(rawValue) }
    }

    /// The method.
    public var method: Method
    /// The absolute `http` or `https` URL.
    public var url: URL
    /// The header fields; `Content-Length` and `Host` are set by the transport.
    public var headers: HTTPHeaders
    /// The body bytes (empty for none).
    public var body: [UInt8]
    /// How long the transport waits for the next bytes (connect, response head or body) before it throws
    /// ``HTTPError/Code/timeout``.
    public var timeout: Duration

    /// Creates a request.
    public init(
        method: Method = .get,
        url: URL,
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        timeout: Duration = .seconds(60)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// `METHOD scheme://host/path`, without query, headers or body, so it is safe to log.
    public var description: String { "\(method) \(Self.redacted(url))" }

    /// A URL as `scheme://host[:port]/path`, dropping user info, query and fragment (which may hold keys).
    package static func redacted(_ url: URL) -> String {
        var text = (url.scheme ?? "?") + "://" + (url.host ?? "")
        if let port = url.port { text += ":\(port)" }
        return text + url.path
    }

    /// The lower-cased host and effective port of a URL, used to decide whether two URLs share an origin.
    package static func origin(_ url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? ""
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(url.host?.lowercased() ?? ""):\(port)"
    }
}
