// SPDX-License-Identifier: Apache-2.0

/// A BERT sentence model behind the ``Embedder`` seam (text only).
///
/// The host supplies the tokenizer (WordPiece with `[CLS]` … `[SEP]`, truncated to the model's positions).
///
/// ```swift
/// let model = try await BERTModel(directory: miniLMFolder)
/// let embedder = BERTEmbedder(model: model, tokenize: { try wordPiece.encode($0) })
/// let vectors = try await embedder.embed([.text("a kitten napping on the couch")])
/// ```
public struct BERTEmbedder: Embedder {
    /// The model.
    public let model: BERTModel
    /// Turns a text into token ids.
    public let tokenize: @Sendable (String) throws -> [Int]

    /// Wraps a model with its tokenizer.
    /// - Parameters:
    ///   - model: The BERT sentence model.
    ///   - tokenize: The tokenizer.
    public init(model: BERTModel, tokenize: @escaping @Sendable (String) throws -> [Int]) {
        self.model = model
        self.tokenize = tokenize
    }

    /// The model's space.
    public var space: EmbeddingSpace { model.space }

    /// `[.text]`.
    public var modalities: Set<Modality> { [.text] }

    /// Embeds a batch of texts in one model call.
    /// - Parameter inputs: Texts.
    /// - Returns: One row per input, in order (normalised when the model normalises).
    /// - Throws: ``EmbeddingError/Code/unsupportedModality`` for non-text inputs, model input errors, and
    ///   whatever the tokenizer throws.
    public func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        var ids: [[Int]] = []
        for case .text(let text) in inputs { ids.append(try tokenize(text)) }
        return try model.sentenceEmbeddings(ids)
    }
}
