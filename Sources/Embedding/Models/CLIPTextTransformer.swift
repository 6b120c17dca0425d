// SPDX-License-Identifier: Apache-2.0

/// CLIP's text tower: token + position embeddings, causal pre-norm encoder, final LayerNorm, projection.
struct CLIPTextTransformer: Sendable {
    let config: CLIPConfiguration.Text
    /// `vocab × width`.
    let tokenEmbedding: ContiguousArray<Float>
    /// `maxPositions × width`.
    let positionEmbedding: ContiguousArray<Float>
    let layers: [CLIPEncoderLayer]
    let finalNorm: LayerNorm
    /// `text_projection`, `[projection, width]`, no bias.
    let projection: Linear

    init(_ weights: some ModelWeights, config: CLIPConfiguration.Text, projectionDim: Int) throws(EmbeddingError) {
        guard let activation = Activation(configName: config.hiddenAct) else {
            throw EmbeddingError(.unsupportedModel, "CLIP text hidden_act \(config.hiddenAct) is not implemented")
        }
        let d = config.hiddenSize
        let eps = Float(config.layerNormEps)
        self.config = config
        tokenEmbedding = try weights.floats(
            "text_model.embeddings.token_embedding.weight",
            shape: [config.vocabSize, d]
        )
        positionEmbedding = try weights.floats(
            "text_model.embeddings.position_embedding.weight",
            shape: [config.maxPositionEmbeddings, d]
        )
        var layers: [CLIPEncoderLayer] = []
        for i in 0..<config.numHiddenLayers {
            layers.append(
                try CLIPEncoderLayer(
                    weights,
                    "text_model.encoder.layers.\(i)",
                    width: d,
                    intermediate: config.intermediateSize,
                    heads: config.numAttentionHeads,
                    epsilon: eps,
                    activation: activation
                )
            )
        }
        self.layers = layers
        finalNorm = try LayerNorm(weights, "text_model.final_layer_norm", size: d, epsilon: eps)
        projection = try Linear(weights, "text_projection", in: d, out: projectionDim, hasBias: false)
    }

    /// Checks every id is in the vocabulary and the (common) length fits the position table.
    func validate(_ ids: [[Int]]) throws(EmbeddingError) {
        for (s, sequence) in ids.enumerated() {
            guard !sequence.isEmpty else { throw EmbeddingError(.invalidInput, "text \(s) has no tokens") }
            guard sequence.count <= config.maxPositionEmbeddings else {
                throw EmbeddingError(
                    .invalidInput,
                    "text \(s) has \(sequence.count) tokens; the model takes at most \(config.maxPositionEmbeddings)"
                )
            }
            if let bad = sequence.first(where: { $0 < 0 || $0 >= config.vocabSize }) {
                throw EmbeddingError(
                    .invalidInput,
                    "text \(s) has token id \(bad) outside the vocabulary 0..<\(config.vocabSize)"
                )
            }
        }
    }

    /// The row whose final state is pooled: the first maximum id when `eos_token_id == 2` (checkpoints from
    /// before transformers fixed the id), otherwise the first `eos_token_id`.
    func poolingPosition(_ ids: [Int]) throws(EmbeddingError) -> Int {
        if config.eosTokenId == 2 {
            var best = 0
            for i in ids.indices where ids[i] > ids[best] { best = i }
            return best
        }
        guard let position = ids.firstIndex(of: config.eosTokenId) else {
            throw EmbeddingError(.invalidInput, "text has no end-of-text token \(config.eosTokenId) to pool at")
        }
        return position
    }

    /// Runs the tower on `ids.count` sequences of one common length.
    ///
    /// - Returns: the final-LayerNorm states (`batch × length × width`) and, when `record`, the embedding output and
    ///   every layer's output (before the final LayerNorm).
    func encode(_ ids: [[Int]], keyIsValid: [Bool]?, threads: Int, record: Bool) -> (last: [Float], hidden: [[Float]]) {
        let d = config.hiddenSize
        let batch = ids.count
        let length = ids[0].count
        var x = [Float](repeating: 0, count: batch * length * d)
        for (s, sequence) in ids.enumerated() {
            for (p, id) in sequence.enumerated() {
                let row = (s * length + p) * d
                for j in 0..<d { x[row + j] = tokenEmbedding[id * d + j] + positionEmbedding[p * d + j] }
            }
        }
        var hidden: [[Float]] = record ? [x] : []
        let mask = AttentionMask(causal: true, keyIsValid: keyIsValid)
        for layer in layers {
            layer.apply(&x, batch: batch, length: length, mask: mask, threads: threads)
            if record { hidden.append(x) }
        }
        finalNorm.apply(&x)
        return (x, hidden)
    }
}
