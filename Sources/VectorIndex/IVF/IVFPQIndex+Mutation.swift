// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

extension IVFPQIndex {
    /// Adds `vectors` under `ids`, all or nothing.
    ///
    /// Each vector goes to its nearest list as the codes of its residual (and as a full vector when the
    /// configuration keeps them). Encoding runs on all cores before the lock is taken.
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
            let halves = configuration.storedVectors == .float16 ? prepared.values.map(HalfBits.narrow) : []
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
                append(prepared, ids: ids, lists: lists, codes: codes, halves: halves, to: &state)
                return true
            }
            if done { return }
        }
    }

    /// `listCount` empty lists shaped for this index.
    func emptyLists() -> [InvertedList] {
        [InvertedList](
            repeating: InvertedList(codeSize: configuration.subquantizerCount, dimension: dimension),
            count: configuration.listCount
        )
    }

    private func append(
        _ vectors: VectorMatrix,
        ids: [UInt64],
        lists: ContiguousArray<Int32>,
        codes: ContiguousArray<UInt8>,
        halves: [UInt16],
        to state: inout IVFPQState
    ) {
        let codeSize = configuration.subquantizerCount
        let d = dimension
        state.locations.reserve(state.locations.count + ids.count, lists: state.contents.lists)
        for (i, id) in ids.enumerated() {
            let list = Int(lists[i])
            let offset = state.contents.lists[list].count
            state.contents.lists[list].ids.append(contentsOf: CollectionOfOne(id))
            state.contents.lists[list].codes.append(contentsOf: codes[i * codeSize..<(i + 1) * codeSize])
            switch configuration.storedVectors {
            case .none: break
            case .float32: state.contents.lists[list].vectors.append(contentsOf: vectors.values[i * d..<(i + 1) * d])
            case .float16: state.contents.lists[list].halfVectors.append(contentsOf: halves[i * d..<(i + 1) * d])
            }
            state.locations.insert(id, at: IVFPQState.location(list: list, offset: offset), lists: state.contents.lists)
        }
        // The appends grew each list's last chunk geometrically; give the slack back once per touched list, so
        // a bulk add leaves the lists at their exact size (a later add to a list copies one chunk, at most
        // 256 entries, which encoding one vector outweighs).
        var touched = [Bool](repeating: false, count: state.contents.lists.count)
        for list in lists { touched[Int(list)] = true }
        for list in touched.indices where touched[list] { state.contents.lists[list].trim() }
    }
}
