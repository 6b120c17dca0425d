// SPDX-License-Identifier: Apache-2.0

package import Foundation
import _RAGInternals

/// The SHA-256 digests of local weight files, remembered so that opening a checkpoint again does not read all of
/// its weights again.
///
/// A checkpoint folder that is not a hub snapshot has no commit to name its weights by, so ``CLIPModel`` and
/// ``BERTModel`` record a digest of their weight files as ``EmbeddingSpace/revision``: `sha256:` and the file's
/// SHA-256 for a single file (what `sha256sum model.safetensors` prints, and the LFS object id the hub shows for
/// it), or for shards the SHA-256 of their digests, sorted, each as 64 hexadecimal digits and a line feed
/// (`sha256sum model-*.safetensors | cut -c1-64 | sort | sha256sum`).
///
/// A digest is remembered in memory and in a small text file, keyed by the file's resolved path and its
/// ``FileStamp`` (device, inode, size, modification and status-change times in nanoseconds): a file rewritten in
/// place, replaced, or copied elsewhere is hashed again; an untouched one never is. The shared store's file is
/// `$XDG_CACHE_HOME/mmrag/weight-digests`, else `~/.cache/mmrag/weight-digests` (outside the hub cache, which
/// `huggingface_hub` expects to hold repository folders only). It is rewritten whole (temporary file, synced, renamed)
/// after each new digest, keeping only entries whose file still has the recorded stamp, at most
/// ``maximumEntries``. The store is an optimisation: an unreadable or damaged file is ignored, a failed write
/// is dropped, and two processes writing at once lose at most an entry (hashed again later).
///
/// File times have a granularity (a few milliseconds on Linux, a second or two on some file systems), so a file
/// rewritten with the same size within one tick of the previous write could keep its stamp. As git does for
/// its index, a digest is therefore not remembered while the file's times are within ``settlingTime`` of the
/// moment it was read; such a file is hashed again on the next open, until it has been left alone that long.
package final class WeightDigests: Sendable {
    /// The store the models use.
    package static let shared = WeightDigests(store: defaultStore(ProcessInfo.processInfo.environment))

    /// The most entries kept in the store's file.
    package static let maximumEntries = 1024

    /// The text file digests are kept in across processes, or `nil` for memory only.
    package let store: URL?

    /// How long, in seconds, a file must have been left unchanged before its digest is remembered.
    package let settlingTime: Double

    private struct Entry: Sendable {
        var path: String
        var stamp: FileStamp
        var digest: String
    }

    private struct State: Sendable {
        var entries: [String: Entry] = [:]
        var hashCounts: [String: Int] = [:]
    }

    private let state = Locked(State())

    private static let header = "mmrag weight digests 1"

    /// Creates a store.
    /// - Parameters:
    ///   - store: The file digests are kept in across processes (created with its folder when first written), or
    ///     `nil` to remember them in this process only.
    ///   - settlingTime: How long, in seconds, a file must have been left unchanged before its digest is
    ///     remembered (see the type's description).
    package init(store: URL?, settlingTime: Double = 2) {
        self.store = store
        self.settlingTime = settlingTime
    }

    /// `$XDG_CACHE_HOME/mmrag/weight-digests` when `XDG_CACHE_HOME` is an absolute path, else
    /// `$HOME/.cache/mmrag/weight-digests`; `nil` without a home folder.
    package static func defaultStore(_ environment: [String: String]) -> URL? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let base: String
        if let cache = value("XDG_CACHE_HOME"), cache.hasPrefix("/") {
            base = cache
        } else if let home = value("HOME") {
            base = home + "/.cache"
        } else {
            return nil
        }
        return URL(fileURLWithPath: base, isDirectory: true).appendingPathComponent("mmrag/weight-digests")
    }

    /// The revision of the weights a checkpoint folder holds: `sha256:` and the digest of its weight files (see
    /// the type's description), the files being those the folder's model loads (safetensors, else `pytorch_model.bin`).
    /// - Throws: ``EmbeddingError/Code/notFound`` or ``EmbeddingError/Code/fileSystem`` (with the `errno` as a
    ///   `POSIXError` in `underlying`) when a file cannot be read; ``EmbeddingError/Code/corruptFile`` for a
    ///   malformed index.
    package func revision(ofWeightsIn directory: URL, variant: String?) throws(EmbeddingError) -> String {
        let names = try WeightFiles.resolve(in: directory, variant: variant).names
        var digests: [String] = []
        for name in names { digests.append(try digest(of: directory.appendingPathComponent(name))) }
        return "sha256:" + Self.combine(digests)
    }

    /// One file's digest itself; several files' digests sorted, one a line, and hashed.
    package static func combine(_ digests: [String]) -> String {
        if digests.count == 1 { return digests[0] }
        return SHA256.hash(Array(digests.sorted().map { $0 + "\n" }.joined().utf8)).hexString
    }

    /// The SHA-256 of a file as 64 lower-case hexadecimal digits, remembered or computed.
    /// - Throws: ``EmbeddingError/Code/notFound`` or ``EmbeddingError/Code/fileSystem`` (with the `errno` as a
    ///   `POSIXError` in `underlying`) when the file cannot be opened or read.
    package func digest(of url: URL) throws(EmbeddingError) -> String {
        let path = url.resolvingSymlinksInPath().standardizedFileURL.path
        let file: OpenFile
        do throws(FileError) {
            file = try OpenFile(path, mode: .read)
        } catch {
            throw EmbeddingError.file(error, "cannot open \(path)")
        }
        let descriptor = file.descriptor
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)  // `file` closes it
        let stamp = try FileStamp(descriptor: descriptor, path: path)
        if let known = remembered(path, stamp) { return known }
        let started = Date().timeIntervalSince1970
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        } catch {
            throw EmbeddingError(.fileSystem, "cannot read \(path)", underlying: error)
        }
        let digest = hasher.finalize().hexString
        let entry = Entry(path: path, stamp: stamp, digest: digest)
        // A file written while it was read, or too recently to tell a later write from this one, is not
        // remembered.
        let settled =
            (try? FileStamp(descriptor: descriptor, path: path)) == stamp
            && stamp.latestChange <= started - settlingTime
        state.withLock { state in
            state.hashCounts[path, default: 0] += 1
            if settled { state.entries[path] = entry }
        }
        if settled { persist(entry) }
        withExtendedLifetime(file) {}
        return digest
    }

    /// How many times this store has read and hashed the file at `url` (the count a second open leaves alone).
    package func timesHashed(_ url: URL) -> Int {
        let path = url.resolvingSymlinksInPath().standardizedFileURL.path
        return state.withLock { $0.hashCounts[path] ?? 0 }
    }

    /// The remembered digest of `path` at `stamp`, from memory or, failing that, from the store's file.
    private func remembered(_ path: String, _ stamp: FileStamp) -> String? {
        if let entry = state.withLock({ $0.entries[path] }), entry.stamp == stamp { return entry.digest }
        guard let entry = readStore().last(where: { $0.path == path }), entry.stamp == stamp else { return nil }
        state.withLock { $0.entries[path] = entry }
        return entry.digest
    }

    // MARK: - The store's file

    /// Adds `entry` to the store's file, dropping entries for the same path and entries no longer valid.
    private func persist(_ entry: Entry) {
        guard let store, !entry.path.contains("\n") else { return }
        var entries = readStore().filter { $0.path != entry.path && FileStamp(path: $0.path) == $0.stamp }
        entries.append(entry)
        entries = Array(entries.suffix(Self.maximumEntries))
        var text = Self.header + "\n"
        for entry in entries {
            text += entry.digest + " " + entry.stamp.fields.map(String.init).joined(separator: " ")
            text += " " + entry.path + "\n"
        }
        // The store is an optimisation: a failed write leaves the digest remembered in memory only.
        try? Files.createFolder(store.deletingLastPathComponent().path)
        try? Files.writeAtomically(Array(text.utf8), to: store.path)
    }

    /// The entries in the store's file, oldest first; none when it is absent, unreadable or not this format.
    private func readStore() -> [Entry] {
        guard let store, let data = FileManager.default.contents(atPath: store.path) else { return [] }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first == Substring(Self.header) else { return [] }
        return lines.dropFirst().compactMap(Self.parse)
    }

    /// `<digest> <seven stamp integers> <path>`, or `nil` for a malformed line.
    private static func parse(_ line: Substring) -> Entry? {
        let parts = line.split(separator: " ", maxSplits: 8, omittingEmptySubsequences: false)
        guard parts.count == 9, parts[0].utf8.count == 64,
            parts[0].utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }),
            parts[8].hasPrefix("/")
        else { return nil }
        let numbers = parts[1...7].compactMap { Int64($0) }
        guard let stamp = FileStamp(fields: numbers) else { return nil }
        return Entry(path: String(parts[8]), stamp: stamp, digest: String(parts[0]))
    }
}
