// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

extension IVFPQIndex {
    /// Adds `vectors` under `ids`, all or nothing.
    ///
    /// Each vector goes to its nearest list as the codes of its residual (and as a stored vector when the
    /// configuration keeps them). Encoding runs on all cores before the lock is taken. With
    /// ``IVFPQConfiguration/StoredVectors/scalarQuantized8`` stored vectors, components outside the trained
    /// range are stored clamped to it.
    ///
    /// - Throws: ``VectorIndexError/Code/untrained`` before ``train(_:threads:)``; ``VectorIndexError/Code/dimensionMismatch``,
    ///   ``VectorIndexError/Code/invalidVector`` (NaN, infinity, a zero vector in a cosine index, or a component
    ///   beyond ±65504 when vectors are kept as Float16), ``VectorIndexError/Code/invalidArgument`` when the
    ///   counts differ, ``VectorIndexError/Code/duplicateID`` when an id is already stored or repeats.
    public func add(_ vectors: VectorMatrix, ids: [UInt64]) throws(VectorIndexError) {
        try insert(vectors, ids: ids, replacing: false)
    }

    /// Adds `vectors` under `ids`, replacing the vectors of ids that are already stored; all or nothing.
    ///
    /// - Throws: As ``add(_:ids:)``, except that stored ids are replaced instead of rejected.
    public func upsert(_ vectors: VectorMatrix, ids: [UInt64]) throws(VectorIndexError) {
        try insert(vectors, ids: ids, replacing: true)
    }

    /// Removes the vectors stored under `ids`; unknown ids are skipped.
    ///
    /// - Returns: How many vectors were removed.
    /// - Complexity: O(M + d) per removed vector: the last entry of its list moves into the hole.
    @discardableResult
    public func remove(_ ids: [UInt64]) -> Int {
        state.withLock { state in
            var removed = 0
            for id in ids where state.removeID(id) { removed += 1 }
            return removed
        }
    }

    /// Removes every vector and keeps the training.
    public func removeAll() {
        let empty = emptyLists()
        state.withLock { state in
            state.locations.removeAll()
            if state.contents.model != nil {
                state.contents.lists = empty
            }
        }
    }

    /// Gives back the growth slack that adds of a few vectors at a time leave in each list's last chunk (see
    /// ``memoryFootprint``), copying each list's last chunk at most once.
    ///
    /// - Complexity: O(lists + entries in the lists' last chunks).
    public func compact() {
        state.withLock { state in
            for list in state.contents.lists.indices { state.contents.lists[list].trim() }
        }
    }

    private func insert(_ vectors: VectorMatrix, ids: [UInt64], replacing: Bool) throws(VectorIndexError) {
        let prepared = try VectorValidation.prepare(vectors, ids: ids, dimension: dimension, metric: metric)
        if configuration.storedVectors == .float16,
            let bad = prepared.values.firstIndex(where: { abs($0) > HalfBits.greatestFiniteMagnitude })
        {
            let row = bad / dimension
            throw VectorIndexError(
                .invalidVector,
                "vector \(row) (id \(ids[row])) has a component beyond ±65504, the Float16 range of stored vectors"
            )
        }
        guard !ids.isEmpty else { return }
        // Encode outside the lock; retry if the model changed meanwhile (a concurrent train of an empty index).
        while true {
            let (model, generation) = state.withLock { ($0.contents.model, $0.generation) }
            guard let model else {
                throw VectorIndexError(.untrained, "train the index before adding vectors")
            }
            let (lists, codes) = model.encode(prepared, threads: Parallel.processorCount)
            let stored = StoredVectorCoding.encode(
                prepared,
                as: configuration.storedVectors,
                quantizer: model.vectorQuantizer
            )
            let done = try state.withLock { (state: inout IVFPQState) throws(VectorIndexError) -> Bool in
                guard state.generation == generation else { return false }
                if !replacing,
                    let existing = ids.first(where: {
                        state.locations.location(of: $0, in: state.contents.lists) != nil
                    })
                {
                    throw VectorIndexError(
                        .duplicateID,
                        "id \(existing) is already in the index; use upsert to replace"
                    )
                }
                if replacing {
                    for id in ids {
                        _ = state.removeID(id)
                    }
                }
                append(ids: ids, lists: lists, codes: codes, stored: stored, to: &state)
                return true
            }
            if done { return }
        }
    }

    /// `listCount` empty lists shaped for this index.
    func emptyLists() -> [InvertedList] {
        [InvertedList](
            repeating: InvertedList(
                codeSize: configuration.subquantizerCount,
                vectorBytes: dimension * configuration.storedVectors.componentBytes
            ),
            count: configuration.listCount
        )
    }

    /// Appends each vector to its list, a list's new entries in one append per column.
    ///
    /// A list's last chunk is reallocated at most once a call. A batch of at least `listCount` vectors sizes every list it grows
    /// exactly (no slack, no second copy; the copies cost at most `256 × listCount / batch` entries a vector);
    /// a smaller add grows a list's last chunk by a quarter unless it adds that much itself (see
    /// ``ChunkedRows/append(contentsOf:exact:)``), so single adds copy about four entries per entry added.
    private func append(
        ids: [UInt64],
        lists: ContiguousArray<Int32>,
        codes: ContiguousArray<UInt8>,
        stored: ContiguousArray<UInt8>,
        to state: inout IVFPQState
    ) {
        let codeSize = configuration.subquantizerCount
        let vectorBytes = dimension * configuration.storedVectors.componentBytes
        state.locations.reserve(state.locations.count + ids.count, lists: state.contents.lists)
        let exact = ids.count >= state.contents.lists.count
        // The batch's rows grouped by list (a counting sort, stable within a list).
        var starts = [Int](repeating: 0, count: state.contents.lists.count + 1)
        for list in lists { starts[Int(list) + 1] += 1 }
        for l in 0..<state.contents.lists.count { starts[l + 1] += starts[l] }
        var order = [Int](repeating: 0, count: ids.count)
        var next = starts
        for (i, list) in lists.enumerated() {
            order[next[Int(list)]] = i
            next[Int(list)] += 1
        }
        for list in 0..<state.contents.lists.count where starts[list + 1] > starts[list] {
            let rows = order[starts[list]..<starts[list + 1]]
            let offset = state.contents.lists[list].count
            state.contents.lists[list].ids.append(contentsOf: rows.map { ids[$0] }, exact: exact)
            state.contents.lists[list].codes.append(
                contentsOf: rows.flatMap { codes[$0 * codeSize..<($0 + 1) * codeSize] },
                exact: exact
            )
            if vectorBytes > 0 {
                state.contents.lists[list].vectors.append(
                    contentsOf: rows.flatMap { stored[$0 * vectorBytes..<($0 + 1) * vectorBytes] },
                    exact: exact
                )
            }
            for (j, row) in rows.enumerated() {
                state.locations.insert(
                    ids[row],
                    at: IVFPQState.location(list: list, offset: offset + j),
                    lists: state.contents.lists
                )
            }
        }
    }
}
