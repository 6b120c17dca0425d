// SPDX-License-Identifier: Apache-2.0

/// Keeps the `k` best `(key, id)` pairs seen so far in a bounded max-heap, where a smaller key is better.
///
/// Ties are broken deterministically: of two equal keys the lower id wins, so results never depend on the
/// order rows were scanned in. Callers that rank by "higher is better" (inner product) push the negated score.
///
/// - Complexity: `push` is O(log k) when the pair enters the heap and O(1) when it is rejected.
package struct TopK: Sendable {
    /// The number of pairs kept.
    package let k: Int
    @usableFromInline var keys: [Float]
    @usableFromInline var ids: [UInt64]

    /// Creates an empty selection that keeps the best `k` pairs.
    ///
    /// - Precondition: `k >= 0`.
    package init(k: Int) {
        precondition(k >= 0, "k must not be negative")
        self.k = k
        keys = []
        ids = []
        keys.reserveCapacity(k)
        ids.reserveCapacity(k)
    }

    /// The number of pairs currently held (at most `k`).
    package var count: Int { keys.count }

    /// The worst key held once the heap is full (`+infinity` until then): anything not better is rejected.
    @inlinable
    package var threshold: Float { keys.count < k ? .infinity : keys[0] }

    /// Whether `(a, ida)` ranks after `(b, idb)`.
    @inlinable
    static func isWorse(_ a: Float, _ ida: UInt64, than b: Float, _ idb: UInt64) -> Bool {
        a > b || (a == b && ida > idb)
    }

    /// Offers a pair; it is kept if it ranks among the best `k` seen so far.
    @inlinable
    package mutating func push(_ key: Float, id: UInt64) {
        if keys.count < k {
            keys.append(key)
            ids.append(id)
            siftUp(keys.count - 1)
        } else if k > 0 && Self.isWorse(keys[0], ids[0], than: key, id) {
            keys[0] = key
            ids[0] = id
            siftDown(0)
        }
    }

    @usableFromInline
    mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.isWorse(keys[child], ids[child], than: keys[parent], ids[parent]) else { break }
            keys.swapAt(child, parent)
            ids.swapAt(child, parent)
            child = parent
        }
    }

    @usableFromInline
    mutating func siftDown(_ index: Int) {
        var parent = index
        let n = keys.count
        while true {
            let left = 2 * parent + 1
            guard left < n else { break }
            var worst = left
            let right = left + 1
            if right < n && Self.isWorse(keys[right], ids[right], than: keys[left], ids[left]) { worst = right }
            guard Self.isWorse(keys[worst], ids[worst], than: keys[parent], ids[parent]) else { break }
            keys.swapAt(worst, parent)
            ids.swapAt(worst, parent)
            parent = worst
        }
    }

    /// Merges another selection's pairs into this one.
    package mutating func merge(_ other: TopK) {
        for i in 0..<other.keys.count { push(other.keys[i], id: other.ids[i]) }
    }

    /// The ids held, in heap order (not sorted).
    package var unorderedIDs: [UInt64] { ids }

    /// The pairs held, best first (ascending key, then ascending id).
    package func sorted() -> [(key: Float, id: UInt64)] {
        zip(keys, ids).map { (key: $0, id: $1) }.sorted { a, b in Self.isWorse(b.key, b.id, than: a.key, a.id) }
    }
}
