// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A native model that can be loaded from a transformers checkpoint folder.
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
}

extension CLIPModel: PretrainedModel {
    /// `["clip"]`.
    public static var modelTypes: [String] { ["clip"] }
}

extension BERTModel: PretrainedModel {
    /// `["bert"]`.
    public static var modelTypes: [String] { ["bert"] }
}

/// Maps the `model_type` of a `config.json` to the native implementation that loads it.
///
/// ```swift
/// let model = try await ModelRegistry.standard.load(directory: folder)
/// if let clip = model as? CLIPModel { … }
/// ```
public struct ModelRegistry: Sendable {
    private let implementations: [String: any PretrainedModel.Type]

    /// The models this library implements: CLIP (`clip`) and BERT (`bert`).
    public static let standard = ModelRegistry([CLIPModel.self, BERTModel.self])

    /// A registry of the given implementations; a later one wins when two claim a model type.
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
    public func implementation(for modelType: String) -> (any PretrainedModel.Type)? {
        implementations[modelType]
    }

    /// Reads `config.json` in `directory` and loads the model with the matching implementation.
    /// - Throws: ``EmbeddingError/Code/unsupportedModel`` for an unregistered `model_type`, and what the
    ///   implementation's loader throws.
    public func load(directory: URL, variant: String? = nil) async throws(EmbeddingError) -> any PretrainedModel {
        let type = try ModelConfigurationFile.modelType(in: directory)
        guard let implementation = implementations[type] else {
            throw EmbeddingError(
                .unsupportedModel,
                "model_type \(type) is not implemented (known: \(modelTypes.joined(separator: ", ")))"
            )
        }
        return try await implementation.init(directory: directory, variant: variant)
    }
}
