// SPDX-License-Identifier: Apache-2.0

/// What an ``ImageBindModel`` computes for a batch of one modality, stage by stage.
///
/// For inputs of several clips or views (audio: 3 clips per file, video: 15 views per clip set) ``heads`` and
/// ``normalized`` have one row per clip, `batch × clips` rows in batch-major order, and ``outputs`` one row per
/// input: the mean over its clips of the normalised, scaled rows (not normalised again), exactly what the
/// reference `model({modality: x})[modality]` returns and what a Weaviate `multi2vec-bind` deployment stores.
public struct ImageBindOutput: Sendable {
    /// The head outputs (LayerNorm, token select, projection) before normalisation, one row per clip.
    public let heads: EmbeddingMatrix
    /// ``heads`` divided by their Euclidean norms (at least 1e-12), one row per clip.
    public let normalized: EmbeddingMatrix
    /// The normalised rows times the tower's logit scale, averaged over each input's clips.
    public let outputs: EmbeddingMatrix
    /// The clips (or views) per input.
    public let clips: Int

    /// ``outputs`` L2-normalised: the vectors an ``ImageBindEmbedder`` returns by default.
    ///
    /// For one clip per input these equal ``normalized``.
    public var unitOutputs: EmbeddingMatrix { outputs.normalized() }

    init(heads: [Float], dimension d: Int, clips: Int, scale: Float?) {
        let rows = d == 0 ? 0 : heads.count / d
        var normalized = ContiguousArray<Float>(repeating: 0, count: heads.count)
        for r in 0..<rows {
            var squares = 0.0
            for j in 0..<d { squares += Double(heads[r * d + j]) * Double(heads[r * d + j]) }
            let norm = Float(max(squares.squareRoot(), 1e-12))
            for j in 0..<d { normalized[r * d + j] = heads[r * d + j] / norm }
        }
        let items = rows / max(clips, 1)
        var outputs = ContiguousArray<Float>(repeating: 0, count: items * d)
        for item in 0..<items {
            for c in 0..<clips {
                for j in 0..<d {
                    let value = normalized[(item * clips + c) * d + j]
                    outputs[item * d + j] += scale.map { value * $0 } ?? value
                }
            }
            if clips > 1 {
                for j in 0..<d { outputs[item * d + j] /= Float(clips) }
            }
        }
        self.heads = EmbeddingMatrix(unchecked: ContiguousArray(heads), dimension: d)
        self.normalized = EmbeddingMatrix(unchecked: normalized, dimension: d)
        self.outputs = EmbeddingMatrix(unchecked: outputs, dimension: d)
        self.clips = clips
    }
}

/// The intermediate states of one ImageBind input, for checking a port stage by stage against the reference.
public struct ImageBindTrace: Sendable {
    /// `patches × width` after the stem (convolution or windowed projection, and its LayerNorm); empty for text.
    public let stem: [Float]
    /// `tokens × width` each: the tokens entering the trunk (stem, class token, positions), after the pre-trunk
    /// LayerNorm (the same values except for vision), then after every block.
    public let hiddenStates: [[Float]]
    /// The head output before normalisation.
    public let head: [Float]
}
