// SPDX-License-Identifier: Apache-2.0

import VectorIndex

/// The posting lists of one field: `(value, key)` pairs sorted by value, then key, so a value's keys are a
/// contiguous ascending run and a range of values is a slice (no allocation per value, which matters for fields
/// where nearly every object has its own value, like timestamps).
///
/// The pairs are kept in two sorted runs: `base` with most of them and `recent` with the latest inserts. A batch
/// merges into `recent`, and `recent` into `base` once it holds an eighth as many pairs, so inserting costs a few
/// moves per pair on average instead of rewriting every field on every batch. A batch that removes pairs merges
/// everything into `base` at once. Lookups consult both runs.
struct Postings<Value: StoredPostingValue>: Sendable {
    private(set) var base = Run()
    private(set) var recent = Run()
    /// The edits of the batch being applied, merged in by ``finishBatch()``.
    private(set) var added: [Pair] = []
    private(set) var removed: Set<Pair> = []

    struct Pair: Hashable, Comparable, Sendable {
        var value: Value
        var key: UInt64

        static func < (a: Pair, b: Pair) -> Bool { Run.precedes(a.value, a.key, b.value, b.key) }
    }

    /// Pairs sorted by value, then key, as parallel arrays.
    struct Run: Sendable {
        private(set) var values: [Value] = []
        private(set) var keys: [UInt64] = []
        /// Each value's ``StoredPostingValue/sortPrefix(_:)`` (``noPrefix`` when it has none), kept so that merges
        /// decide most comparisons on integers; empty for value types that have no prefixes.
        private(set) var prefixes: [UInt64] = []

        /// Marks a value without a sort prefix (a prefix is made of UTF-8 bytes, so it is never all ones).
        static var noPrefix: UInt64 { .max }

        var count: Int { values.count }

        init() {}

        /// A run of sorted pairs.
        init(values: [Value], keys: [UInt64]) {
            self.values = values
            self.keys = keys
            if Value.hasSortPrefixes { prefixes = values.map { Value.sortPrefix($0) ?? Self.noPrefix } }
        }

        /// This run and `other` merged, without the pairs in `removed`.
        func merging(_ other: Run, removing removed: Set<Pair>) -> Run {
            var merged = Run()
            merged.values.reserveCapacity(count + other.count)
            merged.keys.reserveCapacity(count + other.count)
            let withPrefixes = Value.hasSortPrefixes
            if withPrefixes { merged.prefixes.reserveCapacity(count + other.count) }
            var (i, j) = (0, 0)
            while i < count || j < other.count {
                if i == count || (j < other.count && other.precedes(j, self, i)) {
                    merged.take(j, of: other, unless: removed, withPrefix: withPrefixes)
                    j += 1
                } else {
                    merged.take(i, of: self, unless: removed, withPrefix: withPrefixes)
                    i += 1
                }
            }
            return merged
        }

        /// Appends pair `index` of `run` unless it is in `removed`.
        @inline(__always)
        private mutating func take(_ index: Int, of run: Run, unless removed: Set<Pair>, withPrefix: Bool) {
            guard removed.isEmpty || !removed.contains(Pair(value: run.values[index], key: run.keys[index])) else {
                return
            }
            values.append(run.values[index])
            keys.append(run.keys[index])
            if withPrefix { prefixes.append(run.prefixes[index]) }
        }

        /// Whether pair `i` of this run sorts before pair `j` of `other`: by the sort prefixes when both have one
        /// and they differ (a smaller prefix means a smaller value), otherwise by the values, then the keys.
        @inline(__always)
        private func precedes(_ i: Int, _ other: Run, _ j: Int) -> Bool {
            if !prefixes.isEmpty {
                let (p, q) = (prefixes[i], other.prefixes[j])
                if p != q && p != Self.noPrefix && q != Self.noPrefix { return p < q }
            }
            // Compared in place: building `Pair`s would copy (and retain) every text value compared.
            return Self.precedes(values[i], keys[i], other.values[j], other.keys[j])
        }

        /// Whether `(value, key)` sorts before `(otherValue, otherKey)`.
        @inline(__always)
        static func precedes(_ value: Value, _ key: UInt64, _ otherValue: Value, _ otherKey: UInt64) -> Bool {
            value < otherValue || (key < otherKey && value == otherValue)
        }
    }

    mutating func edit(_ value: Value, key: UInt64, adding: Bool) {
        let pair = Pair(value: value, key: key)
        if adding {
            added.append(pair)
        } else if let i = added.firstIndex(of: pair) {
            added.remove(at: i)
        } else {
            removed.insert(pair)
        }
    }

    /// Applies the batch's edits: the added pairs go into `recent` (O(recent + b log b)), which moves into `base`
    /// when it has grown; removals rebuild `base` (O(n)).
    mutating func finishBatch() {
        guard !added.isEmpty || !removed.isEmpty else { return }
        // A pair removed and added again in one batch (an update that kept the value) stays where it is.
        var fresh = removed.isEmpty ? added : added.filter { removed.remove($0) == nil }
        Self.sort(&fresh)
        let batch = Run(values: fresh.map(\.value), keys: fresh.map(\.key))
        if removed.isEmpty {
            recent = recent.merging(batch, removing: [])
            if recent.count > max(1024, base.count / 8) { mergeRecent() }
        } else {
            base = base.merging(recent.merging(batch, removing: removed), removing: removed)
            recent = Run()
        }
        added.removeAll()
        removed.removeAll()
    }

    /// Sorts pairs, comparing the values' sort prefixes first when every value has one.
    static func sort(_ pairs: inout [Pair]) {
        var prefixes: [UInt64] = []
        prefixes.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let prefix = Value.sortPrefix(pair.value) else { return pairs.sort() }
            prefixes.append(prefix)
        }
        var order = Array(pairs.indices)
        order.sort { i, j in
            prefixes[i] < prefixes[j] || (prefixes[i] == prefixes[j] && pairs[i] < pairs[j])
        }
        pairs = order.map { pairs[$0] }
    }

    /// Moves `recent` into `base`.
    private mutating func mergeRecent() {
        base = base.merging(recent, removing: [])
        recent = Run()
    }

    /// All pairs as one run (between batches).
    var merged: Run { recent.count == 0 ? base : base.merging(recent, removing: []) }

    /// Postings holding the sorted pairs `run` (read from a snapshot).
    init(_ run: Run = Run()) {
        base = run
    }

    /// The keys whose value compares with `bound` as `op` asks (equal or a range).
    func keys(_ op: FilterCondition.Operator, _ bound: Value, field: FilterField) throws(RetrievalError) -> IDBitmap {
        try keys(op, field: field) {
            $0 < bound
        } isAbove: {
            $0 > bound
        }
    }

    /// The keys of the integer values that compare with a fractional bound as `op` asks.
    func keys(_ op: FilterCondition.Operator, _ bound: Double, field: FilterField) throws(RetrievalError) -> IDBitmap
    where Value == Int64 {
        // Integers convert to doubles in order, so the sorted values stay sorted as doubles.
        try keys(op, field: field) {
            Double($0) < bound
        } isAbove: {
            Double($0) > bound
        }
    }

    /// The keys on the side of a bound that `op` asks for, in both runs.
    private func keys(
        _ op: FilterCondition.Operator,
        field: FilterField,
        isBelow: (Value) -> Bool,
        isAbove: (Value) -> Bool
    ) throws(RetrievalError) -> IDBitmap {
        let comparisons: [FilterCondition.Operator] = [
            .equal, .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual,
        ]
        guard comparisons.contains(op) else {
            throw RetrievalError(.invalidQuery, "\(field): \(op.rawValue) does not apply to \(Value.self) values")
        }
        var result = IDBitmap()
        for run in [base, recent] where run.count > 0 {
            let values = run.values
            let lower = values.partitionPoint { !isBelow($0) }
            let upper = values[lower...].partitionPoint(isAbove)
            let range =
                switch op {
                case .equal: lower..<upper
                case .lessThan: 0..<lower
                case .lessThanOrEqual: 0..<upper
                case .greaterThan: upper..<values.count
                default: lower..<values.count
                }
            for i in range { result.insert(run.keys[i]) }
        }
        return result
    }

    /// The keys of the text values that match a `*` / `?` wildcard pattern as a whole, both composed (so `?`
    /// stands for one scalar of the composed form).
    func keys(matching pattern: TextKey) -> IDBitmap where Value == TextKey {
        let compiled = Array(pattern.text.unicodeScalars)
        var result = IDBitmap()
        for run in [base, recent] {
            var matches = false
            for i in run.values.indices {
                if i == 0 || run.values[i] != run.values[i - 1] {
                    matches = Wildcard.matches(Array(run.values[i].text.unicodeScalars), compiled)
                }
                if matches { result.insert(run.keys[i]) }
            }
        }
        return result
    }
}
