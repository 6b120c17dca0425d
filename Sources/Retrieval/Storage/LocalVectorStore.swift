// SPDX-License-Identifier: Apache-2.0

import VectorIndex
import _RAGInternals

public import struct Foundation.UUID

/// The built-in ``VectorStore``: objects in memory, every named vector in an exact index (and an IVF-PQ index
/// where configured), made durable by an append-only log and periodic snapshots in a folder.
///
/// ## Files
/// `snapshot` (every object as of a generation, checksummed, replaced atomically), `log` (one checksummed
/// record per committed batch since that snapshot, `fsync`ed before a commit returns), `ann-<vector>-<generation>`
/// (trained IVF-PQ indexes saved with the snapshot), `LOCK` (an advisory lock: one writer process at a time).
/// Opening replays the log over the snapshot; a torn tail (a commit that never returned) is cut off and reported
/// in ``truncatedLogBytes``; damage anywhere else is a ``RetrievalError/Code/corruptFile`` error.
///
/// ## Concurrency
/// Any number of searches and reads run at once; a commit takes exclusive access only while it applies the
/// batch in memory (O(batch)), so readers see a batch entirely or not at all.
public final class LocalVectorStore: VectorStore {
    /// Tuning for durability and snapshots.
    public struct Options: Sendable {
        /// Take a snapshot (and start a new log) once the log grows past this many bytes and past the size of
        /// the last snapshot.
        public var snapshotThreshold: Int
        /// Whether commits `fsync` the log.
        ///
        /// Turning it off trades durability on power loss for speed (a crash of
        /// the process alone still loses nothing that was committed).
        public var syncOnCommit: Bool

        /// Creates options; by default snapshots every 64 MiB of log and syncs every commit.
        public init(snapshotThreshold: Int = 64 << 20, syncOnCommit: Bool = true) {
            self.snapshotThreshold = snapshotThreshold
            self.syncOnCommit = syncOnCommit
        }
    }

    /// The folder holding the files, or `nil` for a store in memory.
    public let folder: String?
    /// The named vectors, in declaration order.
    public let layout: [VectorLayout]
    /// The owner's description of the store (a collection keeps its schema here), stored in every snapshot.
    public let metadata: [UInt8]
    /// How many bytes of torn log tail opening cut off (0 when the last run ended cleanly).
    public let truncatedLogBytes: Int

    let options: Options
    let state: ReadWriteLocked<StoreState>
    let writer: Locked<WriterState>
    let training = Locked<[String: Task<Void, Never>]>([:])
    let sortedIDs = Locked<(version: UInt64, ids: [UUID])>((UInt64.max, []))
    private let fileLock: FileLock?

    init(
        folder: String?,
        layout: [VectorLayout],
        metadata: [UInt8],
        state: StoreState,
        writer: WriterState,
        fileLock: consuming FileLock?,
        options: Options,
        truncatedLogBytes: Int
    ) {
        self.folder = folder
        self.layout = layout
        self.metadata = metadata
        self.state = ReadWriteLocked(state)
        self.writer = Locked(writer)
        self.fileLock = fileLock
        self.options = options
        self.truncatedLogBytes = truncatedLogBytes
    }

    deinit {
        training.withLock { tasks in for task in tasks.values { task.cancel() } }
    }

    // MARK: - Reads

    /// The objects stored under `ids`, with their vectors.
    public func objects(_ ids: [UUID]) async throws -> [CollectionObject?] {
        state.withReadLock { state in ids.map { id in state.objects[id].map { state.object($0, withVectors: true) } } }
    }

    /// Up to `limit` objects in ascending id order after `cursor`.
    public func objects(after cursor: UUID?, limit: Int) async throws -> [CollectionObject] {
        guard limit > 0 else { return [] }
        return state.withReadLock { state in
            let ids = sortedIDs.withLock { cache -> [UUID] in
                if cache.version != state.version {
                    cache = (state.version, state.objects.keys.sorted(by: UUID.precedes))
                }
                return cache.ids
            }
            var start = 0
            if let cursor {
                var low = 0
                var high = ids.count
                while low < high {
                    let mid = (low + high) / 2
                    if UUID.precedes(cursor, ids[mid]) { high = mid } else { low = mid + 1 }
                }
                start = low
            }
            return ids[start..<min(ids.count, start + limit)].compactMap { id in
                state.objects[id].map { state.object($0, withVectors: true) }
            }
        }
    }

    /// The number of stored objects.
    public func count() async throws -> Int { state.withReadLock { $0.objects.count } }

    /// Which of `keys` some stored object references.
    public func referencedBlobs(among keys: [String]) async throws -> Set<String> {
        state.withReadLock { state in Set(keys.filter { state.blobReferences[$0, default: 0] > 0 }) }
    }

    /// Candidates for a vector query.
    public func search(_ request: VectorStoreSearch) async throws -> [VectorStoreHit] {
        try state.withReadLock { (state) throws(RetrievalError) in try state.search(request) }
    }

    /// Waits until every IVF-PQ index being trained in the background has been swapped in.
    public func waitForIndexing() async {
        while true {
            let tasks = training.withLock { Array($0.values) }
            if tasks.isEmpty { return }
            for task in tasks { await task.value }
        }
    }

    /// For each named vector, whether its searches currently use an approximate (IVF-PQ) index.
    public var approximateIndexes: [String: Bool] {
        state.withReadLock { state in state.slots.mapValues { $0.approximate != nil } }
    }
}

extension UUID {
    /// Ascending byte order, the order collections iterate in.
    static func precedes(_ a: UUID, _ b: UUID) -> Bool {
        let x = a.orderKey
        let y = b.orderKey
        return x.high < y.high || (x.high == y.high && x.low < y.low)
    }

    /// The 16 bytes as two big-endian integers, so that comparing them compares the bytes in order.
    var orderKey: (high: UInt64, low: UInt64) {
        let b = bytes
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 0..<8 {
            high = high << 8 | UInt64(b[i])
            low = low << 8 | UInt64(b[i + 8])
        }
        return (high, low)
    }

    /// The 16 bytes in order.
    var bytes: [UInt8] {
        let u = uuid
        return [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
    }
}
