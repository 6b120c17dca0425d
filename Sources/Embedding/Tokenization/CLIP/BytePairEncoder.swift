// SPDX-License-Identifier: Apache-2.0

import _RAGInternals

/// Byte-level BPE over token ids: a word's UTF-8 bytes start as one symbol each (the last one carrying the
/// end-of-word suffix), then the adjacent pair with the lowest merge rank is merged everywhere, until no pair has a
/// rank.
struct BytePairEncoder: Sendable {
    /// One merge: its rank and the id of the merged symbol.
    private struct Merge: Sendable {
        var rank: Int32
        var id: Int32
    }

    let vocabulary: Vocabulary
    /// Symbol id of each byte as a word-internal symbol, or -1 when the vocabulary lacks it.
    private let byteIDs: [Int32]
    /// Symbol id of each byte as the last symbol of a word (suffix appended), or -1.
    private let finalByteIDs: [Int32]
    /// `(left << 32) | right` → merge.
    private let merges: [UInt64: Merge]
    private let unknownID: Int32
    private let cache: WordCache

    /// Builds the encoder; merges are in rank order.
    /// - Throws: ``EmbeddingError/Code/malformedMerges`` when a merge names a symbol, or makes a token, that the
    ///   vocabulary lacks (`lineOffset` is added to the 0-based merge index to name the line).
    init(
        vocabulary: Vocabulary,
        merges pairs: [(Substring, Substring)],
        endOfWordSuffix: String,
        unknownID: Int,
        mergesName: String,
        lineOffset: Int
    ) throws(EmbeddingError) {
        self.vocabulary = vocabulary
        let alphabet = ByteAlphabet.characters
        byteIDs = alphabet.map { Int32(vocabulary.ids[String($0)] ?? -1) }
        finalByteIDs = alphabet.map { Int32(vocabulary.ids[String($0) + endOfWordSuffix] ?? -1) }
        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(pairs.count)
        for (rank, (left, right)) in pairs.enumerated() {
            let line = rank + lineOffset
            guard let l = vocabulary.ids[String(left)], let r = vocabulary.ids[String(right)] else {
                let missing = vocabulary.ids[String(left)] == nil ? left : right
                throw EmbeddingError(
                    .malformedMerges,
                    "\(mergesName) line \(line): \"\(missing)\" is not in the vocabulary"
                )
            }
            guard let merged = vocabulary.ids[String(left) + String(right)] else {
                throw EmbeddingError(
                    .malformedMerges,
                    "\(mergesName) line \(line): the merged token \"\(left)\(right)\" is not in the vocabulary"
                )
            }
            let key = UInt64(UInt32(l)) << 32 | UInt64(UInt32(r))
            if table[key] == nil { table[key] = Merge(rank: Int32(rank), id: Int32(merged)) }
        }
        merges = table
        self.unknownID = Int32(unknownID)
        cache = WordCache()
    }

    /// Appends the ids of one pre-tokenized word (its UTF-8 bytes) to `output`.
    func encode(word: [UInt8], into output: inout [Int]) {
        guard !word.isEmpty else { return }
        if let cached = cache.lookup(word) {
            for id in cached { output.append(Int(id)) }
            return
        }
        var symbols = [Int32]()
        symbols.reserveCapacity(word.count)
        let last = word.count - 1
        for i in word.indices {
            symbols.append(i == last ? finalByteIDs[Int(word[i])] : byteIDs[Int(word[i])])
        }
        if !symbols.contains(-1) { mergeAll(&symbols) }
        for i in symbols.indices where symbols[i] < 0 { symbols[i] = unknownID }
        cache.store(word, symbols)
        for id in symbols { output.append(Int(id)) }
    }

    /// Repeatedly merges the lowest-ranked adjacent pair, every occurrence left to right.
    private func mergeAll(_ symbols: inout [Int32]) {
        while symbols.count > 1 {
            var best = Merge(rank: .max, id: -1)
            var bestKey: UInt64 = 0
            for i in 0..<(symbols.count - 1) {
                let key = UInt64(UInt32(bitPattern: symbols[i])) << 32 | UInt64(UInt32(bitPattern: symbols[i + 1]))
                if let merge = merges[key], merge.rank < best.rank {
                    best = merge
                    bestKey = key
                }
            }
            guard best.id >= 0 else { return }
            let left = Int32(truncatingIfNeeded: bestKey >> 32)
            let right = Int32(truncatingIfNeeded: bestKey & 0xFFFF_FFFF)
            var write = 0
            var read = 0
            while read < symbols.count {
                if read + 1 < symbols.count, symbols[read] == left, symbols[read + 1] == right {
                    symbols[write] = best.id
                    read += 2
                } else {
                    symbols[write] = symbols[read]
                    read += 1
                }
                write += 1
            }
            symbols.removeLast(symbols.count - write)
        }
    }
}

/// A bounded, thread-safe cache of encoded words, keyed by their bytes.
///
/// Guarded by the project's `Locked` (a POSIX mutex), not the standard `Mutex`, whose futex calls the thread
/// sanitizer cannot see on Linux.
private final class WordCache: Sendable {
    private static let capacity = 65_536
    private let words = Locked<[[UInt8]: [Int32]]>([:])

    func lookup(_ word: [UInt8]) -> [Int32]? {
        words.withLock { $0[word] }
    }

    func store(_ word: [UInt8], _ ids: [Int32]) {
        words.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[word] = ids
        }
    }
}
