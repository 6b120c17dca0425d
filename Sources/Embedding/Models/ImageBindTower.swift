// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One modality of ImageBind: its preprocessor (stem, class token, positions), trunk, head and postprocessor,
/// with every size read from the checkpoint's tensor shapes.
struct ImageBindTower: Sendable {
    /// How the tower turns an input into tokens.
    enum Stem: Sendable {
        /// A bias-free convolution (or windowed linear map) over `inputSize`, then an optional LayerNorm (eps 1e-5).
        /// `repeatFrames` > 1 is PadIm2Video: an input without a time axis is repeated that many times.
        case patches(PatchEmbedding, inputSize: PatchEmbedding.Extent, norm: LayerNorm?, repeatFrames: Int)
        /// A token embedding table `vocabulary × width`.
        case tokens(table: ContiguousArray<Float>, vocabulary: Int)
    }

    let tower: ImageBindModel.Tower
    let width: Int
    let stem: Stem
    /// `[width]`, or `nil` (text).
    let classToken: ContiguousArray<Float>?
    /// `tokens × width`.
    let positions: ContiguousArray<Float>
    /// The full token count (class token included); text may run shorter.
    let tokens: Int
    let preNorm: LayerNorm?
    let blocks: [ImageBindBlock]
    let headNorm: LayerNorm
    let headProjection: Linear
    /// `min(exp(log_logit_scale), 100)`, or `nil` (vision: normalise only).
    let logitScale: Float?

    /// Loads the tower, or returns `nil` when the checkpoint has none of its tensors.
    init?(
        _ tower: ImageBindModel.Tower,
        _ weights: some ModelWeights,
        configuration: ImageBindConfiguration
    )
        throws(EmbeddingError)
    {
        let names = Names(tower)
        guard weights.contains(names.positions) else { return nil }
        let positionShape = try shape(weights, names.positions)
        guard positionShape.count == 3, positionShape[0] == 1, positionShape[1] >= 1, positionShape[2] >= 1 else {
            throw EmbeddingError(.shapeMismatch, "\(names.positions) has shape \(positionShape); expected [1, N, D]")
        }
        let d = positionShape[2]
        self.tower = tower
        width = d
        tokens = positionShape[1]
        positions = try tensor(weights, names.positions, positionShape)
        classToken = tower == .text ? nil : try tensor(weights, names.preprocessor + "cls_token", [1, 1, d])
        let patchCount = tokens - (classToken == nil ? 0 : 1)
        stem = try Self.loadStem(tower, weights, names: names, width: d, patches: patchCount, configuration)
        preNorm =
            tower == .vision
            ? try LayerNorm(weights, "modality_trunks.vision.pre_transformer_layer.0", size: d, epsilon: 1e-6) : nil
        guard let heads = configuration.heads[tower] else {
            throw EmbeddingError(.invalidConfiguration, "no head count for the \(tower.rawValue) tower")
        }
        var blocks: [ImageBindBlock] = []
        while weights.contains("modality_trunks.\(tower.rawValue).blocks.\(blocks.count).attn.in_proj_weight") {
            let prefix = "modality_trunks.\(tower.rawValue).blocks.\(blocks.count)"
            blocks.append(
                try ImageBindBlock(weights, prefix, width: d, heads: heads, storage: configuration.weightStorage)
            )
        }
        guard !blocks.isEmpty else {
            throw EmbeddingError(.missingTensor, "modality_trunks.\(tower.rawValue).blocks.0 is not in the checkpoint")
        }
        self.blocks = blocks
        headNorm = try LayerNorm(weights, names.head + "0", size: d, epsilon: 1e-6)
        let projection = names.head + names.projectionIndex
        let out = try shape(weights, projection + ".weight").first ?? 0
        headProjection = try Linear(
            weights,
            projection,
            in: d,
            out: out,
            hasBias: false,
            storage: configuration.weightStorage
        )
        if let key = names.logitScale {
            let s = try tensor(weights, key, [])[0]
            logitScale = Float(min(exp(Double(s)), 100))
        } else {
            logitScale = nil
        }
    }

    private static func loadStem(
        _ tower: ImageBindModel.Tower,
        _ weights: some ModelWeights,
        names: Names,
        width d: Int,
        patches: Int,
        _ configuration: ImageBindConfiguration
    ) throws(EmbeddingError) -> Stem {
        let p = names.preprocessor
        func mismatch(_ detail: String) -> EmbeddingError {
            EmbeddingError(.shapeMismatch, "the \(tower.rawValue) stem: \(detail)")
        }
        switch tower {
        case .text:
            let key = p + "token_embedding.weight"
            let s = try shape(weights, key)
            guard s.count == 2, s[1] == d, s[0] > 0 else { throw mismatch("\(key) has shape \(s)") }
            return .tokens(table: try tensor(weights, key, s), vocabulary: s[0])
        case .imu:
            let key = p + "imu_stem.proj.weight"
            let s = try shape(weights, key)
            // The reference hard-codes windows of 8 samples over 6 channels (48 features).
            guard s == [d, 48] else { throw mismatch("\(key) has shape \(s); expected [\(d), 48]") }
            let conv = PatchEmbedding(
                weight: try tensor(weights, key, s),
                out: d,
                channels: 6,
                kernel: .init(t: 1, h: 1, w: 8),
                stride: .init(t: 1, h: 1, w: 8)
            )
            let norm = try LayerNorm(weights, p + "imu_stem.norm_layer", size: d, epsilon: 1e-5)
            return .patches(conv, inputSize: .init(t: 1, h: 1, w: patches * 8), norm: norm, repeatFrames: 1)
        case .vision:
            let key = p + "rgbt_stem.proj.1.weight"
            let s = try shape(weights, key)
            guard s.count == 5, s[0] == d, s[1] > 0, s[2] > 0, s[3] > 0, s[3] == s[4] else {
                throw mismatch("\(key) has shape \(s); expected [D, C, T, P, P]")
            }
            let grid = Int(Double(patches).squareRoot())
            guard grid * grid == patches else { throw mismatch("\(patches) patches are not a square grid") }
            let conv = PatchEmbedding(
                weight: try tensor(weights, key, s),
                out: d,
                channels: s[1],
                kernel: .init(t: s[2], h: s[3], w: s[4]),
                stride: .init(t: s[2], h: s[3], w: s[4])
            )
            let size = PatchEmbedding.Extent(t: s[2], h: grid * s[3], w: grid * s[4])
            return .patches(conv, inputSize: size, norm: nil, repeatFrames: s[2])
        case .audio, .depth, .thermal:
            let stemName = tower == .depth ? "depth_stem" : "rgbt_stem"
            let key = p + stemName + ".proj.weight"
            let s = try shape(weights, key)
            guard s.count == 4, s[0] == d, s[1] > 0, s[2] > 0, s[3] > 0 else {
                throw mismatch("\(key) has shape \(s); expected [D, C, K, K]")
            }
            let size: PatchEmbedding.Extent
            let stride: PatchEmbedding.Extent
            if tower == .audio {
                size = .init(t: 1, h: configuration.audioMelBins, w: configuration.audioFrames)
                stride = .init(t: 1, h: configuration.audioStride, w: configuration.audioStride)
            } else {
                let grid = Int(Double(patches).squareRoot())
                guard grid * grid == patches else { throw mismatch("\(patches) patches are not a square grid") }
                size = .init(t: 1, h: grid * s[2], w: grid * s[3])
                stride = .init(t: 1, h: s[2], w: s[3])
            }
            let conv = PatchEmbedding(
                weight: try tensor(weights, key, s),
                out: d,
                channels: s[1],
                kernel: .init(t: 1, h: s[2], w: s[3]),
                stride: stride
            )
            guard let grid = conv.grid(for: size), grid.t * grid.h * grid.w == patches else {
                throw mismatch("a \(size.h) × \(size.w) input does not give the \(patches) positions of the checkpoint")
            }
            let norm = try LayerNorm(weights, p + stemName + ".norm_layer", size: d, epsilon: 1e-5)
            return .patches(conv, inputSize: size, norm: norm, repeatFrames: 1)
        }
    }

    /// The tensor names of one tower.
    private struct Names {
        let preprocessor: String
        let positions: String
        let head: String
        let projectionIndex: String
        let logitScale: String?

        init(_ tower: ImageBindModel.Tower) {
            let name = tower.rawValue
            preprocessor = "modality_preprocessors.\(name)."
            switch tower {
            case .text, .imu: positions = preprocessor + "pos_embed"
            default: positions = preprocessor + "pos_embedding_helper.pos_embed"
            }
            switch tower {
            case .text: (head, projectionIndex) = ("modality_heads.text.proj.", "1")
            case .imu: (head, projectionIndex) = ("modality_heads.imu.", "3")
            default: (head, projectionIndex) = ("modality_heads.\(name).", "2")
            }
            logitScale = tower == .vision ? nil : "modality_postprocessors.\(name).1.log_logit_scale"
        }
    }
}

/// The shape of tensor `name` (one of the two places this file reads the checkpoint).
private func shape(_ weights: some ModelWeights, _ name: String) throws(EmbeddingError) -> [Int] {
    try weights.shape(of: name)
}

/// Tensor `name` as floats, checked against `shape`.
private func tensor(
    _ weights: some ModelWeights,
    _ name: String,
    _ shape: [Int]
) throws(EmbeddingError) -> ContiguousArray<Float> {
    try weights.floats(name, shape: shape)
}
