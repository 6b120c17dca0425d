// SPDX-License-Identifier: Apache-2.0

/// The identity of a vector space: which model (and revision) produced the vectors, their dimension, and
/// whether they are L2-normalised.
///
/// Two embedders whose spaces are equal produce comparable vectors; this is how contrastive pairs (a CLIP text
/// tower and image tower) are expressed. Store it beside the vectors you index and compare it before adding or
/// searching, so vectors of different models never mix (``CachingEmbedder`` keys its entries by it).
public struct EmbeddingSpace: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How the vectors of a space are normalised.
    public enum Normalization: String, Sendable, Hashable, Codable {
        /// Raw model outputs.
        case none
        /// Every vector has unit Euclidean length (inner product = cosine similarity).
        ///
        /// Index such vectors by inner product, not cosine: the ranking and the scores are the cosine's, and the
        /// index scans the vectors as the embedder produced them (``EmbeddingMatrix/normalized()`` is the same
        /// normaliser a cosine index would apply, so nothing is rounded twice). A collection does this for
        /// every `.l2` named vector whose metric is left unset.
        case l2
    }

    /// The model's identifier, for example `openai/clip-vit-base-patch32`.
    public let modelID: String
    /// The checkpoint revision: a commit hash or tag, or `sha256:<digest>` of the weight files (what ``CLIPModel``
    /// and ``BERTModel`` record for a checkpoint folder that is not a hub snapshot); empty when unknown.
    public let revision: String
    /// The number of components of every vector.
    public let dimension: Int
    /// How the vectors are normalised.
    public let normalization: Normalization

    /// Creates a space identity.
    /// - Parameters:
    ///   - modelID: The model's identifier.
    ///   - revision: The checkpoint revision; empty when unknown.
    ///   - dimension: The vector length.
    ///   - normalization: How vectors are normalised.
    /// - Precondition: `dimension >= 1`.
    public init(modelID: String, revision: String = "", dimension: Int, normalization: Normalization) {
        precondition(dimension >= 1, "dimension must be at least 1")
        self.modelID = modelID
        self.revision = revision
        self.dimension = dimension
        self.normalization = normalization
    }

    /// `modelID@revision (dimension, normalization)`.
    public var description: String {
        "\(modelID)\(revision.isEmpty ? "" : "@\(revision)") (\(dimension), \(normalization.rawValue))"
    }
}
