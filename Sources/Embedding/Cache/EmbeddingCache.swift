// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Remembers embeddings by ``EmbeddingCacheKey`` (space + content hash), so re-embedding unchanged inputs costs
/// a hash instead of a model run.
///
/// Recent vectors are kept in memory, at most ``capacity`` of them (least recently used evicted first). With a
/// ``directory``, every stored vector is also written there as one small file named by the key, so a later
/// process starts warm. Files are written atomically (temporary file, then rename) but not synced: each carries
/// a checksum, and a file that is missing after a crash, truncated, has a bad checksum or the wrong dimension is
/// treated as absent and is replaced the next time its vector is stored. (Syncing costs about 11 ms per file on
/// ext4, more than embedding a text with a small model; without it a store takes about 0.1 ms.) Disk errors never fail an embedding: the cache is an optimisation, so a failed write is dropped.
///
/// Wrap an embedder in a ``CachingEmbedder`` to use it:
///
/// ```swift
/// let cache = try EmbeddingCache(capacity: 50_000, directory: cacheFolder)
/// let embedder = CachingEmbedder(clip, cache: cache)
/// let first = try await embedder.embed(inputs)    // computes
/// let again = try await embedder.embed(inputs)    // served from the cache
/// ```
public final class EmbeddingCache: Sendable {
    /// The most vectors kept in memory.
    public let capacity: Int
    /// The folder of cached vector files, or `nil` for a memory-only cache.
    public let directory: URL?

    /// A POSIX-mutex lock rather than the standard `Mutex`, so the thread sanitizer can check its users.
    private let memory: Locked<RecentlyUsedStore<EmbeddingCacheKey>>

    private static let magic: [UInt8] = Array("MMRE".utf8)
    private static let version: UInt32 = 1

    /// Creates a cache.
    /// - Parameters:
    ///   - capacity: The most vectors kept in memory (0 keeps none, so only the disk store is used).
    ///   - directory: A folder for the on-disk store, created if missing; `nil` for memory only.
    /// - Throws: ``EmbeddingError/Code/fileSystem`` when `directory` cannot be created.
    /// - Precondition: `capacity >= 0`.
    public init(capacity: Int = 10_000, directory: URL? = nil) throws(EmbeddingError) {
        precondition(capacity >= 0, "capacity must not be negative")
        self.capacity = capacity
        self.directory = directory
        memory = Locked(RecentlyUsedStore(capacity: capacity))
        if let directory {
            do throws(FileError) {
                try Files.createFolder(directory.path)
            } catch {
                throw EmbeddingError.file(error, "cannot create cache folder \(directory.path)")
            }
        }
    }

    /// The number of vectors currently held in memory.
    public var count: Int { memory.withLock { $0.count } }

    /// The cached vector for `key`, from memory or disk; `nil` when absent, unreadable, or not `dimension` long.
    /// - Parameters:
    ///   - key: The content key.
    ///   - dimension: The length the vector must have.
    /// - Returns: The vector, or `nil` on a miss.
    public func vector(for key: EmbeddingCacheKey, dimension: Int) -> [Float]? {
        if let hit = memory.withLock({ $0.value(for: key) }), hit.count == dimension { return hit }
        guard let url = fileURL(for: key), let bytes = try? Files.read(url.path),
            let vector = Self.decode(bytes, dimension: dimension)
        else { return nil }
        memory.withLock { $0.insert(vector, for: key) }
        return vector
    }

    /// Stores `vector` for `key` in memory and, with a ``directory``, on disk (failures are ignored).
    /// - Parameters:
    ///   - vector: The embedding.
    ///   - key: The content key.
    public func store(_ vector: [Float], for key: EmbeddingCacheKey) {
        memory.withLock { $0.insert(vector, for: key) }
        guard let url = fileURL(for: key) else { return }
        try? Files.writeAtomically(Self.encode(vector), to: url.path, sync: false)
    }

    /// Empties the in-memory part (files on disk stay).
    public func removeAllFromMemory() {
        memory.withLock { $0.removeAll() }
    }

    /// The file that holds `key`'s vector: `directory/<64 hex digits>.embedding`.
    /// - Parameter key: The content key.
    /// - Returns: The file's URL, or `nil` for a memory-only cache.
    public func fileURL(for key: EmbeddingCacheKey) -> URL? {
        directory?.appendingPathComponent("\(key).embedding")
    }

    // MARK: - File format

    /// `MMRE`, version (UInt32 LE), dimension (UInt32 LE), the floats (LE), then SHA-256 of everything before.
    static func encode(_ vector: [Float]) -> [UInt8] {
        var bytes = magic
        bytes.reserveCapacity(12 + 4 * vector.count + 32)
        appendUInt32(version, to: &bytes)
        appendUInt32(UInt32(vector.count), to: &bytes)
        for value in vector { appendUInt32(value.bitPattern, to: &bytes) }
        bytes += SHA256.hash(bytes).bytes
        return bytes
    }

    /// The vector in a cache file, or `nil` when the file is not a valid one of `dimension` floats.
    static func decode(_ bytes: [UInt8], dimension: Int) -> [Float]? {
        guard bytes.count == 12 + 4 * dimension + 32, Array(bytes[0..<4]) == magic,
            readUInt32(bytes, at: 4) == version, readUInt32(bytes, at: 8) == UInt32(dimension),
            SHA256.hash(bytes[0..<(bytes.count - 32)]).bytes == Array(bytes[(bytes.count - 32)...])
        else { return nil }
        return (0..<dimension).map { Float(bitPattern: readUInt32(bytes, at: 12 + 4 * $0)) }
    }

    private static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }
}
