// SPDX-License-Identifier: Apache-2.0

import Foundation
import _RAGInternals

/// One repository's folder in the cache, laid out as `huggingface_hub` lays it out.
///
/// ```
/// <root>/models--namespace--name/
///     blobs/<etag>                    file contents, named by git blob sha1 or LFS sha256
///     blobs/<etag>.incomplete         a download in progress (resumed with Range)
///     refs/<revision>                 the commit a branch or tag pointed to, as text
///     snapshots/<commit>/<path>       relative symbolic links to ../../blobs/<etag>
///     .mmrag/files/<commit>           this library's record of the commit's file list (one path a line)
///     .mmrag/tmp/                     snapshot links being made, renamed into place when complete
/// <root>/.locks/models--namespace--name/<etag>.lock   held (flock) while the blob is downloaded
/// ```
///
/// The file list lets a later call decide offline whether a snapshot holds every file its patterns select;
/// `huggingface_hub` ignores the folder, as it ignores its own `.locks` and `.no_exist` bookkeeping.
struct HubCache: Sendable {
    let root: URL
    let repo: HubRepoID

    var folder: URL { root.appendingPathComponent(repo.cacheFolderName, isDirectory: true) }
    var blobs: URL { folder.appendingPathComponent("blobs", isDirectory: true) }

    func blob(_ etag: String) -> URL { blobs.appendingPathComponent(etag) }
    func incomplete(_ etag: String) -> URL { blobs.appendingPathComponent(etag + ".incomplete") }
    /// `<root>/.locks/models--namespace--name/<etag>.lock`, the file `huggingface_hub` locks while it downloads a blob.
    func lock(_ etag: String) -> URL {
        root.appendingPathComponent(".locks", isDirectory: true)
            .appendingPathComponent(repo.cacheFolderName, isDirectory: true)
            .appendingPathComponent(etag + ".lock")
    }
    func snapshot(_ commit: String) -> URL {
        folder.appendingPathComponent("snapshots", isDirectory: true).appendingPathComponent(commit, isDirectory: true)
    }
    func file(_ path: String, commit: String) -> URL { snapshot(commit).appendingPathComponent(path) }
    func ref(_ revision: String) -> URL {
        folder.appendingPathComponent("refs", isDirectory: true).appendingPathComponent(revision)
    }

    /// The repository id and commit of a snapshot folder, `…/models--namespace--name/snapshots/<commit>`, or `nil`
    /// for any other folder.
    ///
    /// Models loaded from a snapshot use it for their ``EmbeddingSpace``: the repository id as `modelID` and the
    /// commit as `revision`, so vectors (and embedding-cache keys) change identity when the model changes.
    /// - Parameter directory: A checkpoint folder, such as one ``HubClient/snapshot(of:revision:matching:progress:)``
    ///   returned or a `huggingface_hub` snapshot.
    /// - Returns: `namespace/name` (or `name`) and the 40-digit commit.
    static func snapshotIdentity(_ directory: URL) -> (repo: String, commit: String)? {
        let components = directory.standardizedFileURL.pathComponents.filter { $0 != "/" }
        guard components.count >= 3 else { return nil }
        let commit = components[components.count - 1]
        let folder = components[components.count - 3]
        guard isCommitHash(commit), components[components.count - 2] == "snapshots", folder.hasPrefix("models--")
        else { return nil }
        let repo = folder.dropFirst("models--".count).split(separator: "--", omittingEmptySubsequences: false)
            .joined(separator: "/")
        guard let id = try? HubRepoID(repo), id.cacheFolderName == folder else { return nil }
        return (id.description, commit)
    }

    /// Whether `text` is a full commit hash (40 lower-case hexadecimal digits).
    static func isCommitHash(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Whether `etag` is an LFS object id (the SHA-256 of the content, 64 hexadecimal digits).
    static func isSHA256(_ etag: String) -> Bool {
        etag.utf8.count == 64 && etag.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Checks that a repository path is relative and stays inside the snapshot (no `..`, no empty components).
    static func validate(path: String, in repo: HubRepoID) throws(EmbeddingError) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\"),
            parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
        else { throw EmbeddingError(.invalidRepoID, "unsafe file path '\(path)' in \(repo)") }
    }

    /// Checks that a revision or etag can be used as a file name under `refs/` or `blobs/`.
    static func validate(
        name: String,
        what: String,
        in repo: HubRepoID,
        code: EmbeddingError.Code = .invalidResponse
    ) throws(EmbeddingError) {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
        else { throw EmbeddingError(code, "unusable \(what) '\(name)' for \(repo)") }
    }

    /// The commit a revision points to in the cache: the revision itself if it is a commit hash, else `refs/`.
    func commit(for revision: String) -> String? {
        if Self.isCommitHash(revision) { return revision }
        guard let data = FileManager.default.contents(atPath: ref(revision).path),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return Self.isCommitHash(commit) ? commit : nil
    }

    /// The files of a cached snapshot (paths relative to it, resolvable links only), or `nil` if it is absent.
    func files(inSnapshot commit: String) -> [String]? {
        let directory = snapshot(commit).path
        guard Self.isDirectory(directory) == true,
            let paths = try? FileManager.default.subpathsOfDirectory(atPath: directory)
        else { return nil }
        return paths.filter { Self.isDirectory(directory + "/" + $0) == false }.sorted()
    }

    /// Whether `path` (following links) is a directory (`true`), another file (`false`) or absent (`nil`).
    static func isDirectory(_ path: String) -> Bool? {
        var isDirectory: ObjCBool = false
        // SAFETY: `fileExists(atPath:isDirectory:)` takes a pointer on Linux; it is only written during the call.
        guard unsafe FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        return isDirectory.boolValue
    }

    /// Where the file list of a commit is recorded.
    func fileList(_ commit: String) -> URL {
        folder.appendingPathComponent(".mmrag/files", isDirectory: true).appendingPathComponent(commit)
    }

    /// The recorded file list of a commit, if any.
    func recordedFiles(_ commit: String) -> [String]? {
        guard let data = FileManager.default.contents(atPath: fileList(commit).path),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        return text.split(separator: "\n").map(String.init)
    }

    /// Records the file list of a commit as the model API reported it (written atomically and synced).
    func recordFiles(_ paths: [String], commit: String) throws(EmbeddingError) {
        try Self.write(Array(paths.joined(separator: "\n").utf8), to: fileList(commit))
    }

    /// Writes a small bookkeeping file atomically, synced, creating its folder.
    private static func write(_ bytes: [UInt8], to url: URL) throws(EmbeddingError) {
        do throws(FileError) {
            try Files.createFolder(url.deletingLastPathComponent().path)
            try Files.writeAtomically(bytes, to: url.path)
        } catch {
            throw EmbeddingError.file(error, "cannot write \(url.path)")
        }
    }

    /// A cached snapshot for `revision` that holds every file `patterns` select, or `nil`.
    ///
    /// With a recorded file list the check is exact. Without one (a cache written by another tool) every pattern
    /// must match at least one cached file, and an empty pattern list needs a non-empty snapshot.
    func cachedSnapshot(revision: String, patterns: [String]) -> URL? {
        guard let commit = commit(for: revision), let files = files(inSnapshot: commit) else { return nil }
        if let recorded = recordedFiles(commit) {
            let present = Set(files)
            let complete = recorded.allSatisfy { !HubFilePattern.matches($0, anyOf: patterns) || present.contains($0) }
            return complete ? snapshot(commit) : nil
        }
        guard !files.isEmpty else { return nil }
        let covered = patterns.allSatisfy { pattern in files.contains { HubFilePattern.matches($0, pattern) } }
        return covered ? snapshot(commit) : nil
    }

    /// Whether the snapshot already holds `path` (a link that resolves to a file).
    func hasFile(_ path: String, commit: String) -> Bool {
        FileManager.default.fileExists(atPath: file(path, commit: commit).path)
    }

    /// Whether a complete blob exists (with the expected size, when known).
    func hasBlob(_ etag: String, size: Int64?) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: blob(etag).path) else { return false }
        guard let size else { return true }
        return (attributes[.size] as? NSNumber)?.int64Value == size
    }

    /// Records that `revision` points to `commit` (`refs/<revision>`); nothing is written for a commit hash.
    func writeRef(_ revision: String, commit: String) throws(EmbeddingError) {
        guard revision != commit else { return }
        try Self.write(Array(commit.utf8), to: ref(revision))
    }

    /// Points `snapshots/<commit>/<path>` at `blobs/<etag>` with a relative symbolic link (a copy where links
    /// are not supported).
    ///
    /// Safe to run concurrently for the same file (two clients fetching one snapshot): the link is made under a
    /// temporary name in `.mmrag/tmp` and renamed over the destination, which replaces it atomically (the folder
    /// is synced after), and a destination that already links to the blob is left alone.
    func link(_ path: String, commit: String, etag: String) throws(EmbeddingError) {
        let destination = file(path, commit: commit)
        let depth = path.split(separator: "/").count - 1
        let target = String(repeating: "../", count: depth + 2) + "blobs/" + etag
        let manager = FileManager.default
        if (try? manager.destinationOfSymbolicLink(atPath: destination.path)) == target { return }
        let temporary = folder.appendingPathComponent(".mmrag/tmp", isDirectory: true)
            .appendingPathComponent(UUID().uuidString)
        do {
            try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try manager.createDirectory(at: temporary.deletingLastPathComponent(), withIntermediateDirectories: true)
            do {
                try manager.createSymbolicLink(atPath: temporary.path, withDestinationPath: target)
            } catch {
                try manager.copyItem(at: blob(etag), to: temporary)
            }
        } catch {
            try? manager.removeItem(at: temporary)
            throw EmbeddingError(.fileSystem, "cannot link \(destination.path)", underlying: error)
        }
        do throws(FileError) {
            try Files.rename(temporary.path, to: destination.path)
        } catch {
            try? manager.removeItem(at: temporary)
            throw EmbeddingError.file(error, "cannot link \(destination.path)")
        }
    }
}
