// SPDX-License-Identifier: Apache-2.0

/// The hyper-parameters of a CLIP model, as in a transformers `config.json` (`model_type: "clip"`).
///
/// Decoding fills absent fields with transformers' defaults (ViT-B/32 vision, 512-wide text, projection 512).
public struct CLIPConfiguration: Sendable, Hashable, Codable {
    /// The text tower (`text_config`).
    public struct Text: Sendable, Hashable, Codable {
        /// Rows of the token embedding table.
        public var vocabSize = 49408
        /// Width of the residual stream.
        public var hiddenSize = 512
        /// Width of the MLP.
        public var intermediateSize = 2048
        /// Encoder layers.
        public var numHiddenLayers = 12
        /// Attention heads (must divide ``hiddenSize``).
        public var numAttentionHeads = 8
        /// The longest token sequence (rows of the position table).
        public var maxPositionEmbeddings = 77
        /// `quick_gelu` or `gelu`.
        public var hiddenAct = "quick_gelu"
        /// LayerNorm epsilon.
        public var layerNormEps = 1e-5
        /// The end-of-text id; the legacy value 2 selects pooling at the largest token id.
        public var eosTokenId = 49407

        /// Creates a text configuration with transformers' defaults.
        public init() {}
    }

    /// The vision tower (`vision_config`).
    public struct Vision: Sendable, Hashable, Codable {
        /// Width of the residual stream.
        public var hiddenSize = 768
        /// Width of the MLP.
        public var intermediateSize = 3072
        /// Encoder layers.
        public var numHiddenLayers = 12
        /// Attention heads (must divide ``hiddenSize``).
        public var numAttentionHeads = 12
        /// Input channels.
        public var numChannels = 3
        /// The square input size in pixels.
        public var imageSize = 224
        /// The square patch size in pixels (must divide ``imageSize``).
        public var patchSize = 32
        /// `quick_gelu` or `gelu`.
        public var hiddenAct = "quick_gelu"
        /// LayerNorm epsilon.
        public var layerNormEps = 1e-5

        /// Creates a vision configuration with transformers' defaults.
        public init() {}

        /// Patches per side.
        public var gridSize: Int { imageSize / patchSize }
    }

    /// The text tower.
    public var text = Text()
    /// The vision tower.
    public var vision = Vision()
    /// The width of the shared embedding space.
    public var projectionDim = 512

    /// Creates a configuration with transformers' defaults.
    public init() {}

    private enum CodingKeys: String, CodingKey {
        case text = "text_config"
        case vision = "vision_config"
        case projectionDim = "projection_dim"
    }

    private enum LegacyKeys: String, CodingKey {
        case text = "text_config_dict"
        case vision = "vision_config_dict"
    }

    /// Decodes a transformers `config.json`; absent fields keep their defaults.
    ///
    /// Configs written by early transformers releases carry `text_config_dict` / `vision_config_dict`, which
    /// transformers lets override `text_config` / `vision_config`; so does this decoder.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let legacy = try decoder.container(keyedBy: LegacyKeys.self)
        text =
            try legacy.decodeIfPresent(Text.self, forKey: .text) ?? c.decodeIfPresent(Text.self, forKey: .text)
            ?? Text()
        vision =
            try legacy.decodeIfPresent(Vision.self, forKey: .vision) ?? c.decodeIfPresent(Vision.self, forKey: .vision)
            ?? Vision()
        projectionDim = try c.decodeIfPresent(Int.self, forKey: .projectionDim) ?? 512
    }

    /// Checks the sizes are positive and divisible as the architecture requires.
    /// - Throws: ``EmbeddingError/Code/invalidConfiguration`` or ``EmbeddingError/Code/unsupportedModel``
    ///   (unknown activation).
    public func validate() throws(EmbeddingError) {
        let t = text
        let v = vision
        let sizes = [
            t.vocabSize, t.hiddenSize, t.intermediateSize, t.numHiddenLayers, t.numAttentionHeads,
            t.maxPositionEmbeddings, v.hiddenSize, v.intermediateSize, v.numHiddenLayers, v.numAttentionHeads,
            v.numChannels, v.imageSize, v.patchSize, projectionDim,
        ]
        guard sizes.allSatisfy({ $0 > 0 }) else {
            throw EmbeddingError(.invalidConfiguration, "CLIP config has a size <= 0")
        }
        guard t.hiddenSize % t.numAttentionHeads == 0, v.hiddenSize % v.numAttentionHeads == 0 else {
            throw EmbeddingError(.invalidConfiguration, "CLIP hidden_size is not divisible by num_attention_heads")
        }
        guard v.imageSize % v.patchSize == 0 else {
            throw EmbeddingError(
                .invalidConfiguration,
                "CLIP image_size \(v.imageSize) is not a multiple of patch_size \(v.patchSize)"
            )
        }
        for act in [t.hiddenAct, v.hiddenAct] where Activation(configName: act) == nil {
            throw EmbeddingError(.unsupportedModel, "CLIP hidden_act \(act) is not implemented")
        }
    }
}

extension CLIPConfiguration.Text {
    private enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings", hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps", eosTokenId = "eos_token_id"
    }

    /// Decodes `text_config`; absent fields keep their defaults.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? vocabSize
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? hiddenSize
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? intermediateSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? numAttentionHeads
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? maxPositionEmbeddings
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? hiddenAct
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? layerNormEps
        eosTokenId = try c.decodeIfPresent(Int.self, forKey: .eosTokenId) ?? eosTokenId
    }
}

extension CLIPConfiguration.Vision {
    private enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numChannels = "num_channels", imageSize = "image_size", patchSize = "patch_size"
        case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps"
    }

    /// Decodes `vision_config`; absent fields keep their defaults.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? hiddenSize
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? intermediateSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? numAttentionHeads
        numChannels = try c.decodeIfPresent(Int.self, forKey: .numChannels) ?? numChannels
        imageSize = try c.decodeIfPresent(Int.self, forKey: .imageSize) ?? imageSize
        patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? patchSize
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? hiddenAct
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? layerNormEps
    }
}
