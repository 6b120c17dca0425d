// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A native model family that can be loaded from a transformers checkpoint folder, both as a bare model and as
/// an ``Embedder`` with its tokenizer and preprocessing.
///
/// Adding a family is one file: the model type, its loader, and this conformance naming the `model_type`
/// values it handles; list the type in a ``ModelRegistry`` to make it loadable by `model_type`.
///
/// ```swift
/// extension MyModel: PretrainedModel {
///     static var modelTypes: [String] { ["my_model"] }
///     static func embedder(directory: URL, variant: String?) async throws(EmbeddingError) -> any Embedder {
///         try await MyEmbedder(directory: directory, variant: variant)
///     }
/// }
/// ```
public protocol PretrainedModel: Sendable {
    /// The `model_type` values of `config.json` this implementation loads, for example `["clip"]`.
    static var modelTypes: [String] { get }

    /// The identity of the space the model embeds into.
    var space: EmbeddingSpace { get }

    /// Loads `config.json` and the weights from `directory`.
    /// - Parameters:
    ///   - directory: The checkpoint folder.
    ///   - variant: A weight-file variant (`fp16` → `model.fp16.safetensors`), or `nil`.
    /// - Throws: ``EmbeddingError`` for an unreadable or invalid configuration or checkpoint.
    init(directory: URL, variant: String?) async throws(EmbeddingError)

    /// Loads the model from `directory` together with everything its inputs need (tokenizer, image
    /// preprocessing, pooling), as a ready ``Embedder``.
    /// - Parameters:
    ///   - directory: The checkpoint folder.
    ///   - variant: A weight-file variant, or `nil`.
    /// - Returns: The embedder.
    /// - Throws: ``EmbeddingError`` for unreadable or invalid files.
    static func embedder(directory: URL, variant: String?) async throws(EmbeddingError) -> any Embedder
}

extension CLIPModel: PretrainedModel {
    /// `["clip"]`.
    public static var modelTypes: [String] { ["clip"] }

    /// A ``CLIPEmbedder`` loaded from `directory` (tokenizer files beside the weights).
    /// - Parameters:
    ///   - directory: The checkpoint folder.
    ///   - variant: A weight-file variant, or `nil`.
    /// - Returns: The embedder.
    /// - Throws: What ``CLIPEmbedder/init(directory:tokenizerDirectory:variant:)`` throws.
    public static func embedder(directory: URL, variant: String?) async throws(EmbeddingError) -> any Embedder {
        try await CLIPEmbedder(directory: directory, variant: variant)
    }
}

extension BERTModel: PretrainedModel {
    /// `["bert"]`.
    public static var modelTypes: [String] { ["bert"] }

    /// A ``SentenceEmbedder`` loaded from `directory`.
    /// - Parameters:
    ///   - directory: The sentence-transformers folder.
    ///   - variant: A weight-file variant, or `nil`.
    /// - Returns: The embedder.
    /// - Throws: What ``SentenceEmbedder/init(directory:variant:)`` throws.
    public static func embedder(directory: URL, variant: String?) async throws(EmbeddingError) -> any Embedder {
        try await SentenceEmbedder(directory: directory, variant: variant)
    }
}
