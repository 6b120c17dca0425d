// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Synchronization
import _RAGTestSupport

/// A fake Hugging Face Hub on two loopback servers: the hub (model API, `resolve` URLs that redirect small files to
/// `/api/resolve-cache/…` on the same origin) and a storage host
/// that LFS files redirect to, as the real hub redirects to its CDN.
final class FakeHub: Sendable {
    struct File: Sendable {
        let path: String
        let bytes: [UInt8]
        let isLFS: Bool
        /// The blob id the hub reports: the SHA-256 for LFS files, an opaque 40-digit id for the others.
        let etag: String

        init(path: String, bytes: [UInt8], isLFS: Bool) {
            self.path = path
            self.bytes = bytes
            self.isLFS = isLFS
            let sha = SHA256.hash(bytes).hexString
            etag = isLFS ? sha : String(sha.prefix(40))
        }
    }

    /// Misbehaviour to inject.
    struct Faults: Sendable {
        /// A token the hub demands (`Authorization: Bearer <token>`); 401 without it.
        var requiredToken: String?
        /// Storage closes the connection after this many body bytes on the first download of each LFS file.
        var cutFirstDownloadAt: Int?
        /// Storage sends this many bytes of each LFS file and then stalls.
        var stallDownloadsAt: Int?
        /// Storage waits this long before it answers (to make concurrent downloads overlap).
        var storageDelay: Duration?
        /// Storage ignores `Range` headers and always sends the whole file with 200.
        var ignoreRange = false
        /// Storage serves LFS files with one byte flipped (same length).
        var corrupt = false
        /// Responses the model API gives before it answers normally (consumed in order).
        var apiScript: [LoopbackHTTPResponse] = []
        /// The model API answers every request with this response instead.
        var apiOverride: LoopbackHTTPResponse?
    }

    let repo: String
    let commit: String
    let files: [File]
    let hub = LoopbackHTTPServer()
    let storage = LoopbackHTTPServer()
    let faults: Mutex<Faults>
    private let downloads = Mutex<[String: Int]>([:])

    /// A hub serving `files` as `repo` at `commit` (by default a hash of the repository id).
    init(repo: String, files: [File], commit: String? = nil, faults: Faults = Faults()) {
        self.repo = repo
        self.files = files
        self.commit = commit ?? String(SHA256.hash(Array(repo.utf8)).hexString.prefix(40))
        self.faults = Mutex(faults)
    }

    /// The tiny in-memory repository used by tests that always run.
    static func tiny(faults: Faults = Faults()) -> FakeHub {
        var generator = SeededGenerator(seed: 42)
        let weights = (0..<200_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        return FakeHub(
            repo: "tiny-org/tiny-model",
            files: [
                File(
                    path: "config.json",
                    bytes: Array(#"{"model_type": "tiny", "hidden_size": 8}"#.utf8),
                    isLFS: false
                ),
                File(path: "tokenizer/vocab.txt", bytes: Array("[PAD]\n[UNK]\nhello\n".utf8), isLFS: false),
                File(path: "model.safetensors", bytes: weights, isLFS: true),
                File(path: "README.md", bytes: Array("# tiny\n".utf8), isLFS: false),
            ],
            faults: faults
        )
    }

    var endpoint: URL { hub.baseURL }

    func file(_ path: String) -> File { files.first { $0.path == path }! }

    func start() throws {
        storage.fallback { [self] in serveStorage($0) }
        hub.fallback { [self] in serveHub($0) }
        try storage.start()
        try hub.start()
    }

    func stop() {
        hub.stop()
        storage.stop()
    }

    private func authorized(_ request: LoopbackHTTPRequest) -> Bool {
        guard let token = faults.withLock({ $0.requiredToken }) else { return true }
        return request.header("Authorization") == "Bearer \(token)"
    }

    private func serveHub(_ request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        let path = request.path
        let apiPrefix = "/api/models/\(repo)/revision/"
        if path.hasPrefix("/api/models/") {
            let scripted = faults.withLock { faults -> LoopbackHTTPResponse? in
                if let override = faults.apiOverride { return override }
                return faults.apiScript.isEmpty ? nil : faults.apiScript.removeFirst()
            }
            if let scripted { return scripted }
            guard authorized(request) else { return .text("unauthorized", status: 401) }
            guard path.hasPrefix(apiPrefix) else {
                return LoopbackHTTPResponse(status: 404, headers: [("X-Error-Code", "RepoNotFound")])
            }
            let revision = String(path.dropFirst(apiPrefix.count))
            guard revision == "main" || revision == commit else {
                return LoopbackHTTPResponse(status: 404, headers: [("X-Error-Code", "RevisionNotFound")])
            }
            let siblings = files.map { #"{"rfilename":"\#($0.path)"}"# }.joined(separator: ",")
            return .text(
                #"{"_id":"0123","id":"\#(repo)","modelId":"\#(repo)","private":false,"sha":"\#(commit)","siblings":[\#(siblings)]}"#,
                contentType: "application/json"
            )
        }
        // Like the real hub, small files answer with a same-origin redirect to a commit-pinned cache URL.
        let cachePrefix = "/api/resolve-cache/models/\(repo)/\(commit)/"
        if path.hasPrefix(cachePrefix) {
            guard authorized(request) else { return .text("unauthorized", status: 401) }
            let filePath = String(path.dropFirst(cachePrefix.count))
            guard let file = files.first(where: { $0.path == filePath && !$0.isLFS }) else {
                return LoopbackHTTPResponse(status: 404, headers: [("X-Error-Code", "EntryNotFound")])
            }
            return .file(file.bytes, for: request, etag: file.etag, headers: [("X-Repo-Commit", commit)])
        }
        let resolvePrefix = "/\(repo)/resolve/"
        guard path.hasPrefix(resolvePrefix) else {
            return LoopbackHTTPResponse(status: 404, headers: [("X-Error-Code", "RepoNotFound")])
        }
        guard authorized(request) else { return .text("unauthorized", status: 401) }
        let rest = path.dropFirst(resolvePrefix.count)
        guard let slash = rest.firstIndex(of: "/") else { return .text("bad", status: 400) }
        let revision = String(rest[..<slash])
        let filePath = String(rest[rest.index(after: slash)...])
        guard revision == "main" || revision == commit else {
            return LoopbackHTTPResponse(status: 404, headers: [("X-Error-Code", "RevisionNotFound")])
        }
        guard let file = files.first(where: { $0.path == filePath }) else {
            return LoopbackHTTPResponse(status: 404, headers: [("X-Error-Code", "EntryNotFound")])
        }
        if file.isLFS {
            return .redirect(
                to: storage.baseURL.absoluteString + "/lfs/" + file.etag,
                headers: [
                    ("X-Repo-Commit", commit), ("X-Linked-Etag", "\"\(file.etag)\""),
                    ("X-Linked-Size", String(file.bytes.count)), ("ETag", "\"pointer-\(file.etag.prefix(8))\""),
                ]
            )
        }
        return .redirect(to: cachePrefix + filePath, status: 307, headers: [("X-Repo-Commit", commit)])
    }

    private func serveStorage(_ request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        let etag = String(request.path.dropFirst("/lfs/".count))
        guard let file = files.first(where: { $0.isLFS && $0.etag == etag }) else { return .text("none", status: 404) }
        let count = downloads.withLock { counts -> Int in
            counts[etag, default: 0] += 1
            return counts[etag]!
        }
        let faults = faults.withLock { $0 }
        var bytes = file.bytes
        if faults.corrupt { bytes[bytes.count / 2] ^= 0xFF }
        var served = request
        if faults.ignoreRange { served.headers.removeAll { $0.name.lowercased() == "range" } }
        var response = LoopbackHTTPResponse.file(bytes, for: served, etag: etag)
        if count == 1, let cut = faults.cutFirstDownloadAt { response.closeAfterBodyBytes = cut }
        response.stallAfterBodyBytes = faults.stallDownloadsAt
        if let delay = faults.storageDelay { response.delay = delay }
        return response
    }
}
