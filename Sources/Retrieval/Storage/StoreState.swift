// SPDX-License-Identifier: Apache-2.0

import Foundation
import VectorIndex
import _RAGInternals

/// One object as held by a ``LocalVectorStore``: its value without vectors (the indexes hold those) and its key.
struct StoredEntry: Sendable {
    var object: CollectionObject
    var key: UInt64
}

/// The indexes of one named vector.
struct VectorSlot: Sendable {
    let layout: VectorLayout
    /// Every vector, exactly: the record for snapshots, training and re-ranking, and the search index until an
    /// approximate one is ready.
    let exact: FlatIndex
    /// The trained approximate index, when there is one.
    var approximate: IVFPQIndex?
    /// While an approximate index trains in the background: the keys written since its vectors were read.
    var changedDuringTraining: Set<UInt64>?

    /// A slot whose exact index was read from a snapshot.
    init(layout: VectorLayout, exact: FlatIndex) {
        self.layout = layout
        self.exact = exact
    }

    init(layout: VectorLayout) throws(RetrievalError) {
        self.layout = layout
        do {
            exact = try FlatIndex(dimension: layout.dimension, metric: layout.metric)
        } catch {
            throw RetrievalError(.index, "cannot create the index of \"\(layout.name)\"", underlying: error)
        }
    }
}

/// What a key held in the snapshot, before the log replayed over it (`nil`: nothing).
struct ReplayedKey: Sendable {
    var object: CollectionObject?
}

/// A put with the key the store assigned to it.
struct KeyedPut: Sendable {
    var object: CollectionObject
    var key: UInt64
}

/// Everything a ``LocalVectorStore`` holds in memory.
struct StoreState: Sendable {
    var objects: [UUID: StoredEntry] = [:]
    var idOfKey: [UInt64: UUID] = [:]
    var blobReferences: [String: Int] = [:]
    var nextKey: UInt64 = 0
    /// Set when the store closes: reads then fail instead of answering from memory the folder no longer backs.
    var isClosed = false
    var slots: [String: VectorSlot] = [:]
    /// The inverted property index that answers filters and the keyword index (when the store has keyword
    /// settings with properties), brought up to date behind the commits.
    ///
    /// A reference: copies of the state share it, except ``frozen()``'s.
    var derived: DeferredIndexes
    /// While a store opens, the property and keyword indexes are not updated by each replayed batch; they are
    /// brought up to date once at the end by ``finishOpening()``.
    var derivedIndexesSuspended = false
    /// The keys the log touched while it replayed over derived indexes read from the snapshot.
    ///
    /// Each key comes with the object it held in the snapshot; `nil` when the indexes are rebuilt instead.
    var replayedKeys: [UInt64: ReplayedKey]?
    /// Changes with every applied batch.
    var version: UInt64 = 0

    init(layout: [VectorLayout], keyword settings: KeywordSettings?) throws(RetrievalError) {
        for vector in layout { slots[vector.name] = try VectorSlot(layout: vector) }
        derived = DeferredIndexes(DerivedIndexes(keyword: try settings?.makeIndex()))
    }

    func object(_ entry: StoredEntry, withVectors: Bool) -> CollectionObject {
        guard withVectors else { return entry.object }
        var object = entry.object
        for (name, slot) in slots {
            if let vector = slot.exact.vector(for: entry.key) { object.vectors[name] = vector }
        }
        return object
    }

    // MARK: - Writes

    /// Assigns keys to a batch's puts: the stored key for a known id, fresh ones otherwise.
    func keyed(_ puts: [CollectionObject]) -> [KeyedPut] {
        var next = nextKey
        var fresh: [UUID: UInt64] = [:]
        return puts.map { object in
            if let key = objects[object.id]?.key ?? fresh[object.id] { return KeyedPut(object: object, key: key) }
            let key = next
            next += 1
            fresh[object.id] = key
            return KeyedPut(object: object, key: key)
        }
    }

    /// Checks a batch against the layout: known named vectors, right dimensions, finite values, and no zero
    /// vector where the metric is cosine.
    func validate(_ puts: [CollectionObject]) throws(RetrievalError) {
        for object in puts {
            for (name, vector) in object.vectors {
                guard let slot = slots[name] else {
                    throw RetrievalError(
                        .unknownVector,
                        "object \(object.id) has a vector for \"\(name)\", which is not declared"
                    )
                }
                try slot.layout.check(vector, object: object.id)
            }
        }
    }

    /// Applies puts and deletes in memory.
    ///
    /// The objects and vectors change at once; the batch is queued for the derived indexes (see
    /// ``DeferredIndexes``). Replaying a logged batch twice leaves the same state (puts carry their keys; deletes
    /// of unknown ids are skipped).
    ///
    /// - Returns: Whether the derived indexes' queue has grown long enough that the caller should apply it (with
    ///   ``DeferredIndexes/catchUp()``, after releasing the write lock).
    @discardableResult
    mutating func apply(puts: [KeyedPut], deletes: [UUID]) throws(RetrievalError) -> Bool {
        var change = DerivedChange()
        var newVectors = NewVectors()
        for id in deletes {
            guard let entry = objects.removeValue(forKey: id) else { continue }
            noteReplayed(entry.key, before: entry.object)
            idOfKey[entry.key] = nil
            release(entry.object)
            removeVectors(key: entry.key)
            change.deletedKeys.append(entry.key)
            change.removed.append((entry.object, entry.key))
        }
        for put in puts {
            noteReplayed(put.key, before: objects[put.object.id]?.object)
            if let old = objects[put.object.id] {
                release(old.object)
                removeVectors(key: old.key)
                newVectors.remove(old.key)
                idOfKey[old.key] = nil
                change.removed.append((old.object, old.key))
            }
            var stored = put.object
            let vectors = stored.vectors
            stored.vectors = [:]
            objects[stored.id] = StoredEntry(object: stored, key: put.key)
            idOfKey[put.key] = stored.id
            retain(stored)
            change.added.append((stored, put.key))
            nextKey = max(nextKey, put.key + 1)
            for (name, vector) in vectors where slots[name] != nil { newVectors.add(vector, key: put.key, to: name) }
        }
        for (name, rows) in newVectors.rows { try addVectors(rows, to: name) }
        version &+= 1
        return derivedIndexesSuspended ? false : derived.enqueue(change)
    }

    /// Loads a snapshot into an empty state.
    ///
    /// Takes its objects, its named vectors' indexes, and its derived indexes when it stores them; the derived
    /// indexes then stay suspended while the log replays, until ``finishOpening()``.
    mutating func load(_ snapshot: Snapshot) throws(RetrievalError) {
        precondition(objects.isEmpty, "a snapshot loads into an empty state")
        objects.reserveCapacity(snapshot.objects.count)
        idOfKey.reserveCapacity(snapshot.objects.count)
        for put in snapshot.objects {
            guard objects.updateValue(StoredEntry(object: put.object, key: put.key), forKey: put.object.id) == nil,
                idOfKey.updateValue(put.object.id, forKey: put.key) == nil
            else {
                throw RetrievalError(.corruptFile, "the snapshot holds object \(put.object.id) or key \(put.key) twice")
            }
            retain(put.object)
            nextKey = max(nextKey, put.key + 1)
        }
        nextKey = max(nextKey, snapshot.nextKey)
        for (name, index) in snapshot.vectors {
            guard let slot = slots[name] else { continue }
            if let stray = index.ids.first(where: { idOfKey[$0] == nil }) {
                throw RetrievalError(
                    .corruptFile,
                    "the snapshot's vectors of \"\(name)\" hold key \(stray), which has no object"
                )
            }
            slots[name] = VectorSlot(layout: slot.layout, exact: index)
        }
        if let (properties, keywordIndex) = snapshot.derived {
            guard properties.all.count == objects.count, (keywordIndex == nil) == (derived.current.keyword == nil)
            else {
                throw RetrievalError(.corruptFile, "the snapshot's derived indexes do not match its objects")
            }
            derived.modify { $0 = DerivedIndexes(properties: properties, keyword: keywordIndex) }
            replayedKeys = [:]
        }
        derivedIndexesSuspended = true
        version &+= 1
    }

    /// A copy that later writes to this state leave as it is, for a snapshot written in the background.
    ///
    /// The value parts are copied on write, each exact index is copied (its storage is shared until written), and
    /// the derived indexes are brought up to date and copied. Approximate indexes are left out (a snapshot saves
    /// those beside it, serialised when it starts).
    func frozen() -> StoreState {
        var copy = self
        for (name, slot) in slots { copy.slots[name] = VectorSlot(layout: slot.layout, exact: slot.exact.copy()) }
        copy.derived = DeferredIndexes(derived.current)
        return copy
    }

    /// Brings the derived indexes up to date once the log has replayed.
    ///
    /// Only the keys the log touched are updated when the snapshot stored the indexes; otherwise they are built
    /// from every object. The property and keyword indexes are done at once, on two threads when many objects changed.
    mutating func finishOpening() {
        precondition(derivedIndexesSuspended, "the derived indexes are brought up to date once, when a store opens")
        var removed: [(CollectionObject, UInt64)] = []
        var added: [(CollectionObject, UInt64)] = []
        if let replayedKeys {
            for (key, before) in replayedKeys {
                if let before = before.object { removed.append((before, key)) }
                if let id = idOfKey[key], let entry = objects[id] { added.append((entry.object, key)) }
            }
        } else {
            added = objects.values.map { ($0.object, $0.key) }
        }
        let change = DerivedChange(
            removed: removed,
            added: added,
            deletedKeys: replayedKeys.map { Array($0.keys) } ?? []
        )
        derived.modify { $0.apply([change]) }
        replayedKeys = nil
        derivedIndexesSuspended = false
    }

    /// While the log replays over stored derived indexes: notes that `key` changes, keeping what it held in the
    /// snapshot the first time.
    private mutating func noteReplayed(_ key: UInt64, before: CollectionObject?) {
        guard replayedKeys != nil, replayedKeys![key] == nil else { return }
        replayedKeys![key] = ReplayedKey(object: before)
    }

    private mutating func retain(_ object: CollectionObject) {
        for key in object.blobKeys { blobReferences[key, default: 0] += 1 }
    }

    private mutating func release(_ object: CollectionObject) {
        for key in object.blobKeys {
            let count = blobReferences[key, default: 0] - 1
            blobReferences[key] = count > 0 ? count : nil
        }
    }

    private mutating func removeVectors(key: UInt64) {
        for name in slots.keys {
            slots[name]!.exact.remove([key])
            slots[name]!.approximate?.remove([key])
            slots[name]!.changedDuringTraining?.insert(key)
        }
    }

    /// Adds a batch's new vectors of one named vector to its indexes at once.
    private mutating func addVectors(_ rows: NewVectors.Rows, to name: String) throws(RetrievalError) {
        guard var slot = slots[name] else { return }
        let keys = rows.keys.filter { $0 != NewVectors.removed }
        guard !keys.isEmpty else { return }
        do {
            var matrix = try VectorMatrix(dimension: slot.layout.dimension)
            matrix.reserveCapacity(keys.count)
            for (key, vector) in zip(rows.keys, rows.vectors) where key != NewVectors.removed {
                try matrix.append(vector)
            }
            try slot.exact.add(matrix, ids: keys)
            try slot.approximate?.add(matrix, ids: keys)
        } catch {
            throw RetrievalError(
                .index,
                "cannot index the vectors of \(keys.count) objects in \"\(name)\"",
                underlying: error
            )
        }
        slot.changedDuringTraining?.formUnion(keys)
        slots[name] = slot
    }

    // MARK: - Search

    func search(_ request: VectorStoreSearch, flatSearchCutoff: Int) throws(RetrievalError) -> [VectorStoreHit] {
        guard request.k > 0 else { return [] }
        let allowed = try request.filter.map { (filter) throws(RetrievalError) in try allowedKeys(filter) }
        if let allowed, allowed.isEmpty { return [] }
        let allowedCount = allowed?.count ?? objects.count
        var candidates = Set<UInt64>()
        for target in request.targets {
            guard let slot = slots[target.vector] else {
                throw RetrievalError(.unknownVector, "no named vector \"\(target.vector)\"")
            }
            let keys = try slot.nearest(
                target.query,
                k: request.k,
                allowed: allowed,
                allowedCount: allowedCount,
                flatSearchCutoff: flatSearchCutoff
            )
            for key in keys { candidates.insert(key) }
        }
        var hits: [VectorStoreHit] = []
        hits.reserveCapacity(candidates.count)
        for key in candidates {
            guard let id = idOfKey[key], let entry = objects[id] else { continue }
            var distances: [String: Float] = [:]
            for target in request.targets {
                let slot = slots[target.vector]!
                if let vector = slot.exact.vector(for: key) {
                    let score = slot.layout.metric.score(target.query, vector)
                    distances[target.vector] = slot.layout.reportedMetric.distance(fromScore: score)
                }
            }
            hits.append(
                VectorStoreHit(object: object(entry, withVectors: request.includeVectors), distances: distances)
            )
        }
        return hits
    }

    /// The keys of the objects that pass `filter`, from the inverted property index.
    func allowedKeys(_ filter: Filter) throws(RetrievalError) -> IDBitmap {
        try derived.read { (indexes) throws(RetrievalError) in
            try indexes.properties.keys(passing: filter, ids: objects)
        }
    }

    /// Keyword (BM25F) matches, best first, restricted to the objects that pass the filter.
    func keywordSearch(_ request: KeywordStoreSearch) throws(RetrievalError) -> [KeywordStoreHit] {
        let matches = try derived.read { (indexes) throws(RetrievalError) -> [KeywordMatch] in
            guard let keyword = indexes.keyword else {
                throw RetrievalError(
                    .unsupported,
                    "the collection has no keyword index (no text properties are indexed)"
                )
            }
            let allowed = try request.filter.map { (filter) throws(RetrievalError) in
                try indexes.properties.keys(passing: filter, ids: objects)
            }
            if let allowed, allowed.isEmpty { return [] }
            return try keyword.search(request.query, filter: allowed.map { SearchFilter(allowing: $0) })
        }
        return matches.compactMap { (match) -> KeywordStoreHit? in
            guard let id = idOfKey[match.key], let entry = objects[id] else { return nil }
            return KeywordStoreHit(object: object(entry, withVectors: request.includeVectors), score: match.score)
        }
    }

    /// The ids of the objects that pass `filter`, in ascending id order.
    func ids(passing filter: Filter) throws(RetrievalError) -> [UUID] {
        try allowedKeys(filter).ids.compactMap { idOfKey[$0] }.sorted(by: UUID.precedes)
    }
}

extension VectorSlot {
    /// The keys of the `k` nearest vectors among the allowed keys.
    ///
    /// With an approximate index, searches it (the allow-set pushed into its scan, re-ranked exactly by the refine
    /// factor), unless the allow-set holds no more than `flatSearchCutoff` keys or the approximate search returns
    /// fewer than `k` results while at least `k` objects are allowed: then it searches exactly. Without one it
    /// scans the exact index, testing the allow-set before scoring each row.
    func nearest(
        _ query: [Float],
        k: Int,
        allowed: IDBitmap? = nil,
        allowedCount: Int = .max,
        flatSearchCutoff: Int = 0
    ) throws(RetrievalError) -> [UInt64] {
        let filter = allowed.map { SearchFilter(allowing: $0) }
        do {
            if let approximate, case (_, let parameters)? = layout.index.approximate,
                allowed == nil || allowedCount > flatSearchCutoff
            {
                let wanted = k * max(1, parameters.refineFactor)
                let coarse = try approximate.search(
                    query,
                    k: wanted,
                    parameters: IVFPQSearchParameters(probeCount: parameters.probeCount, refineFactor: 1),
                    filter: filter
                )
                if allowed == nil || coarse.count >= min(k, allowedCount) {
                    guard parameters.refineFactor > 1 else { return coarse.map(\.id) }
                    let metric = layout.metric
                    var rescored = coarse.compactMap { hit in
                        exact.vector(for: hit.id).map { (hit.id, metric.score(query, $0)) }
                    }
                    rescored.sort { metric.higherIsBetter ? $0.1 > $1.1 : $0.1 < $1.1 }
                    return rescored.prefix(k).map(\.0)
                }
            }
            return try exact.search(query, k: k, filter: filter).map(\.id)
        } catch {
            throw RetrievalError(.index, "search in \"\(layout.name)\" failed", underlying: error)
        }
    }
}
