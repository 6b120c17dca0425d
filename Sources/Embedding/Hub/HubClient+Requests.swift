// SPDX-License-Identifier: Apache-2.0

import Foundation
import _RAGHTTP

/// URLs, headers and response interpretation for the hub's HTTP API.
extension HubClient {
    /// What a `HEAD` on a file's `resolve` URL says about it.
    struct FileMetadata: Sendable {
        /// The file as `namespace/name/path`, for messages.
        var name: String
        /// The commit the revision resolved to (`X-Repo-Commit`).
        var commit: String?
        /// The blob id: `X-Linked-Etag` (LFS SHA-256) or `ETag` (git blob id), without quotes or `W/`.
        var etag: String
        /// The size in bytes: `X-Linked-Size` or `Content-Length`.
        var size: Int64?
        /// Where to `GET` the content: the redirect target for LFS files, else the resolve URL.
        var location: URL
    }

    /// `HEAD {endpoint}/{repo}/resolve/{revision}/{path}`, following same-origin redirects (renamed repositories)
    /// but not the redirect to the storage host, whose `Location` becomes ``FileMetadata/location``.
    func fileMetadata(
        _ path: String,
        of repo: HubRepoID,
        revision: String
    ) async throws(EmbeddingError) -> FileMetadata {
        let url = try resolveURL(repo, revision: revision, path: path)
        var request = HTTPRequest(
            method: .head,
            url: url,
            headers: headers(for: url),
            timeout: configuration.requestTimeout
        )
        request.headers["Accept-Encoding"] = "identity"
        let response = try await send(request, redirects: .sameOrigin)
        let head = response.head
        let location: URL
        if head.isRedirect {
            guard let target = head.headers["Location"].flatMap({ URL(string: $0, relativeTo: head.url)?.absoluteURL })
            else { throw EmbeddingError(.invalidResponse, "redirect for \(repo)/\(path) has no usable Location") }
            location = target
        } else if head.isSuccess {
            location = head.url
        } else {
            throw Self.error(for: head, what: "\(repo)/\(path) at '\(revision)'")
        }
        guard let rawETag = head.headers["X-Linked-Etag"] ?? head.headers["ETag"] else {
            throw EmbeddingError(
                .invalidResponse,
                "the hub sent no ETag for \(repo)/\(path); is \(configuration.endpoint) a hub?"
            )
        }
        let size = (head.headers["X-Linked-Size"] ?? head.headers["Content-Length"]).flatMap { Int64($0) }
        return FileMetadata(
            name: "\(repo)/\(path)",
            commit: head.headers["X-Repo-Commit"],
            etag: Self.normalizedETag(rawETag),
            size: size,
            location: location
        )
    }

    /// An ETag without a weak prefix or quotes.
    static func normalizedETag(_ value: String) -> String {
        var text = Substring(value.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
        return String(text)
    }

    /// `{endpoint}/api/models/{repo}/revision/{revision}`.
    func apiURL(_ repo: HubRepoID, revision: String) throws(EmbeddingError) -> URL {
        try url("api/models/\(repo)/revision/\(Self.encoded(revision, keepingSlashes: false))")
    }

    /// `{endpoint}/{repo}/resolve/{revision}/{path}`.
    func resolveURL(_ repo: HubRepoID, revision: String, path: String) throws(EmbeddingError) -> URL {
        try url(
            "\(repo)/resolve/\(Self.encoded(revision, keepingSlashes: false))/\(Self.encoded(path, keepingSlashes: true))"
        )
    }

    private func url(_ relative: String) throws(EmbeddingError) -> URL {
        var base = configuration.endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + "/" + relative) else {
            throw EmbeddingError(.invalidRepoID, "cannot form a URL for '\(relative)'")
        }
        return url
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )

    static func encoded(_ text: String, keepingSlashes: Bool) -> String {
        var allowed = unreserved
        if keepingSlashes { allowed.insert("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The headers for a request to `url`: the token only if `url` is on the endpoint's origin.
    func headers(for url: URL) -> HTTPHeaders {
        var headers: HTTPHeaders = ["User-Agent": "MultimodalRAG-hub/1 (swift)"]
        if let token = configuration.token, HTTPRequest.origin(url) == HTTPRequest.origin(configuration.endpoint) {
            headers["Authorization"] = "Bearer \(token)"
        }
        return headers
    }

    /// Sends a request with retries and redirects, mapping transport failures to ``EmbeddingError``.
    func send(
        _ request: HTTPRequest,
        redirects: HTTPClient.RedirectMode = .follow
    ) async throws(EmbeddingError) -> HTTPResponse {
        do {
            return try await http.send(request, redirects: redirects)
        } catch {
            throw Self.error(error)
        }
    }

    /// An ``EmbeddingError`` for a transport failure; `context` (such as the file being downloaded) starts the
    /// message.
    static func error(_ error: HTTPError, context: String? = nil) -> EmbeddingError {
        let message = context.map { "\($0): \(error.message)" } ?? error.message
        return switch error.code {
        case .timeout: EmbeddingError(.timeout, message, underlying: error)
        case .cancelled: EmbeddingError(.cancelled, message, underlying: error)
        case .invalidResponse, .redirect: EmbeddingError(.invalidResponse, message, underlying: error)
        default: EmbeddingError(.network, message, underlying: error)
        }
    }

    /// An ``EmbeddingError`` for an unexpected status, using the hub's `X-Error-Code` when present.
    static func error(for head: HTTPResponseHead, what: String) -> EmbeddingError {
        let hubCode = head.headers["X-Error-Code"] ?? ""
        let hubMessage = head.headers["X-Error-Message"].map { ": \($0)" } ?? ""
        switch (hubCode, head.status) {
        case ("RepoNotFound", _), ("RevisionNotFound", _), ("EntryNotFound", _), (_, 404):
            return EmbeddingError(.notFound, "\(what) not found (HTTP \(head.status) \(hubCode))\(hubMessage)")
        case ("GatedRepo", _), (_, 401), (_, 403):
            return EmbeddingError(
                .unauthorized,
                "access to \(what) refused (HTTP \(head.status)); check HF_TOKEN\(hubMessage)"
            )
        case (_, 429), (_, 500...599):
            return EmbeddingError(.network, "the hub kept failing for \(what) (HTTP \(head.status))\(hubMessage)")
        default:
            return EmbeddingError(.invalidResponse, "unexpected HTTP \(head.status) for \(what)\(hubMessage)")
        }
    }
}
