// SPDX-License-Identifier: Apache-2.0

/// A prompt with `{property}` placeholders filled from a ``GroundingSource``'s properties.
///
/// A placeholder is a property name between braces (letters, digits, `_`, `-`, `.`); `{{` and `}}` stand for
/// literal braces. A property the source does not have becomes an empty string. Anything else between braces is
/// left as written.
///
/// ```swift
/// let template = PromptTemplate("{title}: {caption}")
/// template.render(["title": "Harbour", "caption": "Boats at night"])   // "Harbour: Boats at night"
/// ```
public struct PromptTemplate: Sendable, Hashable, ExpressibleByStringLiteral {
    /// The template text.
    public var text: String

    /// Creates a template.
    public init(_ text: String) { self.text = text }

    /// Creates a template from a literal.
    public init(stringLiteral value: String) { self.init(value) }

    /// The property names the template uses, in order of first use.
    public var placeholders: [String] {
        var names: [String] = []
        _ = expand { name in
            if !names.contains(name) { names.append(name) }
            return ""
        }
        return names
    }

    /// The template with every placeholder replaced by the property's value (or nothing).
    public func render(_ properties: [String: String]) -> String {
        expand { properties[$0] ?? "" }
    }

    private func expand(_ value: (String) -> String) -> String {
        var output = ""
        var rest = Substring(text)
        while let index = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            output += rest[..<index]
            let brace = rest[index]
            let after = rest.index(after: index)
            if after < rest.endIndex, rest[after] == brace {
                output.append(brace)
                rest = rest[rest.index(after: after)...]
                continue
            }
            if brace == "{", let close = rest[after...].firstIndex(of: "}") {
                let name = rest[after..<close]
                if !name.isEmpty, name.unicodeScalars.allSatisfy(Self.isNameScalar) {
                    output += value(String(name))
                    rest = rest[rest.index(after: close)...]
                    continue
                }
            }
            output.append(brace)
            rest = rest[after...]
        }
        output += rest
        return output
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-.".unicodeScalars.contains(scalar)
    }
}
