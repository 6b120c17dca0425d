// SPDX-License-Identifier: Apache-2.0

import Dispatch
import VectorIndex
import _RAGInternals

public import struct Foundation.UUID

/// The built-in ``VectorStore``: objects in memory, every named vector in an exact index (and an IVF-PQ index
/// where configured), made durable by an append-only log and periodic snapshots in a folder.
///
/// ## Files
/// `snapshot` (every object as of a generation, checksummed, replaced atomically), `log` (one checksummed
/// record per committed batch since that snapshot, `fsync`ed before a commit returns), `log.previous` (the log a
/// snapshot being written in the background will cover; see ``checkpoint()``), `ann-<vector>-<generation>`
/// (trained IVF-PQ indexes saved with the snapshot), `LOCK` (an advisory lock: one writer process at a time).
/// Opening replays the logs over the snapshot; a torn tail (a commit that never returned) is cut off and reported
/// in ``truncatedLogBytes``; damage anywhere else is a ``RetrievalError/Code/corruptFile`` error.
///
/// ## Concurrency
/// Any number of searches and reads run at once; a commit takes exclusive access only while it applies the
/// batch's objects and vectors in memory (O(batch)) and the disk syncs the batch's record, so readers see a batch
/// entirely or not at all, and only once it is durable. The filter and
/// keyword indexes follow on another thread, and a read that needs them first applies what they still lack (see
/// <doc:FiltersAndKeywordSearch>).
public final class LocalVectorStore: VectorStore {
    /// Tuning for durability and snapshots.
    public struct Options: Sendable {
        /// Snapshot once the log grows past this many bytes (and past the last snapshot's size).
        ///
        /// The snapshot (and a new log) is written in the background; commits go on meanwhile.
        public var snapshotThreshold: Int
        /// Whether commits `fsync` the log.
        ///
        /// Turning it off trades durability on power loss for speed (a crash of
        /// the process alone still loses nothing that was committed).
        public var syncOnCommit: Bool

        /// A filtered vector search whose filter allows at most this many objects scans those objects exactly
        /// instead of searching an approximate index (Weaviate's `flatSearchCutoff`, with its default).
        public var flatSearchCutoff: Int

        /// Creates options; by default snapshots every 64 MiB of log, syncs every commit and searches filters
        /// allowing up to 40,000 objects exactly.
        public init(snapshotThreshold: Int = 64 << 20, syncOnCommit: Bool = true, flatSearchCutoff: Int = 40_000) {
            self.snapshotThreshold = snapshotThreshold
            self.syncOnCommit = syncOnCommit
            self.flatSearchCutoff = flatSearchCutoff
        }
    }

    /// The folder holding the files, or `nil` for a store in memory.
    public let folder: String?
    /// The named vectors, in declaration order.
    public let layout: [VectorLayout]
    /// The keyword index's settings (its properties resolved), or `nil` when the store has no keyword index.
    public let keyword: KeywordSettings?
    /// The owner's description of the store (a collection keeps its schema here), stored in every snapshot.
    public let metadata: [UInt8]
    /// How many bytes of torn log tail opening cut off (0 when the last run ended cleanly).
    public let truncatedLogBytes: Int

    let options: Options
    let state: ReadWriteLocked<StoreState>
    let writer: Locked<WriterState>
    let training = Locked<[String: Task<Void, Never>]>([:])
    /// Where background snapshots are written (a plain dispatch queue, off the cooperative thread pool, so a
    /// commit that waits for one never waits on a thread it holds).
    let snapshotQueue = DispatchQueue(label: "rag.retrieval.snapshot", qos: .utility)
    let sortedIDs = Locked<(version: UInt64, ids: [UUID])>((UInt64.max, []))

    init(
        folder: String?,
        layout: [VectorLayout],
        keyword: KeywordSettings?,
        metadata: [UInt8],
        state: StoreState,
        writer: WriterState,
        options: Options,
        truncatedLogBytes: Int
    ) {
        self.folder = folder
        self.layout = layout
        self.keyword = keyword
        self.metadata = metadata
        self.state = ReadWriteLocked(state)
        self.writer = Locked(writer)
        self.options = options
        self.truncatedLogBytes = truncatedLogBytes
    }

    deinit {
        training.withLock { tasks in for task in tasks.values { task.cancel() } }
        // A snapshot still being written finishes first: the folder is not released with writes still landing.
        _ = writer.withLock { $0.pendingSnapshot }?.wait()
    }

    // MARK: - Reads

    /// The objects stored under `ids`, with their vectors.
    public func objects(_ ids: [UUID]) async throws -> [CollectionObject?] {
        try read { state in ids.map { id in state.objects[id].map { state.object($0, withVectors: true) } } }
    }

    /// Up to `limit` objects in ascending id order after `cursor`.
    public func objects(after cursor: UUID?, limit: Int) async throws -> [CollectionObject] {
        guard limit > 0 else { return [] }
        return try read { state in
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
            return ids[start..<(start + min(limit, ids.count - start))].compactMap { id in
                state.objects[id].map { state.object($0, withVectors: true) }
            }
        }
    }

    /// The number of stored objects.
    public func count() async throws -> Int { try read { $0.objects.count } }

    /// Which of `keys` some stored object references.
    public func referencedBlobs(among keys: [String]) async throws -> Set<String> {
        try read { state in Set(keys.filter { state.blobReferences[$0, default: 0] > 0 }) }
    }

    /// Candidates for a vector query.
    public func search(_ request: VectorStoreSearch) async throws -> [VectorStoreHit] {
        let cutoff = options.flatSearchCutoff
        return try read { (state) throws(RetrievalError) in
            try state.search(request, flatSearchCutoff: cutoff)
        }
    }

    /// Keyword matches from the store's BM25F index.
    public func keywordSearch(_ request: KeywordStoreSearch) async throws -> [KeywordStoreHit] {
        try read { (state) throws(RetrievalError) in try state.keywordSearch(request) }
    }

    /// Up to `limit` objects that pass `filter`, in ascending id order after `cursor`, found through the inverted
    /// property index.
    public func objects(matching filter: Filter, after cursor: UUID?, limit: Int) async throws -> [CollectionObject] {
        guard limit > 0 else { return [] }
        return try read { (state) throws(RetrievalError) in
            let ids = try state.ids(passing: filter)
            let start = cursor.map { cursor in ids.partitionPoint { UUID.precedes(cursor, $0) } } ?? 0
            return ids[start..<(start + min(limit, ids.count - start))].compactMap { id in
                state.objects[id].map { state.object($0, withVectors: true) }
            }
        }
    }

    /// Runs `body` under the read lock, or throws ``RetrievalError/Code/closed`` once the store is closed.
    private func read<Result>(
        _ body: (borrowing StoreState) throws(RetrievalError) -> Result
    ) throws(RetrievalError) -> Result {
        try state.withReadLock { (state) throws(RetrievalError) in
            guard !state.isClosed else { throw Self.closedError }
            return try body(state)
        }
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
        func word(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> UInt64 {
            UInt64(a) << 24 | UInt64(b) << 16 | UInt64(c) << 8 | UInt64(d)
        }
        let u = uuid
        return (
            word(u.0, u.1, u.2, u.3) << 32 | word(u.4, u.5, u.6, u.7),
            word(u.8, u.9, u.10, u.11) << 32 | word(u.12, u.13, u.14, u.15)
        )
    }
}
