// SPDX-License-Identifier: Apache-2.0

import Dispatch
import _RAGInternals

/// The indexes a ``LocalVectorStore`` derives from its objects' properties: the inverted property index that
/// answers filters and the keyword (BM25F) index.
struct DerivedIndexes: Sendable {
    var properties = PropertyIndex()
    var keyword: BM25Index?

    /// Applies batches in the order they were committed, on two threads when they hold many objects.
    mutating func apply(_ changes: [DerivedChange]) {
        let objects = changes.reduce(0) { $0 + $1.removed.count + $1.added.count }
        // Moved out, so each is the only reference to its storage and changes in place (a copy left behind in
        // `self` would make the first write copy every posting list).
        var properties = self.properties
        var keyword = self.keyword
        self = DerivedIndexes()
        let parts = objects >= 4096 ? 2 : 1
        // Each part writes only its own variable.
        Parallel.forEach(parts: parts) { part in
            if part == 0 {
                for change in DerivedChange.coalesced(changes) {
                    properties.update(removing: change.removed, adding: change.added)
                }
            }
            if part == parts - 1, keyword != nil {
                for change in changes { change.apply(to: &keyword!) }
            }
        }
        self.properties = properties
        self.keyword = keyword
    }
}

/// One committed batch as the derived indexes see it.
struct DerivedChange: Sendable {
    /// The objects the batch removed or replaced, with their keys.
    var removed: [(CollectionObject, UInt64)] = []
    /// The objects the batch stored, with their keys.
    var added: [(CollectionObject, UInt64)] = []
    /// The keys of the deleted objects (a replaced object's key is in `added` again, where the keyword index
    /// replaces its words).
    var deletedKeys: [UInt64] = []

    var isEmpty: Bool { removed.isEmpty && added.isEmpty }

    func apply(to keyword: inout BM25Index) {
        for key in deletedKeys { keyword.remove(key) }
        keyword.upsert(keys: added.map(\.1)) { document, name, words in
            switch added[document].0.properties[name] {
            case .text(let text)?: WordTokenizer.appendWords(of: text, to: &words)
            case .textArray(let texts)?: for text in texts { WordTokenizer.appendWords(of: text, to: &words) }
            default: break
            }
        }
    }

    /// The changes with consecutive insert-only batches joined into one, so the property index sorts and merges
    /// them once (joining is exact only for batches that remove nothing: their keys are all new).
    static func coalesced(_ changes: [DerivedChange]) -> [DerivedChange] {
        var result: [DerivedChange] = []
        for change in changes {
            if change.removed.isEmpty, let last = result.last, last.removed.isEmpty {
                result[result.count - 1].added += change.added
            } else {
                result.append(change)
            }
        }
        return result
    }
}

/// The derived indexes of a store, brought up to date off the commit path.
///
/// A commit applies its batch to the objects and vectors and queues the batch here (O(1)); a background job
/// applies the queued batches once there are enough of them, and every read that needs these indexes first
/// applies whatever is still queued. A reader therefore sees exactly the batches committed before it, as before,
/// while the tokenising, posting merges and sorting of a batch run on another core than the commit. Commits enqueue while holding the store's
/// write lock and readers catch up while holding its read lock, so the indexes a reader sees always match the
/// objects it sees.
final class DeferredIndexes: Sendable {
    private let indexes: Locked<DerivedIndexes>
    private let queue: Locked<Queue>
    /// How many queued objects make a commit apply the queue itself instead of leaving it to the background
    /// job, so the queue cannot outgrow what one catch-up should cost.
    static let backlogLimit = 65_536
    /// How many queued objects start the background job.
    ///
    /// Batches applied together sort and merge their postings once; fewer objects wait for the next read that
    /// needs them (or a snapshot), which applies them.
    static let backgroundBatch = 4_096

    private struct Queue: Sendable {
        var changes: [DerivedChange] = []
        var objects = 0
        var jobScheduled = false
    }

    private static let jobs = DispatchQueue(label: "rag.retrieval.indexing", qos: .userInitiated)

    init(_ indexes: DerivedIndexes) {
        self.indexes = Locked(indexes)
        queue = Locked(Queue())
    }

    /// Queues a committed batch, and starts a background job to apply the queue once it holds
    /// ``backgroundBatch`` objects.
    ///
    /// - Returns: Whether the queue has grown past ``backlogLimit`` (the committer should then call
    ///   ``catchUp()`` once it has released the store's write lock).
    @discardableResult
    func enqueue(_ change: DerivedChange) -> Bool {
        guard !change.isEmpty else { return false }
        let (schedule, backlog) = queue.withLock { queue in
            queue.changes.append(change)
            queue.objects += change.removed.count + change.added.count
            let schedule = !queue.jobScheduled && queue.objects >= Self.backgroundBatch
            if schedule { queue.jobScheduled = true }
            return (schedule, queue.objects > Self.backlogLimit)
        }
        if schedule {
            Self.jobs.async { [self] in
                queue.withLock { $0.jobScheduled = false }
                catchUp()
            }
        }
        return backlog
    }

    /// Applies every queued batch.
    func catchUp() { read { _ in } }

    /// Runs `body` on the indexes with every queued batch applied.
    func read<Result, Failure: Error>(
        _ body: (DerivedIndexes) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try indexes.withLock { (indexes) throws(Failure) in
            let changes = queue.withLock { queue in
                defer { (queue.changes, queue.objects) = ([], 0) }
                return queue.changes
            }
            if !changes.isEmpty { indexes.apply(changes) }
            return try body(indexes)
        }
    }

    /// The indexes with every queued batch applied, as a value.
    var current: DerivedIndexes { read { $0 } }

    /// Changes the indexes in place (nothing may be queued: a store does this while it opens).
    func modify(_ body: (inout DerivedIndexes) -> Void) {
        precondition(queue.withLock { $0.changes.isEmpty }, "the derived indexes are modified only while opening")
        indexes.withLock(body)
    }
}
