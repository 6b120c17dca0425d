// SPDX-License-Identifier: Apache-2.0

public import VectorIndex
import _RAGNumerics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension BM25Index {
    /// The documents that best match a keyword query, best first.
    ///
    /// The query text is split with the index's ``tokenizer`` and its stop words are dropped (see
    /// ``WordTokenizer/queryTerms(in:)``). Documents that contain fewer distinct query words than `query.matching`
    /// asks for, or that `filter` excludes, are not returned; the filter does not change the idf (as in
    /// Weaviate, `n(t)` counts every document). Equal scores are ordered by ascending key.
    ///
    /// - Parameters:
    ///   - query: The text, searched properties with boosts, operator and limit.
    ///   - filter: An allow-set of keys; `nil` allows all.
    /// - Returns: At most `query.limit` matches, by descending score.
    /// - Throws: ``RetrievalError``: `unknownProperty` for a searched property the index does not have;
    ///   `invalidQuery` for a negative limit, a `minimumMatch` below 1, a repeated property or a boost that is not
    ///   a finite positive number.
    /// - Complexity: O(Σ posting-list lengths of the query words + m log k) for m matching documents, plus one
    ///   zeroed score per document slot.
    public func search(_ query: KeywordQuery, filter: SearchFilter? = nil) throws(RetrievalError) -> [KeywordMatch] {
        try search(
            terms: tokenizer.queryTerms(in: query.text),
            properties: query.properties,
            matching: query.matching,
            limit: query.limit,
            filter: filter
        )
    }

    /// The documents that best match already tokenized query words, best first.
    ///
    /// The words are used as given: they are not lower-cased and stop words are not dropped. A word given twice
    /// counts twice (its idf is doubled), as in Weaviate.
    ///
    /// - Parameters:
    ///   - terms: The query words.
    ///   - properties: The searched properties with boosts; `nil` searches all with boost 1.
    ///   - matching: How many distinct words a document must contain.
    ///   - limit: The most results returned.
    ///   - filter: An allow-set of keys; `nil` allows all.
    /// - Returns: At most `limit` matches, by descending score, equal scores by ascending key.
    /// - Throws: ``RetrievalError`` as ``search(_:filter:)``.
    public func search(
        terms: [String],
        properties: [KeywordProperty]? = nil,
        matching: KeywordOperator = .or(minimumMatch: 1),
        limit: Int,
        filter: SearchFilter? = nil
    ) throws(RetrievalError) -> [KeywordMatch] {
        guard limit >= 0 else { throw RetrievalError(.invalidQuery, "limit must be at least 0, not \(limit)") }
        let fields = try resolve(properties)
        let words = Self.countedTerms(terms)
        let required: Int
        switch matching {
        case .and:
            required = words.count
        case .or(let minimumMatch):
            guard minimumMatch >= 1 else {
                throw RetrievalError(.invalidQuery, "minimumMatch must be at least 1, not \(minimumMatch)")
            }
            required = minimumMatch
        }
        guard limit > 0, !words.isEmpty, required <= words.count, count > 0 else { return [] }

        var scratch = Accumulator(slotCount: slotKeys.count)
        let n = Double(count)
        for (word, repeats) in words {
            guard let term = vocabulary.id(of: word) else { continue }
            let lists = fields.compactMap { field -> (list: [Posting], field: Field)? in
                let list = postings[field.property].lists[Int(term)]
                return list.isEmpty ? nil : (list, field)
            }
            guard !lists.isEmpty else { continue }
            let frequency = lists.count == 1 ? lists[0].list.count : Self.unionCount(lists.map(\.list))
            let df = Double(frequency)
            let idf = log(1 + (n - df + 0.5) / (df + 0.5)) * Double(repeats)
            if lists.count == 1 {
                scoreOne(lists[0].list, field: lists[0].field, idf: idf, into: &scratch)
            } else {
                scoreMany(lists, idf: idf, into: &scratch)
            }
        }

        var best = TopK(k: limit)
        for slot in scratch.touched where Int(scratch.matched[Int(slot)]) >= required {
            let key = slotKeys[Int(slot)]
            if let filter, !filter.includes(key) { continue }
            best.push(-Float(scratch.scores[Int(slot)]), id: key)
        }
        return best.sorted().map { KeywordMatch(key: $0.id, score: -$0.key) }
    }

    /// A searched property: its position in the index, its boost and its mean length.
    struct Field {
        let property: Int
        let boost: Double
        let meanLength: Double
    }

    /// Per-query sums: a score and a count of matched words per slot, and the slots touched.
    struct Accumulator {
        var scores: [Double]
        var matched: [UInt32]
        var touched: [UInt32] = []

        init(slotCount: Int) {
            scores = Array(repeating: 0, count: slotCount)
            matched = Array(repeating: 0, count: slotCount)
        }

        /// Adds one word's contribution to a slot.
        mutating func add(_ score: Double, to slot: UInt32) {
            let s = Int(slot)
            if matched[s] == 0 { touched.append(slot) }
            scores[s] += score
            matched[s] &+= 1
        }
    }

    /// The searched properties, checked.
    private func resolve(_ requested: [KeywordProperty]?) throws(RetrievalError) -> [Field] {
        let requested = requested ?? properties.map { KeywordProperty($0) }
        let n = Double(count)
        var fields: [Field] = []
        for item in requested {
            guard let p = properties.firstIndex(of: item.name) else {
                throw RetrievalError(.unknownProperty, "'\(item.name)' is not a keyword-indexed property")
            }
            guard item.boost.isFinite, item.boost > 0 else {
                throw RetrievalError(.invalidQuery, "the boost of '\(item.name)' must be positive, not \(item.boost)")
            }
            guard !fields.contains(where: { $0.property == p }) else {
                throw RetrievalError(.invalidQuery, "'\(item.name)' is searched twice")
            }
            let mean = n > 0 ? Double(postings[p].totalLength) / n : 0
            fields.append(Field(property: p, boost: item.boost, meanLength: mean))
        }
        return fields
    }

    /// The distinct words in first-occurrence order, each with how often it occurs.
    private static func countedTerms(_ terms: [String]) -> [(word: String, repeats: Int)] {
        var order: [(word: String, repeats: Int)] = []
        var position: [String: Int] = [:]
        for word in terms {
            if let i = position[word] {
                order[i].repeats += 1
            } else {
                position[word] = order.count
                order.append((word, 1))
            }
        }
        return order
    }

    /// The length-normalised, boosted frequency `w · tf / (1 − b + b · len / avg)`.
    private func weightedFrequency(_ frequency: UInt32, slot: UInt32, field: Field) -> Double {
        let length = Double(postings[field.property].lengths[Int(slot)])
        let relative = field.meanLength > 0 ? length / field.meanLength : 0
        let b = parameters.b
        return field.boost * Double(frequency) / (1 - b + b * relative)
    }

    /// Adds one word's scores from a single property's posting list.
    private func scoreOne(_ list: [Posting], field: Field, idf: Double, into scratch: inout Accumulator) {
        let k1 = parameters.k1
        for posting in list {
            let tf = weightedFrequency(posting.frequency, slot: posting.slot, field: field)
            scratch.add(idf * tf / (k1 + tf), to: posting.slot)
        }
    }

    /// Adds one word's scores from several properties' posting lists, merged by slot so that the frequencies of a
    /// document are summed before saturation.
    private func scoreMany(
        _ lists: [(list: [Posting], field: Field)],
        idf: Double,
        into scratch: inout Accumulator
    ) {
        let k1 = parameters.k1
        var cursors = [Int](repeating: 0, count: lists.count)
        while true {
            var slot = UInt32.max
            for (i, entry) in lists.enumerated() where cursors[i] < entry.list.count {
                slot = min(slot, entry.list[cursors[i]].slot)
            }
            guard slot != .max else { return }
            var tf = 0.0
            for (i, entry) in lists.enumerated()
            where cursors[i] < entry.list.count && entry.list[cursors[i]].slot == slot {
                tf += weightedFrequency(entry.list[cursors[i]].frequency, slot: slot, field: entry.field)
                cursors[i] += 1
            }
            scratch.add(idf * tf / (k1 + tf), to: slot)
        }
    }

    /// The number of distinct slots in several sorted posting lists.
    private static func unionCount(_ lists: [[Posting]]) -> Int {
        var cursors = [Int](repeating: 0, count: lists.count)
        var distinct = 0
        while true {
            var slot = UInt32.max
            for (i, list) in lists.enumerated() where cursors[i] < list.count {
                slot = min(slot, list[cursors[i]].slot)
            }
            guard slot != .max else { return distinct }
            distinct += 1
            for (i, list) in lists.enumerated() where cursors[i] < list.count && list[cursors[i]].slot == slot {
                cursors[i] += 1
            }
        }
    }
}
