// SPDX-License-Identifier: Apache-2.0

/// A condition on objects' properties, id or timestamps that a query's results must meet (Weaviate's `where`).
///
/// Build conditions with the static functions and combine them with `&&`, `||` and `!`:
///
/// ```swift
/// let birds2023: Filter = .equal("category", .text("birds"))
///     && .greaterThanOrEqual("taken", .date(startOf2023))
///     && !.like("title", "*draft*")
/// var query = NearQuery(target: .init(.text("a small bird")))
/// query.filter = birds2023
/// ```
///
/// ## Semantics
/// - A missing property is *null*: it matches ``isNull(_:_:)`` and ``notEqual(_:_:)``, and no other condition.
/// - Text compares whole values (Weaviate's `field` tokenization); ``like(_:_:)`` matches `*` (any run of
///   scalars) and `?` (one scalar) over the whole value. Word matching is keyword search's job.
/// - Text equality is `String ==`, canonical equivalence: `"cafe\u{301}"` and `"caf\u{E9}"` are one value to
///   every condition. Ranges order text by the code points of its canonical composition (NFC), and ``like(_:_:)``
///   matches the composed forms of value and pattern.
/// - On a text-array property, ``equal(_:_:)`` and the `contains…` conditions test its elements: `equal`
///   matches when any element is equal; ``containsAny(_:_:)``, ``containsAll(_:_:)`` and
///   ``containsNone(_:_:)`` compare the element set with the given values. On a single-valued property the
///   `contains…` conditions treat the value as a one-element set (so `containsAny` is "one of").
/// - `<`, `≤`, `>`, `≥` order integers and doubles numerically (either kind of value works with either kind of
///   property), dates in time, text by the code points of its NFC form, UUIDs by their bytes. Booleans and blobs
///   only compare for (in)equality.
/// - ``notEqual(_:_:)`` is the complement of ``equal(_:_:)``, as in Weaviate.
///
/// A condition on a property the schema does not declare is an ``RetrievalError/Code/unknownProperty`` error, one
/// with a value of the wrong type a ``RetrievalError/Code/typeMismatch`` error, and an operator the field's type
/// does not have (`like` on a number, `<` on a boolean) an ``RetrievalError/Code/invalidQuery`` error; each names
/// the property.
public indirect enum Filter: Sendable, Hashable {
    /// One condition.
    case condition(FilterCondition)
    /// Every filter holds (an empty list always holds).
    case and([Filter])
    /// At least one filter holds (an empty list never holds).
    case or([Filter])
    /// The filter does not hold.
    case not(Filter)

    /// The field equals `value` (for a text array: some element equals it).
    public static func equal(_ field: FilterField, _ value: PropertyValue) -> Filter {
        .condition(FilterCondition(field, .equal, [value]))
    }

    /// The field is null or differs from `value`: the complement of ``equal(_:_:)``.
    public static func notEqual(_ field: FilterField, _ value: PropertyValue) -> Filter {
        .condition(FilterCondition(field, .notEqual, [value]))
    }

    /// The field is less than `value`.
    public static func lessThan(_ field: FilterField, _ value: PropertyValue) -> Filter {
        .condition(FilterCondition(field, .lessThan, [value]))
    }

    /// The field is less than or equal to `value`.
    public static func lessThanOrEqual(_ field: FilterField, _ value: PropertyValue) -> Filter {
        .condition(FilterCondition(field, .lessThanOrEqual, [value]))
    }

    /// The field is greater than `value`.
    public static func greaterThan(_ field: FilterField, _ value: PropertyValue) -> Filter {
        .condition(FilterCondition(field, .greaterThan, [value]))
    }

    /// The field is greater than or equal to `value`.
    public static func greaterThanOrEqual(_ field: FilterField, _ value: PropertyValue) -> Filter {
        .condition(FilterCondition(field, .greaterThanOrEqual, [value]))
    }

    /// The text field (or an element of a text array) matches `pattern` as a whole, where `*` matches any run of
    /// Unicode scalars and `?` exactly one; value and pattern are compared in their canonical composition (NFC).
    public static func like(_ field: FilterField, _ pattern: String) -> Filter {
        .condition(FilterCondition(field, .like, [.text(pattern)]))
    }

    /// The field holds at least one of `values`.
    public static func containsAny(_ field: FilterField, _ values: [PropertyValue]) -> Filter {
        .condition(FilterCondition(field, .containsAny, values))
    }

    /// The field holds every one of `values`.
    public static func containsAll(_ field: FilterField, _ values: [PropertyValue]) -> Filter {
        .condition(FilterCondition(field, .containsAll, values))
    }

    /// The field holds none of `values` (a null field holds none).
    public static func containsNone(_ field: FilterField, _ values: [PropertyValue]) -> Filter {
        .condition(FilterCondition(field, .containsNone, values))
    }

    /// The property is missing (`isNull` true) or present (`isNull` false).
    public static func isNull(_ field: FilterField, _ isNull: Bool = true) -> Filter {
        .condition(FilterCondition(field, .isNull, [.bool(isNull)]))
    }

    /// Both filters hold.
    public static func && (lhs: Filter, rhs: Filter) -> Filter {
        switch (lhs, rhs) {
        case (.and(let a), .and(let b)): .and(a + b)
        case (.and(let a), _): .and(a + [rhs])
        case (_, .and(let b)): .and([lhs] + b)
        default: .and([lhs, rhs])
        }
    }

    /// Either filter holds.
    public static func || (lhs: Filter, rhs: Filter) -> Filter {
        switch (lhs, rhs) {
        case (.or(let a), .or(let b)): .or(a + b)
        case (.or(let a), _): .or(a + [rhs])
        case (_, .or(let b)): .or([lhs] + b)
        default: .or([lhs, rhs])
        }
    }

    /// The filter does not hold.
    public static prefix func ! (filter: Filter) -> Filter { .not(filter) }
}

/// What a filter condition looks at: a property, or the object's id or timestamps.
///
/// A string literal names a property: `.equal("category", .text("birds"))`.
public enum FilterField: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// A property of the schema.
    case property(String)
    /// The object's id (compare with ``PropertyValue/uuid(_:)`` values).
    case id
    /// When the object was inserted (compare with ``PropertyValue/date(_:)`` values).
    case createdAt
    /// When the object was last written (compare with ``PropertyValue/date(_:)`` values).
    case updatedAt

    /// A property named by a string literal.
    public init(stringLiteral name: String) {
        self = .property(name)
    }

    /// The property name, or `id`, `createdAt`, `updatedAt`.
    public var description: String {
        switch self {
        case .property(let name): name
        case .id: "id"
        case .createdAt: "createdAt"
        case .updatedAt: "updatedAt"
        }
    }
}

/// One condition of a ``Filter``: a field, an operator and its operand values.
public struct FilterCondition: Sendable, Hashable {
    /// The comparison a condition makes.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        /// Equal to the one value.
        case equal
        /// Not equal to the one value (nulls included).
        case notEqual
        /// Less than the one value.
        case lessThan
        /// Less than or equal to the one value.
        case lessThanOrEqual
        /// Greater than the one value.
        case greaterThan
        /// Greater than or equal to the one value.
        case greaterThanOrEqual
        /// Matches the one wildcard pattern.
        case like
        /// Holds at least one of the values.
        case containsAny
        /// Holds all of the values.
        case containsAll
        /// Holds none of the values.
        case containsNone
        /// Is null (the one value `true`) or not null (`false`).
        case isNull
    }

    /// The field tested.
    public var field: FilterField
    /// The comparison.
    public var `operator`: Operator
    /// The operands: one value, except for the `contains…` operators.
    public var values: [PropertyValue]

    /// Creates a condition.
    public init(_ field: FilterField, _ operator: Operator, _ values: [PropertyValue]) {
        self.field = field
        self.operator = `operator`
        self.values = values
    }
}
