// SPDX-License-Identifier: Apache-2.0

import Foundation

/// A request as the ``LoopbackHTTPServer`` received it.
public struct LoopbackHTTPRequest: Sendable {
    /// The method, upper case (`GET`, `HEAD`, …).
    public var method: String
    /// The request target as sent: path plus optional `?query`.
    public var target: String
    /// The header fields in arrival order.
    public var headers: [(name: String, value: String)]
    /// The body (read by `Content-Length`).
    public var body: [UInt8]

    /// Creates a request.
    public init(method: String, target: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The target without its query, percent-decoded.
    public var path: String {
        let raw = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        return (raw ?? target).removingPercentEncodingLeniently()
    }

    /// The first header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The start of a `Range: bytes=N-` or `bytes=N-M` header, and its inclusive end if given.
    public var byteRange: (start: Int, end: Int?)? {
        guard let value = header("Range"), value.hasPrefix("bytes=") else { return nil }
        let spec = value.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2, let start = Int(spec[0]) else { return nil }
        return (start, Int(spec[1]))
    }

    /// Parses the head of a request (`GET /x HTTP/1.1\r\nName: value\r\n…`) without the blank line.
    static func parseHead(_ bytes: ArraySlice<UInt8>) -> LoopbackHTTPRequest? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var lines = text.components(separatedBy: "\r\n")
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
        }
        return LoopbackHTTPRequest(
            method: String(requestLine[0]).uppercased(),
            target: String(requestLine[1]),
            headers: headers,
            body: []
        )
    }
}

extension String {
    fileprivate func removingPercentEncodingLeniently() -> String { removingPercentEncoding ?? self }
}
