// SPDX-License-Identifier: Apache-2.0

public import Embedding
public import MediaDecoding

public import struct Foundation.UUID

/// What a vector query looks for: a text, an image, a sound, a video, a depth map, a thermal image, an IMU series,
/// a vector or a stored object.
///
/// Each input is embedded by the named vector's embedder, which must take its modality (depth, thermal and IMU:
/// `ImageBindEmbedder`).
public enum Concept: Sendable {
    /// A text, embedded by the named vector's embedder.
    case text(String)
    /// A decoded image.
    case image(Image)
    /// Decoded audio.
    case audio(AudioBuffer)
    /// A decoded video clip.
    case video(VideoClip)
    /// A depth map.
    case depth(SingleChannelMap)
    /// A thermal image.
    case thermal(SingleChannelMap)
    /// An inertial measurement series (accelerometer and gyroscope).
    case imu(IMUSeries)
    /// A vector of the named vector's space.
    case vector([Float])
    /// The stored vector of an object.
    case object(UUID)
}

/// How the distances of several named vectors combine into one (the join strategies of multi-target search).
public enum TargetJoin: Sendable, Hashable {
    /// The smallest distance over the targets (the default).
    case minimum
    /// The sum of the distances.
    case sum
    /// The mean of the distances.
    case average
    /// The weighted sum of the distances, weights by named vector.
    case manualWeights([String: Double])
    /// The weighted sum of the distances after each target's distances are min-max normalised over the
    /// candidates (0 for the nearest, 1 for the farthest), weights by named vector.
    case relativeScore([String: Double])
}

/// A vector query over one or more named vectors.
///
/// Each target embeds its concepts in its named vector's space and combines them into one query vector: the
/// weighted sum of the unit-length concept vectors, scaled back to unit length ("a pigeon photo + a motorbike
/// sound"). Several targets are searched separately and their distances joined by ``join``.
///
/// ```swift
/// var query = NearQuery(target: .init(vector: "bind", concepts: [(.image(pigeon), 1), (.audio(engine), 1)]))
/// query.limit = 5
/// let results = try await collection.search(query)
/// ```
public struct NearQuery: Sendable {
    /// One named vector and what to look for in it.
    public struct Target: Sendable {
        /// The named vector (`nil`: the collection's only or first named vector).
        public var vector: String?
        /// The concepts and their weights.
        public var concepts: [(concept: Concept, weight: Double)]

        /// Creates a target.
        public init(vector: String? = nil, concepts: [(concept: Concept, weight: Double)]) {
            self.vector = vector
            self.concepts = concepts
        }

        /// A target with one concept.
        public init(vector: String? = nil, _ concept: Concept) {
            self.init(vector: vector, concepts: [(concept, 1)])
        }

        /// The first text concept, the text a reranker compares candidates with.
        var firstText: String? {
            concepts.lazy.compactMap { if case .text(let text) = $0.concept { text } else { nil } }.first
        }
    }

    /// The targets (at least one; distinct named vectors).
    public var targets: [Target]
    /// How the targets' distances combine.
    public var join: TargetJoin = .minimum
    /// The most results to return.
    public var limit: Int = 10
    /// How many of the best results to skip.
    public var offset: Int = 0
    /// Drop results farther than this (joined) distance.
    public var maxDistance: Float?
    /// Drop results whose certainty (`1 − distance / 2`, cosine distances only) is below this.
    public var certainty: Float?
    /// Cut the results after this many jumps in the distance curve (`nil` or 0: no cut).
    public var autocut: Int?
    /// Only objects that pass this filter are returned; when at least `offset + limit` objects pass, that many
    /// are found.
    public var filter: Filter?
    /// Re-score the best candidates with a reranker.
    public var rerank: Rerank?
    /// Pick varied results among the best candidates.
    public var diversity: Diversity?
    /// Whether results carry the objects' vectors.
    public var includeVectors = false
    /// The blob properties whose bytes results should carry.
    public var includeBlobs: [String] = []

    /// Creates a query.
    public init(targets: [Target]) {
        self.targets = targets
    }

    /// A query with one target.
    public init(target: Target) {
        self.init(targets: [target])
    }
}

/// One result of a query.
///
/// Every query kind ranks by ``score`` (higher is better); the components that produced it are kept beside it.
public struct QueryResult: Sendable {
    /// The object.
    public var object: CollectionObject
    /// The ranking score, higher is better: for a vector query the cosine similarity (`1 − distance`) when every
    /// target measures cosine distances and `−distance` otherwise; for a keyword query the BM25F score; for a
    /// hybrid query the fused score; after reranking the reranker's score.
    public var score: Float
    /// The joined vector distance to the query (smaller is closer), or `nil` when no vector search found the
    /// object (a keyword query, or a hybrid result only the keyword leg found).
    public var distance: Float?
    /// `1 − distance / 2` when every target measures cosine distances.
    public var certainty: Float?
    /// The vector distance in each target.
    public var distances: [String: Float]
    /// The target that matched best (smallest distance), for results a vector search found.
    public var matchedTarget: String?
    /// The BM25F score, for results a keyword search found.
    public var keywordScore: Float?
    /// The reranker's score, when the query was reranked.
    public var rerankScore: Float?
    /// The requested blob properties' bytes, by property.
    public var blobs: [String: [UInt8]]

    /// Creates a result.
    public init(
        object: CollectionObject,
        score: Float,
        distance: Float? = nil,
        certainty: Float? = nil,
        distances: [String: Float] = [:],
        matchedTarget: String? = nil,
        keywordScore: Float? = nil,
        rerankScore: Float? = nil,
        blobs: [String: [UInt8]] = [:]
    ) {
        self.object = object
        self.score = score
        self.distance = distance
        self.certainty = certainty
        self.distances = distances
        self.matchedTarget = matchedTarget
        self.keywordScore = keywordScore
        self.rerankScore = rerankScore
        self.blobs = blobs
    }
}
