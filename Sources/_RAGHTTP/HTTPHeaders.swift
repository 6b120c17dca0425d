// SPDX-License-Identifier: Apache-2.0

/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// ``description`` shows every field name but replaces the values of credential-bearing fields
/// (``isSensitive(_:)``) with `<redacted>`.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// The fields in the order they were added, names as given.
    public private(set) var fields: [(name: String, value: String)]

    /// Creates an empty header list.
    public init() { fields = [] }

    /// Creates a header list from name-value pairs, in order.
    public init(_ pairs: [(String, String)]) { fields = pairs.map { (name: $0.0, value: $0.1) } }

    /// Creates a header list from a dictionary literal.
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// The value of the first field named `name` (compared case-insensitively), or `nil`.
    ///
    /// Setting a value replaces every field with that name; setting `nil` removes them.
    public subscript(name: String) -> String? {
        get {
            let key = name.lowercased()
            return fields.first { $0.name.lowercased() == key }?.value
        }
        set {
            remove(name)
            if let newValue { fields.append((name: name, value: newValue)) }
        }
    }

    /// Appends a field, keeping any earlier field with the same name.
    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    /// Removes every field named `name` (case-insensitively).
    public mutating func remove(_ name: String) {
        let key = name.lowercased()
        fields.removeAll { $0.name.lowercased() == key }
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    /// Field-by-field equality, with names compared case-insensitively and values exactly.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy {
                $0.name.lowercased() == $1.name.lowercased() && $0.value == $1.value
            }
    }

    /// Whether a field carries a credential and must never be logged or sent to another host.
    public static func isSensitive(_ name: String) -> Bool {
        let key = name.lowercased()
        return sensitiveNames.contains(key) || key.hasSuffix("-api-key") || key.hasSuffix("-token")
    }

    /// Field names treated as credentials by ``isSensitive(_:)`` (lower case).
    package static let sensitiveNames: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key",
    ]

    /// The fields as `Name: value` lines, credentials replaced by `<redacted>`.
    public var description: String {
        fields.map { "\($0.name): \(Self.isSensitive($0.name) ? "<redacted>" : $0.value)" }.joined(separator: "\n")
    }
}
