// SPDX-License-Identifier: Apache-2.0

/// CLIP's vision tower: patch embedding (a stride-`P` convolution written as a matrix product over patches), class
/// token, positions, `pre_layrnorm`, pre-norm encoder, `post_layernorm` on the class token, projection.
struct CLIPVisionTransformer: Sendable {
    let config: CLIPConfiguration.Vision
    /// The patch convolution as a linear map `[width, channels × P × P]`, no bias.
    let patchEmbedding: Linear
    let classEmbedding: ContiguousArray<Float>
    /// `(patches + 1) × width`.
    let positionEmbedding: ContiguousArray<Float>
    let preNorm: LayerNorm
    let layers: [CLIPEncoderLayer]
    let postNorm: LayerNorm
    /// `visual_projection`, `[projection, width]`, no bias.
    let projection: Linear

    init(_ weights: some ModelWeights, config: CLIPConfiguration.Vision, projectionDim: Int) throws(EmbeddingError) {
        guard let activation = Activation(configName: config.hiddenAct) else {
            throw EmbeddingError(.unsupportedModel, "CLIP vision hidden_act \(config.hiddenAct) is not implemented")
        }
        let d = config.hiddenSize
        let p = config.patchSize
        let eps = Float(config.layerNormEps)
        let tokens = config.gridSize * config.gridSize + 1
        self.config = config
        let conv = try weights.floats(
            "vision_model.embeddings.patch_embedding.weight",
            shape: [d, config.numChannels, p, p]
        )
        patchEmbedding = Linear(weight: conv, bias: nil, inFeatures: config.numChannels * p * p, outFeatures: d)
        classEmbedding = try weights.floats("vision_model.embeddings.class_embedding", shape: [d])
        positionEmbedding = try weights.floats("vision_model.embeddings.position_embedding.weight", shape: [tokens, d])
        preNorm = try LayerNorm(weights, "vision_model.pre_layrnorm", size: d, epsilon: eps)
        var layers: [CLIPEncoderLayer] = []
        for i in 0..<config.numHiddenLayers {
            layers.append(
                try CLIPEncoderLayer(
                    weights,
                    "vision_model.encoder.layers.\(i)",
                    width: d,
                    intermediate: config.intermediateSize,
                    heads: config.numAttentionHeads,
                    epsilon: eps,
                    activation: activation
                )
            )
        }
        self.layers = layers
        postNorm = try LayerNorm(weights, "vision_model.post_layernorm", size: d, epsilon: eps)
        projection = try Linear(weights, "visual_projection", in: d, out: projectionDim, hasBias: false)
    }

    /// Floats per image: `channels × size × size`.
    var pixelsPerImage: Int { config.numChannels * config.imageSize * config.imageSize }

    /// Tokens per image: patches plus the class token.
    var tokens: Int { config.gridSize * config.gridSize + 1 }

    /// The embedding output (`batch × tokens × width`, before `pre_layrnorm`) of `batch` images stored `C×H×W`.
    func embed(_ pixels: [Float], batch: Int, threads: Int) -> [Float] {
        let c = config.numChannels
        let s = config.imageSize
        let p = config.patchSize
        let g = config.gridSize
        let d = config.hiddenSize
        let patchLength = c * p * p
        // Row (image, gy, gx) holds the patch in (channel, y, x) order, the order of the conv weight.
        var patches = [Float](repeating: 0, count: batch * g * g * patchLength)
        for image in 0..<batch {
            for gy in 0..<g {
                for gx in 0..<g {
                    var out = ((image * g + gy) * g + gx) * patchLength
                    for channel in 0..<c {
                        for y in 0..<p {
                            let src = ((image * c + channel) * s + gy * p + y) * s + gx * p
                            for x in 0..<p { patches[out + x] = pixels[src + x] }
                            out += p
                        }
                    }
                }
            }
        }
        let projected = patchEmbedding(patches, rows: batch * g * g, threads: threads)
        var x = [Float](repeating: 0, count: batch * tokens * d)
        for image in 0..<batch {
            let base = image * tokens * d
            for j in 0..<d { x[base + j] = classEmbedding[j] + positionEmbedding[j] }
            for t in 1..<tokens {
                let src = (image * (tokens - 1) + t - 1) * d
                for j in 0..<d { x[base + t * d + j] = projected[src + j] + positionEmbedding[t * d + j] }
            }
        }
        return x
    }

    /// Runs the tower; returns the embedding output, the states after `pre_layrnorm` and after every layer (when
    /// `record`), and the encoder output.
    func encode(
        _ pixels: [Float],
        batch: Int,
        threads: Int,
        record: Bool
    ) -> (embeddings: [Float], hidden: [[Float]], last: [Float]) {
        let embeddings = embed(pixels, batch: batch, threads: threads)
        var x = preNorm(embeddings)
        var hidden: [[Float]] = record ? [x] : []
        for layer in layers {
            layer.apply(&x, batch: batch, length: tokens, mask: .none, threads: threads)
            if record { hidden.append(x) }
        }
        return (record ? embeddings : [], hidden, x)
    }

    /// `post_layernorm` of each image's class token (`batch × width`).
    func pool(_ last: [Float], batch: Int) -> [Float] {
        let d = config.hiddenSize
        var pooled = [Float]()
        pooled.reserveCapacity(batch * d)
        for image in 0..<batch { pooled += last[image * tokens * d..<image * tokens * d + d] }
        postNorm.apply(&pooled)
        return pooled
    }
}
