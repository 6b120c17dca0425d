// SPDX-License-Identifier: Apache-2.0

/// The hyper-parameters of a BERT encoder, as in a transformers `config.json` (`model_type: "bert"`).
///
/// Decoding fills absent fields with transformers' `BertConfig` defaults (BERT-base).
public struct BERTConfiguration: Sendable, Hashable, Codable {
    /// Rows of the word embedding table.
    public var vocabSize = 30522
    /// Width of the residual stream.
    public var hiddenSize = 768
    /// Encoder layers.
    public var numHiddenLayers = 12
    /// Attention heads (must divide ``hiddenSize``).
    public var numAttentionHeads = 12
    /// Width of the feed-forward layer.
    public var intermediateSize = 3072
    /// The activation of the feed-forward layer (`gelu` or `quick_gelu`).
    public var hiddenAct = "gelu"
    /// The longest token sequence (rows of the position table).
    public var maxPositionEmbeddings = 512
    /// Rows of the token-type (segment) table.
    public var typeVocabSize = 2
    /// LayerNorm epsilon.
    public var layerNormEps = 1e-12
    /// Only `absolute` positions are implemented.
    public var positionEmbeddingType = "absolute"

    /// Creates a configuration with transformers' defaults.
    public init() {}

    private enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act", maxPositionEmbeddings = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size", layerNormEps = "layer_norm_eps"
        case positionEmbeddingType = "position_embedding_type"
    }

    /// Decodes a transformers `config.json`; absent fields keep their defaults.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? vocabSize
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? hiddenSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? numAttentionHeads
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? intermediateSize
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? hiddenAct
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? maxPositionEmbeddings
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? typeVocabSize
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? layerNormEps
        positionEmbeddingType =
            try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType) ?? positionEmbeddingType
    }

    /// Checks sizes and the implemented options.
    /// - Throws: ``EmbeddingError/Code/invalidConfiguration`` or ``EmbeddingError/Code/unsupportedModel``.
    public func validate() throws(EmbeddingError) {
        let sizes = [
            vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, maxPositionEmbeddings,
            typeVocabSize,
        ]
        guard sizes.allSatisfy({ $0 > 0 }) else {
            throw EmbeddingError(.invalidConfiguration, "BERT config has a size <= 0")
        }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw EmbeddingError(.invalidConfiguration, "BERT hidden_size is not divisible by num_attention_heads")
        }
        guard Activation(configName: hiddenAct) != nil else {
            throw EmbeddingError(.unsupportedModel, "BERT hidden_act \(hiddenAct) is not implemented")
        }
        guard positionEmbeddingType == "absolute" else {
            throw EmbeddingError(
                .unsupportedModel,
                "BERT position_embedding_type \(positionEmbeddingType) is not implemented"
            )
        }
    }
}
