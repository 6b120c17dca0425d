// SPDX-License-Identifier: Apache-2.0

public import Foundation
import _RAGHTTP

/// Downloads model repositories from the Hugging Face Hub into a cache shared with `huggingface_hub`.
///
/// ```swift
/// let hub = HubClient()  // reads HF_HOME, HF_HUB_CACHE, HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE
/// let folder = try await hub.snapshot("openai/clip-vit-base-patch32", matching: ["*.json", "*.safetensors", "*.txt"])
/// let tokenizer = try CLIPTokenizer(directory: folder)
/// ```
///
/// A snapshot is fetched the way `huggingface_hub` fetches it: the model API names the commit and the files,
/// a `HEAD` on each file's `resolve` URL gives its ETag (the git blob id, or the SHA-256 for LFS files), size and
/// — for LFS files — a redirect to the storage host, and the file is streamed into `blobs/<etag>.incomplete`,
/// resumed with `Range` after an interruption, verified (size, and SHA-256 for LFS files) and moved to
/// `blobs/<etag>`; `snapshots/<commit>/<path>` links to it and `refs/<revision>` records the commit. The access
/// token goes only to the hub's own origin, never to the storage host a download redirects to.
///
/// While a blob downloads, the client holds the `flock` lock `huggingface_hub` uses,
/// `.locks/models--namespace--name/<etag>.lock` in the cache, so two processes (Swift or Python) or two clients in
/// one process never download the same file at once; the one that waits finds the blob finished and skips it.
///
/// Requests are retried with exponential backoff (honouring `Retry-After` on 429 and 503) up to
/// ``HubConfiguration/maxAttempts`` times. When the hub can not be reached, a cached snapshot is used if there is
/// one. Nothing else in the library depends on this type: tokenizers and models load from a directory.
public struct HubClient: Sendable {
    /// Where to download from and where to cache.
    public let configuration: HubConfiguration
    let http: HTTPClient

    /// Creates a client.
    ///
    /// Every request goes through `transport`, which sends it once; the client adds redirects (dropping the token
    /// when a download leaves the hub's origin) and retries on top. Pass your own ``HTTPTransport`` to reach the
    /// network some other way (AsyncHTTPClient, a proxy, a test double serving files from memory):
    ///
    /// ```swift
    /// let hub = HubClient(configuration: .fromEnvironment(), transport: MyAsyncHTTPClientTransport())
    /// ```
    /// - Parameters:
    ///   - configuration: Where to download from and where to cache; read from the environment by default.
    ///   - transport: How requests reach the network; a new ``DefaultHTTPTransport`` by default.
    public init(
        configuration: HubConfiguration = .fromEnvironment(),
        transport: any HTTPTransport = DefaultHTTPTransport()
    ) {
        self.init(configuration: configuration, transport: transport, sleep: nil)
    }

    /// Creates a client on a given transport; `sleep` replaces the waits between retries (for tests).
    package init(
        configuration: HubConfiguration,
        transport: any HTTPTransport,
        sleep: (@Sendable (Duration) async -> Void)?
    ) {
        self.configuration = configuration
        let policy = HTTPRetryPolicy(
            maxAttempts: configuration.maxAttempts,
            baseDelay: .seconds(1),
            maxDelay: .seconds(8)
        )
        var http = HTTPClient(transport: transport, retryPolicy: policy)
        if let sleep { http.sleep = sleep }
        self.http = http
    }

    /// The local folder for a repository id or a local directory path.
    ///
    /// A path to an existing directory (or one starting with `/`, `./`, `../` or `~/`) is returned as it is;
    /// anything else is parsed as a repository id and fetched with ``snapshot(of:revision:matching:progress:)``.
    /// - Parameters:
    ///   - repoOrPath: `namespace/name`, or a directory.
    ///   - revision: A branch, tag or commit hash; `main` when `nil`. Ignored for a directory.
    ///   - patterns: Shell-style patterns such as `*.json`; only matching files are fetched (all when empty).
    ///   - progress: Called as bytes arrive, from any thread.
    /// - Returns: The snapshot directory, whose files have the repository's relative paths.
    /// - Throws: ``EmbeddingError``; ``EmbeddingError/Code/notFound`` for a path that does not exist.
    @concurrent public func snapshot(
        _ repoOrPath: String,
        revision: String? = nil,
        matching patterns: [String] = [],
        progress: (@Sendable (HubProgress) -> Void)? = nil
    ) async throws(EmbeddingError) -> URL {
        if let directory = try Self.localDirectory(repoOrPath) { return directory }
        return try await snapshot(
            of: HubRepoID(repoOrPath),
            revision: revision ?? "main",
            matching: patterns,
            progress: progress
        )
    }

    /// Fetches the files of a repository revision that match `patterns` into the cache and returns the snapshot.
    ///
    /// With ``HubConfiguration/CachePolicy/preferCache`` a complete-looking cached snapshot is returned without
    /// any request. Offline, only the cache is used.
    /// - Parameters:
    ///   - repo: The repository.
    ///   - revision: A branch, tag or commit hash.
    ///   - patterns: Shell-style patterns; only matching files are fetched (all when empty).
    ///   - progress: Called as bytes arrive, from any thread.
    /// - Returns: `<cache>/models--namespace--name/snapshots/<commit>`.
    /// - Throws: ``EmbeddingError``: ``EmbeddingError/Code/offlineMissing`` offline with a cold cache;
    ///   ``EmbeddingError/Code/notFound``, ``EmbeddingError/Code/unauthorized``, ``EmbeddingError/Code/network``,
    ///   ``EmbeddingError/Code/timeout``, ``EmbeddingError/Code/checksumMismatch`` and others online.
    @concurrent public func snapshot(
        of repo: HubRepoID,
        revision: String = "main",
        matching patterns: [String] = [],
        progress: (@Sendable (HubProgress) -> Void)? = nil
    ) async throws(EmbeddingError) -> URL {
        try HubCache.validate(name: revision, what: "revision", in: repo, code: .invalidInput)
        let cache = HubCache(root: configuration.cacheDirectory, repo: repo)
        if configuration.offline {
            guard let cached = cache.cachedSnapshot(revision: revision, patterns: patterns) else {
                throw EmbeddingError(
                    .offlineMissing,
                    "offline mode is on and the cache \(configuration.cacheDirectory.path) has no snapshot of \(repo) "
                        + "at '\(revision)'\(patterns.isEmpty ? "" : " matching \(patterns)")"
                )
            }
            return cached
        }
        if configuration.cachePolicy == .preferCache,
            let cached = cache.cachedSnapshot(revision: revision, patterns: patterns)
        {
            return cached
        }
        let info: HubModelInfo
        do {
            info = try await modelInfo(repo, revision: revision)
        } catch  where error.code == .network || error.code == .timeout {
            if let cached = cache.cachedSnapshot(revision: revision, patterns: patterns) { return cached }
            throw error
        }
        guard HubCache.isCommitHash(info.sha) else {
            throw EmbeddingError(.invalidResponse, "the model API returned no commit hash for \(repo)")
        }
        let files = info.siblings.map(\.path).filter { HubFilePattern.matches($0, anyOf: patterns) }
        for path in files { try HubCache.validate(path: path, in: repo) }
        for (index, path) in files.enumerated() where !cache.hasFile(path, commit: info.sha) {
            try await fetch(path, of: repo, commit: info.sha, cache: cache) { done, total in
                progress?(
                    HubProgress(
                        file: path,
                        fileIndex: index,
                        fileCount: files.count,
                        completedBytes: done,
                        totalBytes: total
                    )
                )
            }
        }
        do {
            try FileManager.default.createDirectory(at: cache.snapshot(info.sha), withIntermediateDirectories: true)
        } catch {
            throw EmbeddingError(.fileSystem, "cannot create \(cache.snapshot(info.sha).path)", underlying: error)
        }
        try cache.recordFiles(info.siblings.map(\.path), commit: info.sha)
        try cache.writeRef(revision, commit: info.sha)
        return cache.snapshot(info.sha)
    }

    /// Fetches one file of a repository revision into the cache and returns its path in the snapshot.
    ///
    /// - Parameters:
    ///   - path: The file's path in the repository, such as `config.json`.
    ///   - repo: The repository.
    ///   - revision: A branch, tag or commit hash.
    ///   - progress: Called as bytes arrive, from any thread.
    /// - Returns: `<cache>/models--namespace--name/snapshots/<commit>/<path>`.
    /// - Throws: ``EmbeddingError``, as ``snapshot(of:revision:matching:progress:)``.
    @concurrent public func file(
        _ path: String,
        in repo: HubRepoID,
        revision: String = "main",
        progress: (@Sendable (HubProgress) -> Void)? = nil
    ) async throws(EmbeddingError) -> URL {
        try HubCache.validate(path: path, in: repo)
        try HubCache.validate(name: revision, what: "revision", in: repo, code: .invalidInput)
        let cache = HubCache(root: configuration.cacheDirectory, repo: repo)
        if configuration.offline || configuration.cachePolicy == .preferCache,
            let commit = cache.commit(for: revision), cache.hasFile(path, commit: commit)
        {
            return cache.file(path, commit: commit)
        }
        if configuration.offline {
            throw EmbeddingError(
                .offlineMissing,
                "offline mode is on and the cache has no \(path) of \(repo) at '\(revision)'"
            )
        }
        let metadata = try await fileMetadata(path, of: repo, revision: revision)
        let commit = metadata.commit ?? revision
        guard HubCache.isCommitHash(commit) else {
            throw EmbeddingError(.invalidResponse, "the hub sent no X-Repo-Commit for \(repo)/\(path)")
        }
        if !cache.hasFile(path, commit: commit) {
            try await store(path, metadata: metadata, commit: commit, cache: cache) { done, total in
                progress?(HubProgress(file: path, fileIndex: 0, fileCount: 1, completedBytes: done, totalBytes: total))
            }
        }
        try cache.writeRef(revision, commit: commit)
        return cache.file(path, commit: commit)
    }

    /// The repository's files and the commit a revision points to, from the hub's model API.
    ///
    /// - Throws: ``EmbeddingError/Code/notFound``, ``EmbeddingError/Code/unauthorized``,
    ///   ``EmbeddingError/Code/network``, ``EmbeddingError/Code/timeout`` or ``EmbeddingError/Code/invalidResponse``.
    @concurrent public func modelInfo(
        _ repo: HubRepoID,
        revision: String = "main"
    ) async throws(EmbeddingError) -> HubModelInfo {
        let url = try apiURL(repo, revision: revision)
        let response = try await send(
            HTTPRequest(url: url, headers: headers(for: url), timeout: configuration.requestTimeout)
        )
        guard response.status == 200 else { throw Self.error(for: response.head, what: "\(repo) at '\(revision)'") }
        do {
            return try JSONDecoder().decode(HubModelInfo.self, from: Data(response.body))
        } catch {
            throw EmbeddingError(
                .invalidResponse,
                "the model API answer for \(repo) is not valid model JSON",
                underlying: error
            )
        }
    }

    private func fetch(
        _ path: String,
        of repo: HubRepoID,
        commit: String,
        cache: HubCache,
        report: @Sendable (Int64, Int64?) -> Void
    ) async throws(EmbeddingError) {
        let metadata = try await fileMetadata(path, of: repo, revision: commit)
        try await store(path, metadata: metadata, commit: commit, cache: cache, report: report)
    }

    private func store(
        _ path: String,
        metadata: FileMetadata,
        commit: String,
        cache: HubCache,
        report: @Sendable (Int64, Int64?) -> Void
    ) async throws(EmbeddingError) {
        try HubCache.validate(name: metadata.etag, what: "ETag", in: cache.repo)
        if !cache.hasBlob(metadata.etag, size: metadata.size) {
            try await withBlobLock(metadata, cache: cache) { () async throws(EmbeddingError) in
                // Another task or process may have finished the blob while this one waited for the lock.
                if !cache.hasBlob(metadata.etag, size: metadata.size) {
                    try await download(metadata, into: cache, report: report)
                }
            }
        }
        try cache.link(path, commit: commit, etag: metadata.etag)
    }

    /// A directory for `text` if it names one (or looks like a path), `nil` if it should be a repository id.
    static func localDirectory(_ text: String) throws(EmbeddingError) -> URL? {
        let looksLikePath = ["/", "./", "../", "~/"].contains { text.hasPrefix($0) } || text == "." || text == ".."
        let expanded = text.hasPrefix("~/") ? NSString(string: text).expandingTildeInPath : text
        if HubCache.isDirectory(expanded) == true {
            return URL(fileURLWithPath: expanded, isDirectory: true).standardizedFileURL
        }
        if looksLikePath { throw EmbeddingError(.notFound, "no directory at \(text)") }
        return nil
    }
}
