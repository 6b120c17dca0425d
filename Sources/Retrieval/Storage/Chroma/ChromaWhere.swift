// SPDX-License-Identifier: Apache-2.0

import Foundation

/// What a ``Filter`` becomes in Chroma: every object, no object, or a `where` clause on metadata.
enum ChromaWhere: Sendable, Hashable {
    /// The filter holds for every object: send no `where`.
    case all
    /// The filter holds for no object: send nothing, answer empty.
    case none
    /// A `where` clause (one key per object: Chroma rejects several top-level keys).
    case clause(ChromaJSON)
}

/// Translates filters into Chroma's `where` language, exactly or not at all.
///
/// Chroma's `$ne`, `$nin` and `$not_contains` match records without the key (checked against the server), so
/// ``FilterCondition/Operator/notEqual`` and ``FilterCondition/Operator/containsNone`` keep their null semantics.
/// Chroma has no null test, no wildcard match on metadata and orders only numbers, and it compares an integer field
/// only with integer operands; a condition it cannot express exactly throws ``RetrievalError/Code/unsupported``
/// naming the operator.
struct ChromaFilterTranslator: Sendable {
    /// The declared property types (a property not declared takes its operand's type).
    let propertyTypes: [String: PropertyType]

    /// The metadata keys the adapter reserves.
    static let idKey = "rag:id"
    static let createdKey = "rag:created"
    static let updatedKey = "rag:updated"

    func translate(_ filter: Filter) throws(RetrievalError) -> ChromaWhere {
        switch filter {
        case .and(let filters):
            var clauses: [ChromaJSON] = []
            for filter in filters {
                switch try translate(filter) {
                case .none: return .none
                case .all: continue
                case .clause(let clause): clauses.append(clause)
                }
            }
            return Self.combine("$and", clauses, empty: .all)
        case .or(let filters):
            var clauses: [ChromaJSON] = []
            for filter in filters {
                switch try translate(filter) {
                case .all: return .all
                case .none: continue
                case .clause(let clause): clauses.append(clause)
                }
            }
            return Self.combine("$or", clauses, empty: .none)
        case .not(let inner):
            return try translate(try Self.negated(inner))
        case .condition(let condition):
            return try translate(condition)
        }
    }

    private static func combine(_ op: String, _ clauses: [ChromaJSON], empty: ChromaWhere) -> ChromaWhere {
        switch clauses.count {
        case 0: empty
        case 1: .clause(clauses[0])
        default: .clause(.object([(op, .array(clauses))]))
        }
    }

    /// `!filter` rewritten without `not`, where an exact rewrite exists.
    static func negated(_ filter: Filter) throws(RetrievalError) -> Filter {
        switch filter {
        case .not(let inner): return inner
        case .and(let filters):
            var negated: [Filter] = []
            for filter in filters { negated.append(try Self.negated(filter)) }
            return .or(negated)
        case .or(let filters):
            var negated: [Filter] = []
            for filter in filters { negated.append(try Self.negated(filter)) }
            return .and(negated)
        case .condition(var condition):
            switch condition.operator {
            case .equal: condition.operator = .notEqual
            case .notEqual: condition.operator = .equal
            case .containsAny: condition.operator = .containsNone
            case .containsNone: condition.operator = .containsAny
            default:
                throw RetrievalError(
                    .unsupported,
                    "Chroma cannot express `not` over \(condition.operator.rawValue) on \(condition.field) exactly "
                        + "(its negation would drop objects where the field is null)"
                )
            }
            return .condition(condition)
        }
    }

    // MARK: - Conditions

    private func translate(_ condition: FilterCondition) throws(RetrievalError) -> ChromaWhere {
        let (key, type) = field(condition)
        let op = condition.operator
        func unsupported(_ why: String) -> RetrievalError {
            RetrievalError(.unsupported, "Chroma cannot express \(op.rawValue) on \(condition.field): \(why)")
        }
        if type == .blob { throw unsupported("blob properties are not filterable in Chroma metadata") }
        func single(_ clause: String, _ value: ChromaJSON) -> ChromaWhere {
            .clause(.object([(key, .object([(clause, value)]))]))
        }
        switch op {
        case .like: throw unsupported("Chroma has no wildcard match on metadata")
        case .isNull: throw unsupported("Chroma has no null test")
        case .equal, .notEqual:
            guard condition.values.count == 1 else { throw unsupported("it takes exactly one value") }
            let isEqual = op == .equal
            guard let value = try operand(condition.values[0], type: type, condition) else {
                return isEqual ? .none : .all  // a fraction never equals an integer
            }
            if type == .textArray { return single(isEqual ? "$contains" : "$not_contains", value) }
            return single(isEqual ? "$eq" : "$ne", value)
        case .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual:
            guard [.integer, .double, .date].contains(type) else {
                throw unsupported("Chroma orders only numbers, not \(type) values")
            }
            guard condition.values.count == 1 else { throw unsupported("it takes exactly one value") }
            return try ordered(op, key: key, type: type, condition.values[0], condition)
        case .containsAny, .containsAll, .containsNone:
            var values: [ChromaJSON] = []
            var skipped = false
            for value in condition.values {
                if let value = try operand(value, type: type, condition) {
                    if !values.contains(value) { values.append(value) }
                } else {
                    skipped = true
                }
            }
            switch op {
            case .containsAny:
                if values.isEmpty { return .none }
                if type == .textArray { return Self.combine("$or", values.map(containsClause(key)), empty: .none) }
                return single("$in", .array(values))
            case .containsAll:
                if skipped { return .none }
                if values.isEmpty { return .all }
                if type == .textArray { return Self.combine("$and", values.map(containsClause(key)), empty: .all) }
                return values.count == 1 ? single("$eq", values[0]) : .none
            default:
                if values.isEmpty { return .all }
                if type == .textArray {
                    let clauses = values.map { ChromaJSON.object([(key, .object([("$not_contains", $0)]))]) }
                    return Self.combine("$and", clauses, empty: .all)
                }
                return single("$nin", .array(values))
            }
        }
    }

    private func containsClause(_ key: String) -> (ChromaJSON) -> ChromaJSON {
        { .object([(key, .object([("$contains", $0)]))]) }
    }

    private func field(_ condition: FilterCondition) -> (String, PropertyType) {
        switch condition.field {
        case .id: (Self.idKey, .uuid)
        case .createdAt: (Self.createdKey, .date)
        case .updatedAt: (Self.updatedKey, .date)
        case .property(let name): (name, propertyTypes[name] ?? condition.values.first?.type ?? .text)
        }
    }

    /// The operand as stored for a field of `type`, or `nil` for a fraction compared with an integer field.
    private func operand(
        _ value: PropertyValue,
        type: PropertyType,
        _ condition: FilterCondition
    ) throws(RetrievalError) -> ChromaJSON? {
        switch (type, value) {
        case (.integer, .integer(let v)): return .int(v)
        case (.integer, .double(let d)):
            guard d.rounded() == d else { return nil }
            guard let v = Int64(exactly: d) else { throw tooLarge(condition) }
            return .int(v)
        case (.double, .double(let d)): return .double(d)
        case (.double, .integer(let v)):
            guard let d = Double(exactly: v) else { throw tooLarge(condition) }
            return .double(d)
        case (.date, .date(let d)): return .double(d.timeIntervalSince1970)
        case (.text, .text(let s)), (.textArray, .text(let s)): return .string(s)
        case (.bool, .bool(let b)): return .bool(b)
        case (.uuid, .uuid(let u)): return .string(u.uuidString)
        default:
            throw RetrievalError(
                .typeMismatch,
                "\(condition.field) is a \(type) field; \(condition.operator.rawValue) got a \(value.type) value"
            )
        }
    }

    private func tooLarge(_ condition: FilterCondition) -> RetrievalError {
        RetrievalError(
            .unsupported,
            "Chroma cannot express \(condition.operator.rawValue) on \(condition.field) exactly: the operand is "
                + "beyond the exactly representable range of the other number type"
        )
    }

    private func ordered(
        _ op: FilterCondition.Operator,
        key: String,
        type: PropertyType,
        _ value: PropertyValue,
        _ condition: FilterCondition
    ) throws(RetrievalError) -> ChromaWhere {
        var op = op
        var operand: ChromaJSON
        if type == .integer, case .double(let d) = value, d.rounded() != d {
            // n < 2.5 ⇔ n ≤ 2 and n > 2.5 ⇔ n ≥ 3 for integers.
            let below = op == .lessThan || op == .lessThanOrEqual
            let bound = below ? d.rounded(.down) : d.rounded(.up)
            guard d.isFinite else { return (d > 0) == below ? .all : .none }
            guard let v = Int64(exactly: bound) else { throw tooLarge(condition) }
            op = below ? .lessThanOrEqual : .greaterThanOrEqual
            operand = .int(v)
        } else {
            guard let converted = try self.operand(value, type: type, condition) else { return .none }
            operand = converted
        }
        let name =
            switch op {
            case .lessThan: "$lt"
            case .lessThanOrEqual: "$lte"
            case .greaterThan: "$gt"
            default: "$gte"
            }
        return .clause(.object([(key, .object([(name, operand)]))]))
    }
}
