// SPDX-License-Identifier: Apache-2.0

import _RAGInternals

/// How a collection's keyword (BM25F) index is built: which text properties it holds, the BM25 constants and the
/// stop words dropped from queries (Weaviate's `invertedIndexConfig`).
///
/// ```swift
/// let schema = try CollectionSchema(
///     properties: [Property("title", .text), Property("summary", .text), Property("tags", .textArray)],
///     vectors: [NamedVector("text", embedder: minilm, sources: [VectorSource("summary")])],
///     keyword: KeywordSettings(properties: ["title", "summary"], parameters: .init(k1: 1.2, b: 0.75))
/// )
/// ```
public struct KeywordSettings: Sendable, Hashable {
    /// The indexed text and text-array properties; `nil` indexes every one the schema declares.
    public var properties: [String]?
    /// `k1` and `b`.
    public var parameters: BM25Index.Parameters
    /// Words dropped from queries (documents keep them, so their lengths count every word, as in Weaviate).
    public var stopWords: Set<String>

    /// Creates settings.
    ///
    /// - Parameters:
    ///   - properties: The indexed properties; `nil` (the default) indexes every text and text-array property.
    ///   - parameters: `k1 = 1.2`, `b = 0.75` by default.
    ///   - stopWords: English stop words by default; pass `[]` to keep every query word.
    public init(
        properties: [String]? = nil,
        parameters: BM25Index.Parameters = BM25Index.Parameters(),
        stopWords: Set<String> = WordTokenizer.englishStopWords
    ) {
        self.properties = properties
        self.parameters = parameters
        self.stopWords = stopWords
    }

    /// An empty index over `properties`, or `nil` when there are none.
    func makeIndex() throws(RetrievalError) -> BM25Index? {
        guard let properties, !properties.isEmpty else { return nil }
        return try BM25Index(
            properties: properties,
            parameters: parameters,
            tokenizer: WordTokenizer(stopWords: stopWords)
        )
    }

    func append(to writer: inout BinaryWriter) {
        writer.append(properties != nil)
        writer.append(UInt32(properties?.count ?? 0))
        for name in properties ?? [] { writer.append(name) }
        writer.append(parameters.k1)
        writer.append(parameters.b)
        writer.append(UInt32(stopWords.count))
        // In UTF-8 order (a total order, unlike `String <`), so equal settings give equal bytes.
        for word in stopWords.sorted(by: UTF8Order.precedes) { writer.append(word) }
    }

    static func read(_ reader: inout BinaryReader) throws(FileError) -> KeywordSettings {
        let hasProperties = try reader.read(UInt8.self) != 0
        var names: [String] = []
        let count = Int(try reader.read(UInt32.self))
        for _ in 0..<min(count, reader.remaining) { names.append(try reader.readString()) }
        let k1 = try reader.readDouble()
        let b = try reader.readDouble()
        var words: Set<String> = []
        let wordCount = Int(try reader.read(UInt32.self))
        for _ in 0..<min(wordCount, reader.remaining) { words.insert(try reader.readString()) }
        guard names.count == count, words.count == wordCount, k1.isFinite, k1 >= 0, b >= 0, b <= 1 else {
            throw reader.corrupt("the keyword settings")
        }
        return KeywordSettings(
            properties: hasProperties ? names : nil,
            parameters: BM25Index.Parameters(k1: k1, b: b),
            stopWords: words
        )
    }
}
