// SPDX-License-Identifier: Apache-2.0

import VectorIndex

import struct Foundation.Date
import struct Foundation.UUID

/// The inverted property index of a ``LocalVectorStore``: for every property and value, the sorted keys of the
/// objects holding it, plus each field's distinct values in order for range conditions.
///
/// It is derived from the stored objects (the log and snapshots make those durable) and kept up to date batch by
/// batch, so a filter is answered from posting lists and never by reading every object.
struct PropertyIndex: Sendable {
    /// The keys of every stored object.
    var all = IDBitmap()
    /// Per property name, the keys of the objects that have it.
    var present: [String: IDBitmap] = [:]
    /// Text and text-array elements by ``TextKey`` (canonical composition, UTF-8 order).
    var text: [String: Postings<TextKey>] = [:]
    var integer: [String: Postings<Int64>] = [:]
    var double: [String: Postings<Double>] = [:]
    var bool: [String: Postings<UInt8>] = [:]
    var date: [String: Postings<Double>] = [:]
    var uuid: [String: Postings<OrderedUUID>] = [:]
    var blob: [String: Postings<TextKey>] = [:]
    /// Creation and update times as seconds since the reference date.
    var createdAt = Postings<Double>()
    var updatedAt = Postings<Double>()

    // MARK: - Writes

    /// Removes `removed` objects and adds `added` ones (each with its key), then re-sorts the distinct values of
    /// every field whose set of values changed.
    mutating func update(removing removed: [(CollectionObject, UInt64)], adding added: [(CollectionObject, UInt64)]) {
        for (object, key) in removed { edit(object, key: key, adding: false) }
        for (object, key) in added { edit(object, key: key, adding: true) }
        createdAt.finishBatch()
        updatedAt.finishBatch()
        for name in text.keys { text[name]!.finishBatch() }
        for name in integer.keys { integer[name]!.finishBatch() }
        for name in double.keys { double[name]!.finishBatch() }
        for name in bool.keys { bool[name]!.finishBatch() }
        for name in date.keys { date[name]!.finishBatch() }
        for name in uuid.keys { uuid[name]!.finishBatch() }
        for name in blob.keys { blob[name]!.finishBatch() }
    }

    private mutating func edit(_ object: CollectionObject, key: UInt64, adding: Bool) {
        if adding { all.insert(key) } else { all.remove(key) }
        createdAt.edit(object.createdAt.timeIntervalSinceReferenceDate, key: key, adding: adding)
        updatedAt.edit(object.updatedAt.timeIntervalSinceReferenceDate, key: key, adding: adding)
        for (name, value) in object.properties {
            if adding { present[name, default: IDBitmap()].insert(key) } else { present[name]?.remove(key) }
            switch value {
            case .text(let value): text[name, default: Postings()].edit(TextKey(value), key: key, adding: adding)
            case .integer(let value): integer[name, default: Postings()].edit(value, key: key, adding: adding)
            case .double(let value): double[name, default: Postings()].edit(value, key: key, adding: adding)
            case .bool(let value): bool[name, default: Postings()].edit(value ? 1 : 0, key: key, adding: adding)
            case .date(let value):
                date[name, default: Postings()].edit(value.timeIntervalSinceReferenceDate, key: key, adding: adding)
            case .uuid(let value): uuid[name, default: Postings()].edit(OrderedUUID(value), key: key, adding: adding)
            case .blob(let value): blob[name, default: Postings()].edit(TextKey(value.key), key: key, adding: adding)
            case .textArray(let values):
                // Canonically equivalent elements are one key, like equal ones.
                for element in Set(values.map { TextKey($0) }) {
                    text[name, default: Postings()].edit(element, key: key, adding: adding)
                }
            }
        }
    }

    // MARK: - Evaluating

    /// The keys of the objects that pass `filter`.
    ///
    /// - Parameters:
    ///   - filter: The filter.
    ///   - ids: The stored objects by id, for conditions on ``FilterField/id``.
    /// - Returns: The allowed keys.
    /// - Throws: ``RetrievalError/Code/invalidQuery`` for an operator a value's type does not have or a wrong
    ///   number of operands.
    func keys(
        passing filter: Filter,
        ids: [UUID: StoredEntry]
    ) throws(RetrievalError) -> IDBitmap {
        switch filter {
        case .and(let filters):
            var result = all
            for filter in filters {
                result.formIntersection(try keys(passing: filter, ids: ids))
                if result.isEmpty { break }
            }
            return result
        case .or(let filters):
            var result = IDBitmap()
            for filter in filters { result.formUnion(try keys(passing: filter, ids: ids)) }
            return result
        case .not(let filter):
            var result = all
            result.subtract(try keys(passing: filter, ids: ids))
            return result
        case .condition(let condition):
            return try keys(passing: condition, ids: ids)
        }
    }

    private func keys(passing condition: FilterCondition, ids: [UUID: StoredEntry]) throws(RetrievalError) -> IDBitmap {
        let op = condition.operator
        let values = condition.values
        let field = condition.field
        switch op {
        case .isNull:
            guard case .property(let name) = field, values.count == 1, case .bool(let isNull) = values[0] else {
                throw RetrievalError(.invalidQuery, "isNull on \(field) needs one boolean operand")
            }
            let present = present[name] ?? IDBitmap()
            guard isNull else { return present }
            var result = all
            result.subtract(present)
            return result
        case .notEqual:
            var result = all
            result.subtract(try keys(passing: FilterCondition(field, .equal, values), ids: ids))
            return result
        case .containsNone:
            var result = all
            result.subtract(try keys(passing: FilterCondition(field, .containsAny, values), ids: ids))
            return result
        case .containsAny, .containsAll:
            guard !values.isEmpty else {
                return op == .containsAll ? all : IDBitmap()
            }
            var result = op == .containsAll ? all : IDBitmap()
            for value in values {
                let matching = try keys(passing: FilterCondition(field, .equal, [value]), ids: ids)
                if op == .containsAll { result.formIntersection(matching) } else { result.formUnion(matching) }
            }
            return result
        case .equal, .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual, .like:
            guard values.count == 1 else {
                throw RetrievalError(.invalidQuery, "\(op.rawValue) on \(field) needs one operand, not \(values.count)")
            }
            return try keys(field, op, values[0], ids: ids)
        }
    }

    /// A one-operand comparison.
    private func keys(
        _ field: FilterField,
        _ op: FilterCondition.Operator,
        _ value: PropertyValue,
        ids: [UUID: StoredEntry]
    ) throws(RetrievalError) -> IDBitmap {
        let range = Bound(op)
        switch (field, value) {
        case (.id, .uuid(let id)):
            guard op != .like else { throw RetrievalError(.invalidQuery, "like compares text, not ids") }
            if op == .equal { return IDBitmap(ids[id].map { [$0.key] } ?? []) }
            let bound = OrderedUUID(id)
            return IDBitmap(ids.values.lazy.filter { range!.contains(OrderedUUID($0.object.id), bound) }.map(\.key))
        case (.createdAt, .date(let date)), (.updatedAt, .date(let date)):
            let postings = field == .createdAt ? createdAt : updatedAt
            return try postings.keys(op, date.timeIntervalSinceReferenceDate, field: field)
        case (.property(let name), _):
            switch value {
            case .text(let value):
                // Compared in the index's form: composed, so that canonically equivalent spellings are one value.
                let key = TextKey(value)
                if op == .like { return text[name]?.keys(matching: key) ?? IDBitmap() }
                return try text[name]?.keys(op, key, field: field) ?? IDBitmap()
            case .integer(let value):
                var result = try integer[name]?.keys(op, value, field: field) ?? IDBitmap()
                if let doubles = double[name] { result.formUnion(try doubles.keys(op, Double(value), field: field)) }
                return result
            case .double(let value):
                guard value.isFinite else { throw RetrievalError(.invalidQuery, "\(field): \(value) is not finite") }
                var result = try double[name]?.keys(op, value, field: field) ?? IDBitmap()
                if let integers = integer[name] { result.formUnion(try integers.keys(op, value, field: field)) }
                return result
            case .bool(let value):
                guard op == .equal else { throw RetrievalError(.invalidQuery, "\(field): booleans only compare equal") }
                return try bool[name]?.keys(.equal, value ? 1 : 0, field: field) ?? IDBitmap()
            case .date(let value):
                return try date[name]?.keys(op, value.timeIntervalSinceReferenceDate, field: field) ?? IDBitmap()
            case .uuid(let value):
                return try uuid[name]?.keys(op, OrderedUUID(value), field: field) ?? IDBitmap()
            case .blob(let value):
                guard op == .equal else { throw RetrievalError(.invalidQuery, "\(field): blobs only compare equal") }
                return try blob[name]?.keys(.equal, TextKey(value.key), field: field) ?? IDBitmap()
            case .textArray:
                throw RetrievalError(.invalidQuery, "\(field): compare with single values, not a text array")
            }
        default:
            throw RetrievalError(.typeMismatch, "\(field) cannot be compared with \(value.type) \(value)")
        }
    }
}

/// Which side of a bound a range condition keeps.
private enum Bound {
    case below, atOrBelow, above, atOrAbove

    init?(_ op: FilterCondition.Operator) {
        switch op {
        case .lessThan: self = .below
        case .lessThanOrEqual: self = .atOrBelow
        case .greaterThan: self = .above
        case .greaterThanOrEqual: self = .atOrAbove
        default: return nil
        }
    }

    func contains<T: Comparable>(_ value: T, _ bound: T) -> Bool {
        switch self {
        case .below: value < bound
        case .atOrBelow: value <= bound
        case .above: value > bound
        case .atOrAbove: value >= bound
        }
    }
}

/// A UUID ordered by its bytes.
struct OrderedUUID: Hashable, Comparable, Sendable {
    let high: UInt64
    let low: UInt64

    init(_ id: UUID) {
        (high, low) = id.orderKey
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    static func < (a: OrderedUUID, b: OrderedUUID) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

/// `*` and `?` wildcard matching over Unicode scalars.
enum Wildcard {
    /// Whether `text` matches `pattern` as a whole: `*` matches any run of scalars (also none), `?` one scalar.
    ///
    /// - Complexity: O(text × pattern) in the worst case, without recursion.
    static func matches(_ text: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> Bool {
        var t = 0
        var p = 0
        var star: Int?
        var resume = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == "?" || (pattern[p] != "*" && pattern[p] == text[t])) {
                t += 1
                p += 1
            } else if p < pattern.count && pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}

extension RandomAccessCollection {
    /// The index of the first element for which `isAbove` is true, where `isAbove` is false then true along the
    /// collection.
    func partitionPoint(_ isAbove: (Element) -> Bool) -> Index {
        var low = startIndex
        var length = count
        while length > 0 {
            let half = length / 2
            let middle = index(low, offsetBy: half)
            if isAbove(self[middle]) {
                length = half
            } else {
                low = index(after: middle)
                length -= half + 1
            }
        }
        return low
    }
}
