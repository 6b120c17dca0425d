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
        var lists: [PostingList] = []
        /// The length in words of each slot's text (0 for removed slots).
        var lengths: [UInt32] = []
        /// The sum of `lengths`.
        var totalLength = 0
    }

    /// The documents containing one term in one property, sorted by slot, with the term's frequency in each.
    struct PostingList: Sendable {
        var slots: [UInt32] = []
        var frequencies: [UInt32] = []
    }

    /// Term ids by word.
    var termIDs: [String: UInt32] = [:]
    /// Per indexed property, in ``properties`` order.
    var postings: [PropertyPostings]
    /// The key of each slot; removed slots keep their old key and are marked in `isLive`.
    var slotKeys: [UInt64] = []
    /// Whether each slot holds a document.
    var isLive: [Bool] = []
    /// For each slot, the `(property, term)` pairs it appears in, as `term * propertyCount + property`.
    var slotTerms: [[UInt32]] = []
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
        guard let term = termIDs[word.lowercased()] else { return 0 }
        return postings[p].lists[Int(term)].slots.count
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
        upsert(key) { name, body in
            if let text = texts[name] { WordTokenizer.forEachWord(in: text, body) }
        }
    }

    /// Adds a document whose properties are arrays of text (Weaviate's `text[]`), or replaces the one stored under
    /// the same key; the words of all elements of a property count as one text.
    ///
    /// - Parameters:
    ///   - key: The document's key.
    ///   - textArrays: Property values.
    public mutating func upsert(_ key: UInt64, textArrays: [String: [String]]) {
        upsert(key) { name, body in
            for text in textArrays[name] ?? [] { WordTokenizer.forEachWord(in: text, body) }
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
        upsert(key) { name, body in
            for word in tokens[name] ?? [] { body(word) }
        }
    }

    /// Adds or replaces the document under `key`, whose words `forEachWord(property, body)` passes to `body`
    /// property by property (no array of words is built).
    private mutating func upsert(_ key: UInt64, forEachWord: (String, (String) -> Void) -> Void) {
        remove(key)
        let slot = UInt32(slotKeys.count)
        let propertyCount = UInt32(properties.count)
        var terms: [UInt32] = []
        var ids: [UInt32] = []
        for (p, name) in properties.enumerated() {
            // Each word is looked up once; sorting its term ids groups the repeats, whose run length is the
            // frequency.
            ids.removeAll(keepingCapacity: true)
            forEachWord(name) { ids.append(termID(for: $0)) }
            postings[p].lengths.append(UInt32(ids.count))
            postings[p].totalLength += ids.count
            ids.sort()
            var start = 0
            while start < ids.count {
                let term = ids[start]
                var end = start + 1
                while end < ids.count && ids[end] == term { end += 1 }
                postings[p].lists[Int(term)].slots.append(slot)
                postings[p].lists[Int(term)].frequencies.append(UInt32(end - start))
                terms.append(term &* propertyCount &+ UInt32(p))
                start = end
            }
        }
        slotKeys.append(key)
        isLive.append(true)
        slotTerms.append(terms)
        slotByKey[key] = slot
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
        for entry in slotTerms[Int(slot)] {
            let p = Int(entry % propertyCount)
            let term = Int(entry / propertyCount)
            let position = Self.position(of: slot, in: postings[p].lists[term].slots)
            postings[p].lists[term].slots.remove(at: position)
            postings[p].lists[term].frequencies.remove(at: position)
        }
        for p in postings.indices {
            postings[p].totalLength -= Int(postings[p].lengths[Int(slot)])
            postings[p].lengths[Int(slot)] = 0
        }
        slotTerms[Int(slot)] = []
        isLive[Int(slot)] = false
        deadSlots += 1
        if deadSlots >= 1024, deadSlots > count { renumberSlots() }
        return true
    }

    /// The id of `word`, creating an empty posting list in every property for a new word.
    private mutating func termID(for word: String) -> UInt32 {
        if let id = termIDs[word] { return id }
        let id = UInt32(termIDs.count)
        termIDs[word] = id
        for p in postings.indices { postings[p].lists.append(PostingList()) }
        return id
    }

    /// The index of `slot` in a sorted list that contains it.
    private static func position(of slot: UInt32, in slots: [UInt32]) -> Int {
        var low = 0
        var high = slots.count
        while low < high {
            let middle = (low + high) / 2
            if slots[middle] < slot { low = middle + 1 } else { high = middle }
        }
        assert(low < slots.count && slots[low] == slot, "a posting list lost a slot")
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
                for i in postings[p].lists[term].slots.indices {
                    postings[p].lists[term].slots[i] = newSlot[Int(postings[p].lists[term].slots[i])]
                }
            }
            postings[p].lengths = postings[p].lengths.indices.filter { isLive[$0] }.map { postings[p].lengths[$0] }
        }
        slotKeys = slotKeys.indices.filter { isLive[$0] }.map { slotKeys[$0] }
        slotTerms = slotTerms.indices.filter { isLive[$0] }.map { slotTerms[$0] }
        isLive = Array(repeating: true, count: slotKeys.count)
        for (slot, key) in slotKeys.enumerated() { slotByKey[key] = UInt32(slot) }
        deadSlots = 0
    }
}
