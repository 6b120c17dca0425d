// SPDX-License-Identifier: Apache-2.0

/// Shell-style file patterns (`*.json`, `onnx/*`, `model-0000?.safetensors`, `[ab]*.txt`) matched against
/// repository paths, the way `huggingface_hub`'s `allow_patterns` are: `*` also matches `/`.
enum HubFilePattern {
    /// Whether `path` matches at least one pattern; an empty pattern list matches everything.
    static func matches(_ path: String, anyOf patterns: [String]) -> Bool {
        patterns.isEmpty || patterns.contains { matches(path, $0) }
    }

    /// Whether `path` matches `pattern`.
    static func matches(_ path: String, _ pattern: String) -> Bool {
        var pattern = pattern
        if pattern.hasSuffix("/") { pattern += "*" }  // a folder means everything inside it
        return match(Array(path.unicodeScalars)[...], Array(pattern.unicodeScalars)[...])
    }

    private static func match(_ text: ArraySlice<Unicode.Scalar>, _ pattern: ArraySlice<Unicode.Scalar>) -> Bool {
        var t = text.startIndex
        var p = pattern.startIndex
        var star: (pattern: Int, text: Int)?
        while t < text.endIndex {
            if p < pattern.endIndex, pattern[p] == "*" {
                star = (p, t)
                p += 1
            } else if p < pattern.endIndex, let next = single(pattern, p, matches: text[t]) {
                if next.matched {
                    p = next.end
                    t += 1
                } else if let s = star {
                    p = s.pattern + 1
                    t = s.text + 1
                    star = (s.pattern, s.text + 1)
                } else {
                    return false
                }
            } else if let s = star {
                p = s.pattern + 1
                t = s.text + 1
                star = (s.pattern, s.text + 1)
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    /// Matches one character class, `?` or literal at `p`; returns whether it matched and where the element ends.
    private static func single(
        _ pattern: ArraySlice<Unicode.Scalar>,
        _ p: Int,
        matches c: Unicode.Scalar
    ) -> (matched: Bool, end: Int)? {
        switch pattern[p] {
        case "?":
            return (true, p + 1)
        case "[":
            var i = p + 1
            var negate = false
            if i < pattern.endIndex, pattern[i] == "!" || pattern[i] == "^" {
                negate = true
                i += 1
            }
            var found = false
            var first = true
            while i < pattern.endIndex, pattern[i] != "]" || first {
                first = false
                if i + 2 < pattern.endIndex, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                    if pattern[i] <= c && c <= pattern[i + 2] { found = true }
                    i += 3
                } else {
                    if pattern[i] == c { found = true }
                    i += 1
                }
            }
            guard i < pattern.endIndex else { return (pattern[p] == c, p + 1) }  // no closing bracket: literal
            return (found != negate, i + 1)
        default:
            return (pattern[p] == c, p + 1)
        }
    }
}
