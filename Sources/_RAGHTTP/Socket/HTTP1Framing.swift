// SPDX-License-Identifier: Apache-2.0

import Foundation

/// HTTP/1.1 message framing for ``SocketHTTPTransport`` (RFC 9112): the request bytes, the response head, and how
/// the response body is delimited.
enum HTTP1Framing {
    /// How a response body ends (RFC 9112 §6.3).
    enum BodyLength: Sendable, Equatable {
        /// No body (`HEAD`, 1xx, 204, 304).
        case none
        /// Exactly this many bytes (`Content-Length`).
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
        /// Until the server closes the connection.
        case untilClose
    }

    /// A parsed response head.
    struct Head: Sendable {
        var status: Int
        var headers: HTTPHeaders
        /// Whether the server speaks HTTP/1.1 (keep-alive by default) rather than 1.0.
        var isHTTP11: Bool
    }

    /// The most bytes a response head may have.
    static let maxHeadBytes = 64 * 1024

    /// The request line, the header fields and the body.
    ///
    /// `Host` is set from the URL, `Content-Length` from the body (and for `POST` and `PUT` without one); fields the
    /// caller set with those names, and hop-by-hop fields, are replaced.
    static func requestBytes(_ request: HTTPRequest, target: String, host: String) -> [UInt8] {
        var text = "\(request.method.rawValue) \(target) HTTP/1.1\r\nHost: \(host)\r\n"
        let dropped: Set<String> = ["host", "content-length", "connection", "transfer-encoding", "keep-alive"]
        for field in request.headers where !dropped.contains(field.name.lowercased()) {
            text += "\(field.name): \(field.value)\r\n"
        }
        if !request.body.isEmpty || request.method == .post || request.method == .put {
            text += "Content-Length: \(request.body.count)\r\n"
        }
        text += "\r\n"
        return Array(text.utf8) + request.body
    }

    /// The index just past the blank line that ends a head in `buffer`, if it has arrived.
    static func headEnd(in buffer: [UInt8], from start: Int = 0) -> Int? {
        guard buffer.count >= 4 else { return nil }
        var i = max(start, 3)
        while i < buffer.count {
            if buffer[i] == 10 {
                if buffer[i - 1] == 10 { return i + 1 }  // bare LF LF
                if buffer[i - 1] == 13, buffer[i - 2] == 10, i >= 3 { return i + 1 }  // LF CR LF
            }
            i += 1
        }
        return nil
    }

    /// Parses a status line and header fields.
    static func parseHead(_ bytes: ArraySlice<UInt8>) throws(HTTPError) -> Head {
        // Split the bytes, not a String: Swift treats "\r\n" as one Character.
        var lines: [Substring] = bytes.split(separator: 10, omittingEmptySubsequences: false).map { raw in
            let line = raw.last == 13 ? raw.dropLast() : raw
            return Substring(String(validating: line, as: UTF8.self) ?? String(decoding: line, as: UTF8.self))
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let statusLine = lines.first else { throw HTTPError(.invalidResponse, "empty response head") }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]),
            (100...999).contains(status)
        else { throw HTTPError(.invalidResponse, "not an HTTP/1 status line") }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw HTTPError(.invalidResponse, "a malformed header line")
            }
            let name = line[..<colon]
            guard !name.contains(" "), !name.contains("\t") else {
                throw HTTPError(.invalidResponse, "a malformed header name")
            }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            var trimmed = Substring(value)
            while let last = trimmed.last, last == " " || last == "\t" { trimmed.removeLast() }
            headers.add(String(name), String(trimmed))
        }
        return Head(status: status, headers: headers, isHTTP11: parts[0] != "HTTP/1.0")
    }

    /// How the body of a response to `method` with this head is delimited.
    static func bodyLength(_ head: Head, method: HTTPRequest.Method) throws(HTTPError) -> BodyLength {
        if method == .head || (100..<200).contains(head.status) || head.status == 204 || head.status == 304 {
            return .none
        }
        let codings = head.headers.fields.filter { $0.name.lowercased() == "transfer-encoding" }
            .flatMap { $0.value.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let last = codings.last {
            return last == "chunked" ? .chunked : .untilClose
        }
        let lengths = head.headers.fields.filter { $0.name.lowercased() == "content-length" }
            .flatMap { $0.value.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lengths.first else { return .untilClose }
        guard let length = Int(first), length >= 0, lengths.allSatisfy({ $0 == first }) else {
            throw HTTPError(.invalidResponse, "an invalid Content-Length")
        }
        return .length(length)
    }

    /// Whether the connection may carry another request after this response (RFC 9112 §9.3).
    static func keepsAlive(_ head: Head, _ length: BodyLength) -> Bool {
        guard length != .untilClose else { return false }
        let tokens = head.headers.fields.filter { $0.name.lowercased() == "connection" }
            .flatMap { $0.value.lowercased().split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if tokens.contains("close") { return false }
        return head.isHTTP11 || tokens.contains("keep-alive")
    }
}
