// SPDX-License-Identifier: Apache-2.0

internal import Embedding
internal import _RAGInternals

/// Where a collection keeps the bytes of blob properties, addressed by their SHA-256.
///
/// The default is ``LocalBlobStore`` inside the collection's folder; a team can point a collection at shared
/// storage by conforming another type. Implementations must make ``put(_:)`` durable before returning, because
/// the collection logs the object that references the blob only afterwards.
///
/// ```swift
/// let store = try LocalBlobStore(folder: "/data/photos/blobs")
/// let reference = try await store.put(jpegBytes)
/// let again = try await store.get(reference.key)   // == jpegBytes
/// ```
public protocol BlobStore: Sendable {
    /// Stores `bytes` (once: storing the same bytes again is a no-op) and returns their reference.
    func put(_ bytes: [UInt8]) async throws -> BlobReference
    /// The bytes stored under `key`, or `nil`.
    func get(_ key: String) async throws -> [UInt8]?
    /// Removes the blobs under `keys`; unknown keys are skipped.
    func remove(_ keys: [String]) async throws
    /// Every stored key.
    func keys() async throws -> [String]
}

/// A content-addressed blob store in a folder: each blob is a file named by its SHA-256, written atomically.
///
/// Files live in 256 sub-folders by the key's first two digits. Keys are checked to be 64 hex digits before
/// they become paths, so no key can name a file outside the folder.
public struct LocalBlobStore: BlobStore {
    /// The folder holding the blobs.
    public let folder: String

    /// Opens (creating when needed) a store in `folder`.
    ///
    /// - Throws: ``RetrievalError/Code/fileSystem`` when the folder cannot be created.
    public init(folder: String) throws(RetrievalError) {
        do { try Files.createFolder(folder) } catch {
            throw RetrievalError.wrap(error, "cannot create the blob folder")
        }
        self.folder = folder
    }

    func path(_ key: String) -> String { "\(folder)/\(key.prefix(2))/\(key)" }

    /// Stores `bytes` durably (temporary file, `fsync`, `rename`, folder `fsync`) unless already stored.
    @concurrent public func put(_ bytes: [UInt8]) async throws -> BlobReference {
        let reference = BlobReference(hashing: bytes)
        let path = path(reference.key)
        if Files.size(of: path) == bytes.count { return reference }
        do {
            try Files.createFolder(Files.parent(of: path))
            try Files.writeAtomically(bytes, to: path)
        } catch {
            throw RetrievalError.wrap(error, "cannot store blob \(reference.key)")
        }
        return reference
    }

    /// The bytes under `key`, or `nil`; bytes that no longer hash to `key` are a ``RetrievalError/Code/corruptFile``.
    @concurrent public func get(_ key: String) async throws -> [UInt8]? {
        guard BlobReference.isValidKey(key) else {
            throw RetrievalError(.invalidObject, "a blob key must be 64 lower-case hex digits")
        }
        let path = path(key)
        guard Files.exists(path) else { return nil }
        let bytes: [UInt8]
        do { bytes = try Files.read(path) } catch { throw RetrievalError.wrap(error, "cannot read blob \(key)") }
        guard SHA256.hash(bytes).hexString == key else {
            throw RetrievalError(.corruptFile, "blob \(key) is damaged: its bytes no longer match their SHA-256")
        }
        return bytes
    }

    /// Removes the blobs under `keys`.
    @concurrent public func remove(_ keys: [String]) async throws {
        for key in keys where BlobReference.isValidKey(key) {
            do { try Files.remove(path(key)) } catch { throw RetrievalError.wrap(error, "cannot remove blob \(key)") }
        }
    }

    /// Every stored key (temporary files of interrupted writes are removed on the way).
    @concurrent public func keys() async throws -> [String] {
        var keys: [String] = []
        do {
            for shard in try Files.contents(ofFolder: folder) where shard.utf8.count == 2 {
                let shardPath = "\(folder)/\(shard)"
                for name in try Files.contents(ofFolder: shardPath) {
                    if BlobReference.isValidKey(name) {
                        keys.append(name)
                    } else if name.contains(".tmp-") {
                        try Files.remove("\(shardPath)/\(name)")
                    }
                }
            }
        } catch {
            throw RetrievalError.wrap(error, "cannot list the blob folder")
        }
        return keys
    }
}

/// A blob store in memory, for collections without a folder.
public final class MemoryBlobStore: BlobStore {
    private let blobs = Locked([String: [UInt8]]())

    /// Creates an empty store.
    public init() {}

    /// Stores `bytes`.
    public func put(_ bytes: [UInt8]) async throws -> BlobReference {
        let reference = BlobReference(hashing: bytes)
        blobs.withLock { $0[reference.key] = bytes }
        return reference
    }

    /// The bytes under `key`, or `nil`.
    public func get(_ key: String) async throws -> [UInt8]? { blobs.withLock { $0[key] } }

    /// Removes the blobs under `keys`.
    public func remove(_ keys: [String]) async throws {
        blobs.withLock { for key in keys { $0[key] = nil } }
    }

    /// Every stored key.
    public func keys() async throws -> [String] { blobs.withLock { Array($0.keys) } }
}
