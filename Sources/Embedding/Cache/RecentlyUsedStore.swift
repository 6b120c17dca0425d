// SPDX-License-Identifier: Apache-2.0

/// A map from keys to vectors that keeps at most `capacity` entries, evicting the least recently used.
///
/// Entries live in parallel arrays linked into a doubly linked list (most recent at the head), so lookups,
/// insertions and evictions are O(1) with no per-entry allocation beyond the vector itself.
struct RecentlyUsedStore<Key: Hashable> {
    let capacity: Int
    private var slots: [Key: Int] = [:]
    private var keys: [Key?] = []
    private var values: [[Float]] = []
    private var previous: [Int] = []
    private var next: [Int] = []
    private var head = -1
    private var tail = -1
    private var free: [Int] = []

    /// - Precondition: `capacity >= 0`.
    init(capacity: Int) {
        precondition(capacity >= 0, "capacity must not be negative")
        self.capacity = capacity
    }

    var count: Int { slots.count }

    /// The vector stored for `key`, which becomes the most recently used; `nil` when absent.
    mutating func value(for key: Key) -> [Float]? {
        guard let slot = slots[key] else { return nil }
        moveToFront(slot)
        return values[slot]
    }

    /// Stores `value` for `key` as the most recently used entry, evicting the oldest when full.
    mutating func insert(_ value: [Float], for key: Key) {
        guard capacity > 0 else { return }
        if let slot = slots[key] {
            values[slot] = value
            moveToFront(slot)
            return
        }
        if slots.count == capacity, tail >= 0 {
            let oldest = tail
            unlink(oldest)
            if let old = keys[oldest] { slots[old] = nil }
            keys[oldest] = nil
            values[oldest] = []
            free.append(oldest)
        }
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            keys[slot] = key
            values[slot] = value
        } else {
            slot = keys.count
            keys.append(key)
            values.append(value)
            previous.append(-1)
            next.append(-1)
        }
        slots[key] = slot
        linkAtFront(slot)
    }

    /// Forgets every entry.
    mutating func removeAll() {
        self = RecentlyUsedStore(capacity: capacity)
    }

    private mutating func moveToFront(_ slot: Int) {
        guard head != slot else { return }
        unlink(slot)
        linkAtFront(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let p = previous[slot]
        let n = next[slot]
        if p >= 0 { next[p] = n } else { head = n }
        if n >= 0 { previous[n] = p } else { tail = p }
        previous[slot] = -1
        next[slot] = -1
    }

    private mutating func linkAtFront(_ slot: Int) {
        previous[slot] = -1
        next[slot] = head
        if head >= 0 { previous[head] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }
}
