// SPDX-License-Identifier: Apache-2.0

public import Embedding
public import VectorIndex

/// A property of a collection: a name and a type.
public struct Property: Sendable, Hashable {
    /// The property's name: a letter or `_`, then letters, digits or `_` (at most 128 characters).
    public var name: String
    /// The type every value of the property has.
    public var type: PropertyType

    /// Creates a property.
    public init(_ name: String, _ type: PropertyType) {
        self.name = name
        self.type = type
    }
}

/// One input of a named vector: a property whose value is embedded, with a weight.
///
/// As in multi-modal vectorizer modules (`textFields`, `imageFields`, `weights`), each source is embedded on its
/// own and the named vector is the weighted mean of the sources an object has, re-normalised when the space is
/// normalised.
public struct VectorSource: Sendable, Hashable {
    /// The property to embed: a text property (embedded as text) or a blob property (decoded as an image, a
    /// sound or a video, whichever its bytes are).
    public var property: String
    /// The source's weight in the mean (positive and finite).
    public var weight: Double

    /// Creates a source.
    public init(_ property: String, weight: Double = 1) {
        self.property = property
        self.weight = weight
    }
}

/// How a named vector's vectors are indexed.
public enum VectorIndexKind: Sendable, Hashable {
    /// Exact search over every vector.
    case flat
    /// An inverted-file, product-quantised index, trained from the stored vectors when the first
    /// `configuration.listCount × 39` vectors are in (until then searches are exact).
    case ivfpq(IVFPQConfiguration, search: IVFPQSearchParameters = IVFPQSearchParameters())
    /// Exact search until `threshold` objects, then an IVF-PQ index trained in the background from the stored
    /// vectors and swapped in atomically; queries are answered throughout.
    case automatic(threshold: Int, IVFPQConfiguration, search: IVFPQSearchParameters = IVFPQSearchParameters())
}

/// A named vector: a vector space of the collection with its embedder, its sources and its index.
///
/// An object has at most one vector per named vector. Several named vectors let one collection be searched in
/// several spaces (a CLIP space for photos, a sentence-model space for captions).
public struct NamedVector: Sendable {
    /// The vector's name (same rules as property names).
    public var name: String
    /// The space the vectors belong to; opening the collection with an embedder of another space is refused.
    public var space: EmbeddingSpace
    /// The embedder that fills the vector from ``sources`` and embeds queries; `nil` when the caller supplies
    /// every vector (then only `near(vector:)` and `near(object:)` queries work on it).
    public var embedder: (any Embedder)?
    /// The properties embedded into the vector.
    public var sources: [VectorSource]
    /// How the vectors are indexed.
    public var index: VectorIndexKind
    /// How vectors are compared.
    ///
    /// `nil` picks the rule: inner product for an `.l2`-normalised space (the vectors
    /// are unit length, so it equals cosine similarity without normalising again), cosine otherwise.
    public var metric: Metric?

    /// A named vector filled by `embedder` from `sources`.
    public init(
        _ name: String,
        embedder: any Embedder,
        sources: [VectorSource],
        index: VectorIndexKind = .flat,
        metric: Metric? = nil
    ) {
        self.name = name
        self.space = embedder.space
        self.embedder = embedder
        self.sources = sources
        self.index = index
        self.metric = metric
    }

    /// A named vector whose vectors the caller supplies.
    public init(_ name: String, space: EmbeddingSpace, index: VectorIndexKind = .flat, metric: Metric? = nil) {
        self.name = name
        self.space = space
        self.embedder = nil
        self.sources = []
        self.index = index
        self.metric = metric
    }

    /// The metric in use: ``metric`` or the rule's choice.
    public var effectiveMetric: Metric {
        metric ?? (space.normalization == .l2 ? .innerProduct : .cosine)
    }
}

/// What a collection holds: typed properties and named vectors.
///
/// ```swift
/// let schema = try CollectionSchema(
///     properties: [Property("caption", .text), Property("photo", .blob), Property("year", .integer)],
///     vectors: [NamedVector("clip", embedder: clip, sources: [VectorSource("photo"), VectorSource("caption")])]
/// )
/// ```
public struct CollectionSchema: Sendable {
    /// The properties, in declaration order.
    public let properties: [Property]
    /// The named vectors, in declaration order.
    public let vectors: [NamedVector]
    /// The keyword index: its properties, BM25 constants and stop words.
    public let keyword: KeywordSettings

    /// Creates a schema after checking it.
    ///
    /// - Throws: ``RetrievalError/Code/invalidSchema`` for an invalid or repeated name, a source that is not a
    ///   text or blob property, a weight that is not positive, a vector without an embedder that has sources,
    ///   an embedder whose space disagrees with the vector's, IVF-PQ parameters that do not fit the space, or
    ///   keyword settings that name a property that is not text or a text array or whose BM25 constants are out
    ///   of range.
    public init(
        properties: [Property],
        vectors: [NamedVector],
        keyword: KeywordSettings = KeywordSettings()
    ) throws(RetrievalError) {
        var seen = Set<String>()
        for property in properties {
            try Self.checkName(property.name, "property")
            guard seen.insert(property.name).inserted else {
                throw RetrievalError(.invalidSchema, "property \"\(property.name)\" is declared twice")
            }
        }
        guard !vectors.isEmpty else { throw RetrievalError(.invalidSchema, "a collection needs a named vector") }
        var vectorNames = Set<String>()
        for vector in vectors {
            try Self.checkName(vector.name, "named vector")
            guard vectorNames.insert(vector.name).inserted else {
                throw RetrievalError(.invalidSchema, "named vector \"\(vector.name)\" is declared twice")
            }
            if let embedder = vector.embedder, embedder.space != vector.space {
                throw RetrievalError(
                    .spaceMismatch,
                    "named vector \"\(vector.name)\" is in space \(vector.space), its embedder in \(embedder.space)"
                )
            }
            if vector.embedder == nil && !vector.sources.isEmpty {
                throw RetrievalError(.invalidSchema, "named vector \"\(vector.name)\" has sources but no embedder")
            }
            if vector.embedder != nil && vector.sources.isEmpty {
                throw RetrievalError(.invalidSchema, "named vector \"\(vector.name)\" has an embedder but no sources")
            }
            for source in vector.sources {
                guard let property = properties.first(where: { $0.name == source.property }) else {
                    throw RetrievalError(
                        .unknownProperty,
                        "named vector \"\(vector.name)\" reads property \"\(source.property)\", which is not declared"
                    )
                }
                guard property.type == .text || property.type == .blob else {
                    throw RetrievalError(
                        .invalidSchema,
                        "named vector \"\(vector.name)\" reads \"\(source.property)\", a \(property.type) property; "
                            + "sources are text or blob properties"
                    )
                }
                guard source.weight > 0 && source.weight.isFinite else {
                    throw RetrievalError(.invalidSchema, "source \"\(source.property)\" has weight \(source.weight)")
                }
            }
            switch vector.index {
            case .flat: break
            case .ivfpq(let configuration, _), .automatic(_, let configuration, _):
                guard vector.space.dimension % configuration.subquantizerCount == 0 else {
                    throw RetrievalError(
                        .invalidSchema,
                        "named vector \"\(vector.name)\": \(configuration.subquantizerCount) sub-quantizers do not "
                            + "divide dimension \(vector.space.dimension)"
                    )
                }
            }
            if case .automatic(let threshold, _, _) = vector.index, threshold < 1 {
                throw RetrievalError(.invalidSchema, "named vector \"\(vector.name)\": threshold \(threshold) < 1")
            }
        }
        for name in keyword.properties ?? [] {
            guard let property = properties.first(where: { $0.name == name }) else {
                throw RetrievalError(
                    .unknownProperty,
                    "the keyword index names property \"\(name)\", which is not declared"
                )
            }
            guard property.type == .text || property.type == .textArray else {
                throw RetrievalError(
                    .invalidSchema,
                    "the keyword index names \"\(name)\", a \(property.type) property; it indexes text and text arrays"
                )
            }
        }
        self.properties = properties
        self.vectors = vectors
        self.keyword = keyword
        _ = try resolvedKeyword.makeIndex()  // checks the names and the BM25 constants
    }

    /// The keyword settings with `nil` properties resolved to every text and text-array property.
    var resolvedKeyword: KeywordSettings {
        var settings = keyword
        if settings.properties == nil {
            settings.properties = properties.filter { $0.type == .text || $0.type == .textArray }.map(\.name)
        }
        return settings
    }

    /// The property named `name`.
    public func property(named name: String) -> Property? { properties.first { $0.name == name } }

    /// The named vector named `name`.
    public func vector(named name: String) -> NamedVector? { vectors.first { $0.name == name } }

    /// Names: a letter or `_`, then letters, digits or `_`, at most 128 characters.
    static func checkName(_ name: String, _ what: String) throws(RetrievalError) {
        let bytes = Array(name.utf8)
        func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F }
        guard let first = bytes.first, isLetter(first), bytes.count <= 128,
            bytes.allSatisfy({ isLetter($0) || (0x30...0x39).contains($0) })
        else {
            throw RetrievalError(
                .invalidSchema,
                "\(what) name \"\(name.prefix(80))\" must be a letter or _, then letters, digits or _ (≤ 128)"
            )
        }
    }
}
