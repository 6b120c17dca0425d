// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Maps the `model_type` of a `config.json` to the native implementation that loads it.
///
/// The registry is an immutable value; build your own to add a family (see ``PretrainedModel``).
///
/// ```swift
/// let embedder = try await ModelRegistry.standard.embedder(directory: folder)   // CLIP or sentence BERT
/// let model = try await ModelRegistry.standard.load(directory: folder)
/// if let clip = model as? CLIPModel { … }
/// ```
public struct ModelRegistry: Sendable {
    private let implementations: [String: any PretrainedModel.Type]

    /// The models this library implements: CLIP (`clip`) and BERT (`bert`).
    public static let standard = ModelRegistry([CLIPModel.self, BERTModel.self])

    /// A registry of the given implementations; a later one wins when two claim a model type.
    /// - Parameter models: The implementations.
    public init(_ models: [any PretrainedModel.Type]) {
        var implementations: [String: any PretrainedModel.Type] = [:]
        for model in models {
            for type in model.modelTypes { implementations[type] = model }
        }
        self.implementations = implementations
    }

    /// The model types this registry can load, sorted.
    public var modelTypes: [String] { implementations.keys.sorted() }

    /// The implementation registered for `modelType`, or `nil`.
    /// - Parameter modelType: A `model_type` value.
    /// - Returns: The implementation, if any.
    public func implementation(for modelType: String) -> (any PretrainedModel.Type)? {
        implementations[modelType]
    }

    /// Reads `config.json` in `directory` and loads the model with the matching implementation.
    /// - Parameters:
    ///   - directory: The checkpoint folder.
    ///   - variant: A weight-file variant, or `nil`.
    /// - Returns: The model.
    /// - Throws: ``EmbeddingError/Code/unsupportedModel`` naming an unregistered `model_type`, and what the
    ///   implementation's loader throws.
    public func load(directory: URL, variant: String? = nil) async throws(EmbeddingError) -> any PretrainedModel {
        try await implementation(in: directory).init(directory: directory, variant: variant)
    }

    /// Reads `config.json` in `directory` and loads the matching implementation's ``Embedder`` (model,
    /// tokenizer and preprocessing).
    /// - Parameters:
    ///   - directory: The checkpoint folder.
    ///   - variant: A weight-file variant, or `nil`.
    /// - Returns: The embedder, for example a ``CLIPEmbedder`` or a ``SentenceEmbedder``.
    /// - Throws: ``EmbeddingError/Code/unsupportedModel`` naming an unregistered `model_type`, and what the
    ///   implementation's loader throws.
    public func embedder(directory: URL, variant: String? = nil) async throws(EmbeddingError) -> any Embedder {
        try await implementation(in: directory).embedder(directory: directory, variant: variant)
    }

    private func implementation(in directory: URL) throws(EmbeddingError) -> any PretrainedModel.Type {
        let type = try ModelConfigurationFile.modelType(in: directory)
        guard let implementation = implementations[type] else {
            throw EmbeddingError(
                .unsupportedModel,
                "model_type \(type) is not implemented (known: \(modelTypes.joined(separator: ", ")))"
            )
        }
        return implementation
    }
}
