// SPDX-License-Identifier: Apache-2.0

extension CollectionSchema {
    /// Checks a filter against the schema: every property exists, every operand has a type the field compares
    /// with, and every operator applies to the field's type.
    ///
    /// - Throws: ``RetrievalError/Code/unknownProperty``, ``RetrievalError/Code/typeMismatch`` or
    ///   ``RetrievalError/Code/invalidQuery``, naming the field.
    func validate(_ filter: Filter) throws(RetrievalError) {
        switch filter {
        case .and(let filters), .or(let filters):
            for filter in filters { try validate(filter) }
        case .not(let filter):
            try validate(filter)
        case .condition(let condition):
            try validate(condition)
        }
    }

    private func validate(_ condition: FilterCondition) throws(RetrievalError) {
        let field = condition.field
        let op = condition.operator
        let fieldType: PropertyType
        switch field {
        case .property(let name):
            guard let property = property(named: name) else {
                throw RetrievalError(
                    .unknownProperty,
                    "the filter names property \"\(name)\", which the schema does not declare"
                )
            }
            fieldType = property.type
        case .id:
            fieldType = .uuid
            guard op != .isNull else { throw RetrievalError(.invalidQuery, "isNull on \"id\": every object has one") }
        case .createdAt, .updatedAt:
            fieldType = .date
            guard op != .isNull else {
                throw RetrievalError(.invalidQuery, "isNull on \"\(field)\": every object has one")
            }
        }
        switch op {
        case .isNull:
            guard condition.values.count == 1, case .bool = condition.values[0] else {
                throw RetrievalError(.invalidQuery, "isNull on \"\(field)\" takes one boolean")
            }
            return
        case .equal, .notEqual, .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual, .like:
            guard condition.values.count == 1 else {
                throw RetrievalError(
                    .invalidQuery,
                    "\(op.rawValue) on \"\(field)\" takes one value, not \(condition.values.count)"
                )
            }
        case .containsAny, .containsAll, .containsNone:
            break
        }
        let isRange = [.lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual].contains(op)
        if op == .like && fieldType != .text && fieldType != .textArray {
            throw RetrievalError(.invalidQuery, "like on \"\(field)\": it matches text, and the field is \(fieldType)")
        }
        if isRange && (fieldType == .bool || fieldType == .blob) {
            throw RetrievalError(.invalidQuery, "\(op.rawValue) on \"\(field)\": a \(fieldType) only compares equal")
        }
        for value in condition.values {
            guard Self.compares(value.type, with: fieldType) else {
                throw RetrievalError(
                    .typeMismatch,
                    "the filter compares \"\(field)\", a \(fieldType) field, with the \(value.type) value \(value)"
                )
            }
        }
    }

    /// Whether an operand of type `value` compares with a field of type `field`.
    private static func compares(_ value: PropertyType, with field: PropertyType) -> Bool {
        switch field {
        case .integer, .double: value == .integer || value == .double
        case .textArray: value == .text
        default: value == field
        }
    }
}
