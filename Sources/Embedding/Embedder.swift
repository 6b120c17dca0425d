// SPDX-License-Identifier: Apache-2.0

/// Turns batches of inputs (text, images, audio, video) into vectors of one space.
///
/// This is the seam between media and retrieval. In this library ``CLIPEmbedder`` (a ``CLIPModel`` with its
/// tokenizer and image preprocessing), ``SentenceEmbedder`` (a ``BERTModel`` with its tokenizer), the hosted
/// ``OpenAIEmbedder`` and ``JinaEmbedder``, and ``CachingEmbedder`` conform; the bare models do not, since they
/// take token ids and pixel tensors rather than ``EmbeddingInput``s. A host conforms its own Core ML or MLX model
/// or embedding service (see <doc:UsingYourOwnEmbedder>). Work in batches; the requirement is deliberately small,
/// conveniences live in extensions. Implementations that compute (rather than wait for a server) mark
/// ``embed(_:)`` `@concurrent`, so a caller on the main actor is not blocked while they work.
///
/// ```swift
/// let embedder: any Embedder = myEmbedder
/// guard embedder.modalities.contains(.image) else { return }
/// let vectors = try await embedder.embed([.image(photo), .text("a cat")])
/// print(vectors.count, vectors.dimension == embedder.space.dimension)   // 2 true
/// ```
public protocol Embedder: Sendable {
    /// The identity of the vector space this embedder produces (model, revision, dimension, normalisation).
    var space: EmbeddingSpace { get }

    /// The kinds of input ``embed(_:)`` accepts.
    var modalities: Set<Modality> { get }

    /// Embeds a batch of inputs.
    ///
    /// - Parameter inputs: The items to embed, of any modality in ``modalities``.
    /// - Returns: One row per input, in order, each of `space.dimension` floats.
    /// - Throws: ``EmbeddingError`` with code ``EmbeddingError/Code/unsupportedModality`` when an input's
    ///   modality is not in ``modalities``; other errors for bad inputs or host failures.
    func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix
}

extension Embedder {
    /// Embeds one input.
    /// - Parameter input: The item to embed.
    /// - Returns: Its embedding, `space.dimension` floats.
    /// - Throws: What ``embed(_:)`` throws.
    public func embed(_ input: EmbeddingInput) async throws -> [Float] {
        Array(try await embed([input]).values)
    }

    /// Throws unless every input's modality is one this embedder accepts.
    /// - Parameter inputs: The batch about to be embedded.
    /// - Throws: ``EmbeddingError/Code/unsupportedModality`` naming the first offending input.
    public func checkModalities(_ inputs: [EmbeddingInput]) throws(EmbeddingError) {
        for (i, input) in inputs.enumerated() where !modalities.contains(input.modality) {
            throw EmbeddingError(
                .unsupportedModality,
                "input \(i) is \(input.modality.rawValue); \(space.modelID) accepts "
                    + modalities.map(\.rawValue).sorted().joined(separator: ", ")
            )
        }
    }
}
