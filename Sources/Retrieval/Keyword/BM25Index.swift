// SPDX-License-Identifier: Apache-2.0

/// An in-memory inverted index over the text properties of documents keyed by `UInt64`, ranked with BM25F.
///
/// Each indexed property has its own posting lists (document, term frequency) and document lengths. A query walks
/// only the posting lists of its words, so its cost grows with how many documents contain those words, not with
/// the size of the index.
///
/// ```swift
/// var index = try BM25Index(properties: ["title", "summary"])
/// index.upsert(1, texts: ["title": "Fast JSON", "summary": "A fast JSON parser for Swift"])
/// index.upsert(2, texts: ["title": "YAML", "summary": "Parse YAML documents"])
/// let hits = try index.search(KeywordQuery("json parser", properties: [.init("title", boost: 2), .init("summary")]))
/// // hits[0].key == 1
/// ```
///
/// ## Scoring
///
/// For a query word `t` and a document `d`, with the searched properties `p`, their boosts `w(p)`, the term
/// frequency `tf(t, p, d)`, the property length `len(p, d)` in words and its mean over all documents `avg(p)`:
///
///     tf̃(t, d)   = Σ_p w(p) · tf(t, p, d) / (1 − b + b · len(p, d) / avg(p))
///     score(d)  = Σ_t idf(t) · q(t) · tf̃(t, d) / (k1 + tf̃(t, d))
///     idf(t)    = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5))
///
/// `N` is the number of documents in the index, `n(t)` the number that contain `t` in any searched property (an
/// allow-set does not change it, as in Weaviate) and `q(t)` how often `t` occurs in the query. This is BM25F in the
/// form of Robertson and Zaragoza: frequencies from all properties are added before one saturation. With a single
/// property it is Lucene's BM25 (without the constant `k1 + 1` factor), the idf is Weaviate's, and so are the
/// defaults `k1 = 1.2`, `b = 0.75`.
///
/// The index is a value: copies are independent, and reading one copy from many threads is safe.
public struct BM25Index: Sendable {
    /// The BM25 constants.
    public struct Parameters: Sendable, Hashable {
        /// Term-frequency saturation: 0 ignores frequencies, larger values let repeated words count longer.
        public var k1: Double
        /// Length normalisation: 0 ignores document length, 1 divides frequencies by the relative length.
        public var b: Double

        /// Creates parameters; Weaviate's (and Lucene's) defaults are `k1 = 1.2`, `b = 0.75`.
        ///
        /// - Parameters:
        ///   - k1: Term-frequency saturation, finite and at least 0.
        ///   - b: Length normalisation, in `0...1`.
        public init(k1: Double = 1.2, b: Double = 0.75) {
            self.k1 = k1
            self.b = b
        }
    }

    /// The indexed property names, in the order given at creation.
    public let properties: [String]
    /// The BM25 constants.
    public let parameters: Parameters
    /// How documents and queries are split into words.
    public let tokenizer: WordTokenizer

    /// Posting lists and lengths of one property.
    struct PropertyPostings: Sendable {
        /// Posting lists by term id; each is sorted by slot.
        ///
        /// Lists may be missing past the end while a batch is added (``upsert(keys:forEachWord:)`` pads every
        /// property to the vocabulary before it returns).
        var lists: [[Posting]] = []
        /// The length in words of each slot's text (0 for removed slots).
        var lengths: [UInt32] = []
        /// The sum of `lengths`.
        var totalLength = 0
    }

    /// One document in a posting list: its slot and the term's frequency in it.
    struct Posting: Sendable {
        var slot: UInt32
        var frequency: UInt32
    }

    /// The words and their term ids.
    var vocabulary = Vocabulary()
    /// Per indexed property, in ``properties`` order.
    var postings: [PropertyPostings]
    /// The key of each slot; removed slots keep their old key and are marked in `isLive`.
    var slotKeys: [UInt64] = []
    /// Whether each slot holds a document.
    var isLive: [Bool] = []
    /// The `(property, term)` pairs of every slot, as `term * propertyCount + property`, end to end in slot order:
    /// slot `s`'s are `slotTermEntries[slotTermStarts[s]..<slotTermStarts[s + 1]]` (a removed slot's stay until
    /// the slots are renumbered).
    var slotTermEntries: [UInt32] = []
    /// Where each slot's pairs start in `slotTermEntries`, and their end as the last element.
    var slotTermStarts: [Int] = [0]
    /// The slot of each stored key.
    var slotByKey: [UInt64: UInt32] = [:]
    /// Slots that no longer hold a document; when they outnumber the live ones the slots are renumbered.
    var deadSlots = 0

    /// Creates an empty index over some text properties.
    ///
    /// - Parameters:
    ///   - properties: The names of the text properties to index; at least one, no duplicates.
    ///   - parameters: `k1` and `b`; `k1 = 1.2`, `b = 0.75` by default.
    ///   - tokenizer: How text is split into words; Weaviate's `word` tokenization with English stop words by
    ///     default.
    /// - Throws: ``RetrievalError`` with code `invalidSchema` for an empty or repeated property name, or when `k1`
    ///   is negative or not finite, or `b` is outside `0...1`.
    public init(
        properties: [String],
        parameters: Parameters = Parameters(),
        tokenizer: WordTokenizer = WordTokenizer()
    ) throws(RetrievalError) {
        guard !properties.isEmpty else {
            throw RetrievalError(.invalidSchema, "a keyword index needs at least one property")
        }
        if let empty = properties.firstIndex(where: \.isEmpty) {
            throw RetrievalError(.invalidSchema, "keyword index property \(empty) has an empty name")
        }
        guard Set(properties).count == properties.count else {
            throw RetrievalError(.invalidSchema, "keyword index properties \(properties) repeat a name")
        }
        guard parameters.k1.isFinite, parameters.k1 >= 0 else {
            throw RetrievalError(.invalidSchema, "BM25 k1 must be finite and at least 0, not \(parameters.k1)")
        }
        guard parameters.b >= 0, parameters.b <= 1 else {
            throw RetrievalError(.invalidSchema, "BM25 b must be in 0...1, not \(parameters.b)")
        }
        self.properties = properties
        self.parameters = parameters
        self.tokenizer = tokenizer
        self.postings = Array(repeating: PropertyPostings(), count: properties.count)
    }

    /// The number of documents in the index.
    public var count: Int { slotByKey.count }

    /// Whether a document is stored under `key`.
    public func contains(_ key: UInt64) -> Bool { slotByKey[key] != nil }

    /// The number of documents whose `property` contains `word` (after lower-casing), or `nil` for a property the
    /// index does not have.
    public func documentFrequency(of word: String, in property: String) -> Int? {
        guard let p = properties.firstIndex(of: property) else { return nil }
        guard let term = vocabulary.id(of: word.lowercased()) else { return 0 }
        return postings[p].lists[Int(term)].count
    }

    /// Adds a document, or replaces the one stored under the same key.
    ///
    /// Properties missing from `texts` are empty; names the index does not have are ignored, so a caller may pass
    /// all of an object's text properties.
    ///
    /// - Parameters:
    ///   - key: The document's key.
    ///   - texts: Property values.
    /// - Complexity: O(words) to add; a replaced document is first removed (see ``remove(_:)``).
    public mutating func upsert(_ key: UInt64, texts: [String: String]) {
        upsert(keys: [key]) { _, name, words in
            if let text = texts[name] { WordTokenizer.appendWords(of: text, to: &words) }
        }
    }

    /// Adds a document whose properties are arrays of text (Weaviate's `text[]`), or replaces the one stored under
    /// the same key; the words of all elements of a property count as one text.
    ///
    /// - Parameters:
    ///   - key: The document's key.
    ///   - textArrays: Property values.
    public mutating func upsert(_ key: UInt64, textArrays: [String: [String]]) {
        upsert(keys: [key]) { _, name, words in
            for text in textArrays[name] ?? [] { WordTokenizer.appendWords(of: text, to: &words) }
        }
    }

    /// Adds a document given as already tokenized words per property, or replaces the one under the same key.
    ///
    /// Words are used as given (not lower-cased or split again); queries must produce the same words to match.
    ///
    /// - Parameters:
    ///   - key: The document's key.
    ///   - tokens: The words of each property.
    public mutating func upsert(_ key: UInt64, tokens: [String: [String]]) {
        upsert(keys: [key]) { _, name, words in
            for word in tokens[name] ?? [] { words.append(word) }
        }
    }

    /// Adds documents, or replaces the ones stored under the same keys; a key given twice keeps its last document.
    ///
    /// `appendWords(document, property, &words)` appends the words of one property of the document at position
    /// `document` in `keys` to `words` (an empty list each time).
    mutating func upsert(keys: [UInt64], appendWords: (Int, String, inout WordList) -> Void) {
        var lastPosition: [UInt64: Int] = [:]
        lastPosition.reserveCapacity(keys.count)
        for (position, key) in keys.enumerated() { lastPosition[key] = position }
        for key in lastPosition.keys where slotByKey[key] != nil { remove(key) }
        let propertyCount = UInt32(properties.count)
        var ids: [UInt32] = []
        var words = WordList()
        // Each property's postings are moved out while a document's words go in, so that the appends below
        // change the lists in place without a uniqueness check through `postings` for every word.
        var property = PropertyPostings()
        for (position, key) in keys.enumerated() where lastPosition[key] == position {
            let slot = UInt32(slotKeys.count)
            for p in properties.indices {
                // Each word is looked up once; sorting its term ids groups the repeats, whose run length is the
                // frequency.
                words.removeAll()
                appendWords(position, properties[p], &words)
                ids.removeAll(keepingCapacity: true)
                for i in 0..<words.count { ids.append(vocabulary.insert(utf8: words[i])) }
                swap(&property, &postings[p])
                property.lengths.append(UInt32(ids.count))
                property.totalLength += ids.count
                ids.sort()
                if let last = ids.last, Int(last) >= property.lists.count {
                    property.lists.append(contentsOf: repeatElement([], count: Int(last) + 1 - property.lists.count))
                }
                var start = 0
                while start < ids.count {
                    let term = ids[start]
                    var end = start + 1
                    while end < ids.count && ids[end] == term { end += 1 }
                    property.lists[Int(term)].append(Posting(slot: slot, frequency: UInt32(end - start)))
                    slotTermEntries.append(term &* propertyCount &+ UInt32(p))
                    start = end
                }
                swap(&property, &postings[p])
            }
            slotTermStarts.append(slotTermEntries.count)
            slotKeys.append(key)
            isLive.append(true)
            slotByKey[key] = slot
        }
        for p in postings.indices where postings[p].lists.count < vocabulary.count {
            postings[p].lists.append(contentsOf: repeatElement([], count: vocabulary.count - postings[p].lists.count))
        }
    }

    /// Removes the document stored under `key`.
    ///
    /// - Parameter key: The document's key.
    /// - Returns: Whether a document was removed.
    /// - Complexity: O(Σ length of the posting lists of its words), plus an occasional renumbering of all slots
    ///   (amortised O(1) per removal).
    @discardableResult
    public mutating func remove(_ key: UInt64) -> Bool {
        guard let slot = slotByKey.removeValue(forKey: key) else { return false }
        let propertyCount = UInt32(properties.count)
        for entry in slotTermEntries[slotTermStarts[Int(slot)]..<slotTermStarts[Int(slot) + 1]] {
            let p = Int(entry % propertyCount)
            let term = Int(entry / propertyCount)
            postings[p].lists[term].remove(at: Self.position(of: slot, in: postings[p].lists[term]))
        }
        for p in postings.indices {
            postings[p].totalLength -= Int(postings[p].lengths[Int(slot)])
            postings[p].lengths[Int(slot)] = 0
        }
        isLive[Int(slot)] = false
        deadSlots += 1
        if deadSlots >= 1024, deadSlots > count { renumberSlots() }
        return true
    }

    /// The index of `slot` in a sorted list that contains it.
    private static func position(of slot: UInt32, in list: [Posting]) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].slot < slot { low = middle + 1 } else { high = middle }
        }
        assert(low < list.count && list[low].slot == slot, "a posting list lost a slot")
        return low
    }

    /// Drops removed slots and renumbers the live ones in order, which keeps every posting list sorted.
    private mutating func renumberSlots() {
        var newSlot = [UInt32](repeating: .max, count: slotKeys.count)
        var next: UInt32 = 0
        for slot in slotKeys.indices where isLive[slot] {
            newSlot[slot] = next
            next += 1
        }
        for p in postings.indices {
            for term in postings[p].lists.indices {
                for i in postings[p].lists[term].indices {
                    postings[p].lists[term][i].slot = newSlot[Int(postings[p].lists[term][i].slot)]
                }
            }
            postings[p].lengths = postings[p].lengths.indices.filter { isLive[$0] }.map { postings[p].lengths[$0] }
        }
        slotKeys = slotKeys.indices.filter { isLive[$0] }.map { slotKeys[$0] }
        var entries: [UInt32] = []
        var starts = [0]
        for slot in isLive.indices where isLive[slot] {
            entries += slotTermEntries[slotTermStarts[slot]..<slotTermStarts[slot + 1]]
            starts.append(entries.count)
        }
        (slotTermEntries, slotTermStarts) = (entries, starts)
        isLive = Array(repeating: true, count: slotKeys.count)
        for (slot, key) in slotKeys.enumerated() { slotByKey[key] = UInt32(slot) }
        deadSlots = 0
    }
}
