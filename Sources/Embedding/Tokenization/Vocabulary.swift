// SPDX-License-Identifier: Apache-2.0

/// A validated token ↔ id map.
struct Vocabulary: Sendable {
    /// Token to id.
    let ids: [String: Int]
    /// Id to token; `nil` where the id is unused.
    let tokens: [String?]

    /// Checks a token → id map: not empty, ids non-negative and distinct, and at most 2²⁴ ids apart from zero.
    init(_ map: [String: Int], name: String) throws(EmbeddingError) {
        guard !map.isEmpty else { throw EmbeddingError(.malformedVocabulary, "\(name) is empty") }
        let largest = map.values.max() ?? 0
        guard let smallest = map.values.min(), smallest >= 0, largest < 1 << 24 else {
            throw EmbeddingError(.malformedVocabulary, "\(name) has ids outside 0..<16777216")
        }
        var tokens = [String?](repeating: nil, count: largest + 1)
        for (token, id) in map {
            if let other = tokens[id] {
                let pair = [other, token].sorted()
                throw EmbeddingError(.malformedVocabulary, "\(name): \"\(pair[0])\" and \"\(pair[1])\" share id \(id)")
            }
            tokens[id] = token
        }
        self.ids = map
        self.tokens = tokens
    }

    /// Reads a `vocab.txt`: one token per line, the id is the 0-based line number.
    init(lines text: String, name: String) throws(EmbeddingError) {
        var map: [String: Int] = [:]
        for (index, line) in TokenizerFiles.lines(text).enumerated() {
            guard !line.isEmpty else {
                throw EmbeddingError(.malformedVocabulary, "\(name) line \(index + 1) is empty")
            }
            let token = String(line)
            if let earlier = map[token] {
                throw EmbeddingError(
                    .malformedVocabulary,
                    "\(name) line \(index + 1) repeats \"\(token)\" from line \(earlier + 1)"
                )
            }
            map[token] = index
        }
        try self.init(map, name: name)
    }

    /// The id of a token that must be present.
    func require(_ token: String, name: String) throws(EmbeddingError) -> Int {
        guard let id = ids[token] else {
            throw EmbeddingError(.missingToken, "\(name) has no \"\(token)\" token")
        }
        return id
    }
}
