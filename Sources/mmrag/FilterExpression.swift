// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// `--where` expressions: a small filter language parsed into a `Filter` with the collection's property types.
///
///     modality = image and bytes > 100000
///     name like "*cat*" or (modality in (audio, video) and not text is null)
///
/// Comparisons are `=`, `!=`, `<`, `<=`, `>`, `>=`, `like` (`*` and `?` wildcards), `in (a, b, …)`, `is null` and
/// `is not null`; they combine with `and`, `or`, `not` and parentheses. Values are numbers, `true` / `false`,
/// ISO 8601 dates, or text (quoted with `"` or `'` when it holds spaces or symbols). Fields are properties, or `id`,
/// `createdAt`, `updatedAt`.
struct FilterExpression {
    private enum Token: Equatable {
        case word(String)
        case quoted(String)
        case symbol(String)
    }

    private var tokens: [Token]
    private var position = 0
    private let schema: CollectionSchema

    /// Parses `text` against `schema`.
    ///
    /// - Throws: A usage error that says where the expression is malformed or which property is unknown.
    static func parse(_ text: String, schema: CollectionSchema) throws(ToolError) -> Filter {
        var parser = FilterExpression(tokens: try tokenize(text), schema: schema)
        let filter = try parser.orExpression()
        guard parser.position == parser.tokens.count else {
            throw .usage("--where: unexpected \(parser.describe(parser.tokens[parser.position]))")
        }
        return filter
    }

    private init(tokens: [Token], schema: CollectionSchema) {
        self.tokens = tokens
        self.schema = schema
    }

    // MARK: - Grammar

    private mutating func orExpression() throws(ToolError) -> Filter {
        var filters = [try andExpression()]
        while accept(keyword: "or") { filters.append(try andExpression()) }
        return filters.count == 1 ? filters[0] : .or(filters)
    }

    private mutating func andExpression() throws(ToolError) -> Filter {
        var filters = [try unary()]
        while accept(keyword: "and") { filters.append(try unary()) }
        return filters.count == 1 ? filters[0] : .and(filters)
    }

    private mutating func unary() throws(ToolError) -> Filter {
        if accept(keyword: "not") { return .not(try unary()) }
        if accept(symbol: "(") {
            let inner = try orExpression()
            guard accept(symbol: ")") else { throw .usage("--where: a '(' is not closed") }
            return inner
        }
        return try comparison()
    }

    private mutating func comparison() throws(ToolError) -> Filter {
        guard position < tokens.count, case .word(let name) = tokens[position] else {
            throw .usage(
                "--where: expected a property name"
                    + (position < tokens.count ? ", not \(describe(tokens[position]))" : " at the end")
            )
        }
        position += 1
        let (field, type) = try resolve(name)
        if accept(keyword: "is") {
            let negated = accept(keyword: "not")
            guard accept(keyword: "null") else { throw .usage("--where: expected 'null' after '\(name) is'") }
            return .isNull(field, !negated)
        }
        if accept(keyword: "in") {
            guard accept(symbol: "(") else { throw .usage("--where: expected '(' after '\(name) in'") }
            var values = [try value(for: name, type)]
            while accept(symbol: ",") { values.append(try value(for: name, type)) }
            guard accept(symbol: ")") else { throw .usage("--where: the list after '\(name) in' is not closed") }
            return .containsAny(field, values)
        }
        if accept(keyword: "like") {
            guard position < tokens.count else { throw .usage("--where: expected a pattern after '\(name) like'") }
            switch tokens[position] {
            case .word(let pattern), .quoted(let pattern):
                position += 1
                return .like(field, pattern)
            case .symbol(let symbol):
                throw .usage("--where: expected a pattern after '\(name) like', not '\(symbol)'")
            }
        }
        let operators: [String: (FilterField, PropertyValue) -> Filter] = [
            "=": Filter.equal, "!=": Filter.notEqual, "<": Filter.lessThan, "<=": Filter.lessThanOrEqual,
            ">": Filter.greaterThan, ">=": Filter.greaterThanOrEqual,
        ]
        guard position < tokens.count, case .symbol(let op) = tokens[position], let make = operators[op] else {
            throw .usage("--where: expected =, !=, <, <=, >, >=, like, in or is after '\(name)'")
        }
        position += 1
        return make(field, try value(for: name, type))
    }

    /// The field a name refers to and the type its values have.
    private func resolve(_ name: String) throws(ToolError) -> (FilterField, PropertyType) {
        switch name {
        case "id": return (.id, .uuid)
        case "createdAt": return (.createdAt, .date)
        case "updatedAt": return (.updatedAt, .date)
        default:
            guard let property = schema.property(named: name) else {
                let names = schema.properties.map(\.name).joined(separator: ", ")
                throw .usage(
                    "--where: the collection has no property '\(name)' (it has \(names), id, createdAt, updatedAt)"
                )
            }
            return (.property(name), property.type)
        }
    }

    /// The next token as a value of `type`.
    private mutating func value(for name: String, _ type: PropertyType) throws(ToolError) -> PropertyValue {
        guard position < tokens.count else { throw .usage("--where: expected a value for '\(name)' at the end") }
        let text: String
        switch tokens[position] {
        case .word(let word): text = word
        case .quoted(let quoted): text = quoted
        case .symbol(let symbol): throw .usage("--where: expected a value for '\(name)', not '\(symbol)'")
        }
        position += 1
        let value: PropertyValue?
        switch type {
        case .text, .textArray: value = .text(text)
        case .integer: value = Int64(text).map { .integer($0) } ?? Double(text).map { .double($0) }
        case .double: value = Double(text).map { .double($0) }
        case .bool: value = ["true": true, "false": false][text.lowercased()].map { .bool($0) }
        case .uuid: value = UUID(uuidString: text).map { .uuid($0) }
        case .date: value = Self.date(text).map { .date($0) }
        case .blob: value = nil
        }
        guard let value else { throw .usage("--where: '\(text)' is not a valid \(type) value for '\(name)'") }
        return value
    }

    private static func date(_ text: String) -> Date? {
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text)
    }

    // MARK: - Tokens

    private mutating func accept(keyword: String) -> Bool {
        guard position < tokens.count, case .word(let word) = tokens[position], word.lowercased() == keyword else {
            return false
        }
        position += 1
        return true
    }

    private mutating func accept(symbol: String) -> Bool {
        guard position < tokens.count, tokens[position] == .symbol(symbol) else { return false }
        position += 1
        return true
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .word(let word): "'\(word)'"
        case .quoted(let text): "\"\(text)\""
        case .symbol(let symbol): "'\(symbol)'"
        }
    }

    private static func tokenize(_ text: String) throws(ToolError) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text)
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c.isWhitespace {
                i += 1
            } else if c == "\"" || c == "'" {
                var j = i + 1
                var value = ""
                while j < characters.count && characters[j] != c {
                    value.append(characters[j])
                    j += 1
                }
                guard j < characters.count else { throw .usage("--where: a quote \(c) is not closed") }
                tokens.append(.quoted(value))
                i = j + 1
            } else if "(),".contains(c) {
                tokens.append(.symbol(String(c)))
                i += 1
            } else if "=!<>".contains(c) {
                var symbol = String(c)
                if i + 1 < characters.count && characters[i + 1] == "=" {
                    symbol.append("=")
                    i += 1
                }
                guard symbol != "!" else { throw .usage("--where: '!' must be followed by '='") }
                tokens.append(.symbol(symbol))
                i += 1
            } else {
                var word = ""
                while i < characters.count && !characters[i].isWhitespace && !"()=!<>,\"'".contains(characters[i]) {
                    word.append(characters[i])
                    i += 1
                }
                tokens.append(.word(word))
            }
        }
        guard !tokens.isEmpty else { throw .usage("--where: the expression is empty") }
        return tokens
    }
}
