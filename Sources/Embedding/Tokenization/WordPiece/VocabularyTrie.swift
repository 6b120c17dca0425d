// SPDX-License-Identifier: Apache-2.0

/// A byte trie over vocabulary tokens for greedy longest-match lookup without building substrings.
struct VocabularyTrie: Sendable {
    /// `(node << 8) | byte` → child node.
    private var children: [UInt64: Int32] = [:]
    /// The token id ending at each node, or -1.
    private var ids: [Int32] = [-1]

    /// Adds a token's bytes with its id.
    mutating func insert(_ bytes: some Sequence<UInt8>, id: Int) {
        var node: Int32 = 0
        for byte in bytes {
            let key = UInt64(node) << 8 | UInt64(byte)
            if let next = children[key] {
                node = next
            } else {
                let next = Int32(ids.count)
                ids.append(-1)
                children[key] = next
                node = next
            }
        }
        ids[Int(node)] = Int32(id)
    }

    /// The longest token that is a prefix of `bytes[start...]`: its id and end index, or `nil`.
    func longestPrefix(of bytes: [UInt8], from start: Int) -> (id: Int, end: Int)? {
        var node: Int32 = 0
        var best: (id: Int, end: Int)?
        var i = start
        while i < bytes.count {
            guard let next = children[UInt64(node) << 8 | UInt64(bytes[i])] else { break }
            node = next
            i += 1
            let id = ids[Int(node)]
            if id >= 0 { best = (Int(id), i) }
        }
        return best
    }
}
