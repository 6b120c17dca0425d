// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
package import struct FoundationEssentials.URL
#else
package import struct Foundation.URL
#endif

/// One HTTP request: method, URL, headers, body and an inactivity timeout.
package struct HTTPRequest: Sendable, CustomStringConvertible {
    /// An HTTP method such as `GET`.
    package struct Method: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        /// The method token, upper case.
        package let rawValue: String
        /// Creates a method from its token.
        package init(rawValue: String) { self.rawValue = rawValue.uppercased() }

        /// `GET`.
        package static let get = Method(rawValue: "GET")
        /// `HEAD`.
        package static let head = Method(rawValue: "HEAD")
        /// `POST`.
        package static let post = Method(rawValue: "POST")
        /// `PUT`.
        package static let put = Method(rawValue: "PUT")
        /// `DELETE`.
        package static let delete = Method(rawValue: "DELETE")

        /// The method token.
        package var description: String { rawValue }

        /// Whether repeating the request has no extra effect (RFC 9110 §9.2.2).
        package var isIdempotent: Bool { ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"].contains(rawValue) }
    }

    /// The method.
    package var method: Method
    /// The absolute `http` or `https` URL.
    package var url: URL
    /// The header fields; `Content-Length` and `Host` are set by the transport.
    package var headers: HTTPHeaders
    /// The body bytes (empty for none).
    package var body: [UInt8]
    /// How long the transport waits for the next bytes (connect, response head or body) before it throws
    /// ``HTTPError/Code/timeout``.
    package var timeout: Duration

    /// Creates a request.
    package init(
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
    package var description: String { "\(method) \(Self.redacted(url))" }

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
