// SPDX-License-Identifier: Apache-2.0

/// Restricts a search to some ids.
///
/// The index applies the filter inside the scan, before a vector is scored. An exact index (``FlatIndex``) scans
/// every vector, so it returns `k` results whenever at least `k` stored vectors pass. An approximate index
/// filters only what it scans: ``IVFPQIndex`` looks at the ``IVFPQSearchParameters/probeCount`` lists nearest the
/// query, so a selective filter can leave fewer than `k` results even when more vectors pass elsewhere (raise
/// `probeCount`, or search a selective filter exactly).
///
/// ```swift
/// let even = SearchFilter { $0 % 2 == 0 }
/// var allowed = IDBitmap()
/// allowed.insert(7)
/// let onlySeven = SearchFilter(allowing: allowed)
/// ```
public struct SearchFilter: Sendable {
    enum Storage: Sendable {
        case predicate(@Sendable (UInt64) -> Bool)
        case bitmap(IDBitmap)
    }

    let storage: Storage

    /// A filter that keeps the ids for which `isIncluded` returns `true`.
    ///
    /// The closure is called once per candidate during the scan; keep it cheap and free of side effects.
    public init(_ isIncluded: @escaping @Sendable (UInt64) -> Bool) {
        storage = .predicate(isIncluded)
    }

    /// A filter that keeps exactly the ids in `allowed`.
    public init(allowing allowed: IDBitmap) {
        storage = .bitmap(allowed)
    }

    /// Whether `id` passes the filter.
    @inlinable
    public func includes(_ id: UInt64) -> Bool {
        _includes(id)
    }

    @usableFromInline
    func _includes(_ id: UInt64) -> Bool {
        switch storage {
        case .predicate(let isIncluded): isIncluded(id)
        case .bitmap(let bitmap): bitmap.contains(id)
        }
    }
}

/// A set of ids stored as one bit per id, for allow-lists over dense id ranges.
///
/// Memory is one bit per id up to the largest id inserted, so it suits ids that are row numbers or
/// database keys, not random 64-bit hashes (use a predicate filter over a `Set` for those).
public struct IDBitmap: Sendable, Hashable {
    private var words: [UInt64]

    /// Creates an empty bitmap.
    public init() {
        words = []
    }

    /// Creates a bitmap holding `ids`.
    public init(_ ids: some Sequence<UInt64>) {
        words = []
        for id in ids { insert(id) }
    }

    /// Adds `id`.
    ///
    /// - Complexity: O(1) amortised; grows storage to `id / 64 + 1` words.
    public mutating func insert(_ id: UInt64) {
        let word = Int(id >> 6)
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word - words.count + 1)) }
        words[word] |= 1 << (id & 63)
    }

    /// Removes `id` if present.
    public mutating func remove(_ id: UInt64) {
        let word = id >> 6
        guard word < UInt64(words.count) else { return }
        words[Int(word)] &= ~(1 << (id & 63))
    }

    /// Whether `id` is in the set.
    public func contains(_ id: UInt64) -> Bool {
        let word = id >> 6
        guard word < UInt64(words.count) else { return false }
        return words[Int(word)] & (1 << (id & 63)) != 0
    }

    /// The number of ids in the set.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Whether the bitmap holds no id.
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// The ids, in ascending order.
    public var ids: [UInt64] {
        var result: [UInt64] = []
        result.reserveCapacity(count)
        forEach { result.append($0) }
        return result
    }

    /// Calls `body` with each id, in ascending order.
    public func forEach(_ body: (UInt64) throws -> Void) rethrows {
        for (index, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                try body(UInt64(index) << 6 | UInt64(bits.trailingZeroBitCount))
                bits &= bits - 1
            }
        }
    }

    /// Adds every id of `other`.
    public mutating func formUnion(_ other: IDBitmap) {
        if other.words.count > words.count {
            words.append(contentsOf: repeatElement(0, count: other.words.count - words.count))
        }
        for i in other.words.indices { words[i] |= other.words[i] }
    }

    /// Keeps only the ids that `other` holds too.
    public mutating func formIntersection(_ other: IDBitmap) {
        if words.count > other.words.count { words.removeLast(words.count - other.words.count) }
        for i in words.indices { words[i] &= other.words[i] }
    }

    /// Removes every id of `other`.
    public mutating func subtract(_ other: IDBitmap) {
        for i in 0..<min(words.count, other.words.count) { words[i] &= ~other.words[i] }
    }
}
