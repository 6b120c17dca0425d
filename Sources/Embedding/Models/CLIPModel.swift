// SPDX-License-Identifier: Apache-2.0

import _RAGInternals
import _RAGNumerics

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A native CLIP model (text and vision towers sharing one embedding space), loaded from a transformers
/// checkpoint folder (`config.json` + safetensors in F32, F16 or BF16; computation is always Float32).
///
/// Inputs are token ids (from a CLIP BPE tokenizer) and preprocessed pixels (`C × H × W` floats per image, already
/// resized, cropped and normalised as CLIP's image processor does).
///
/// ```swift
/// let clip = try await CLIPModel(directory: folder)
/// let texts = try clip.textEmbeddings([[49406, 320, 1125, 539, 320, 2368, 269, 49407]])
/// let images = try clip.imageEmbeddings(pixelValues: pixels)
/// let logits = clip.logits(images: images, texts: texts)
/// ```
public struct CLIPModel: Sendable {
    /// The hyper-parameters the model was built from.
    public let configuration: CLIPConfiguration
    /// `exp(logit_scale)`: the temperature applied to cosine similarities in ``logits(images:texts:)``.
    public let logitScale: Float
    /// The model's identifier: the repository id for a hub snapshot, else the checkpoint folder name, unless given.
    public let modelID: String
    /// The checkpoint revision: the commit for a hub snapshot, `sha256:<digest>` of the weight files for any other
    /// folder, unless given; empty when unknown.
    public let revision: String
    /// The most threads one call may use (matrix products and attention heads are split across them).
    public var threads: Int

    let text: CLIPTextTransformer
    let vision: CLIPVisionTransformer

    /// Builds the model from a configuration and its weights.
    /// - Parameters:
    ///   - configuration: The hyper-parameters.
    ///   - weights: Tensors named as transformers' `CLIPModel` names them.
    ///   - modelID: The identifier recorded in ``space``.
    ///   - revision: The checkpoint revision recorded in ``space``; empty when unknown.
    /// - Throws: ``EmbeddingError`` naming the first missing or misshapen tensor, or an invalid configuration.
    public init(
        configuration: CLIPConfiguration,
        weights: some ModelWeights,
        modelID: String = "clip",
        revision: String = ""
    ) throws(EmbeddingError) {
        try configuration.validate()
        self.configuration = configuration
        text = try CLIPTextTransformer(weights, config: configuration.text, projectionDim: configuration.projectionDim)
        vision = try CLIPVisionTransformer(
            weights,
            config: configuration.vision,
            projectionDim: configuration.projectionDim
        )
        let scale = try weights.floats("logit_scale", shape: [])
        logitScale = Float(exp(Double(scale[0])))
        self.modelID = modelID
        self.revision = revision
        threads = max(1, Parallel.processorCount)
    }

    /// Loads `config.json` and the weights from a checkpoint folder.
    ///
    /// The weights are `model.safetensors` (or the shards of `model.safetensors.index.json`); a folder without
    /// them is read from `pytorch_model.bin` (or the shards of `pytorch_model.bin.index.json`) with the
    /// weights-only reader of ``PyTorchCheckpointFile``.
    ///
    /// A Hugging Face cache snapshot (`…/models--namespace--name/snapshots/<commit>`, as ``HubClient`` returns)
    /// names the model `namespace/name` at revision `<commit>`. Any other folder names it by its last path
    /// component at revision `sha256:<digest of the weight files>`, so two checkpoints with different weights are
    /// never one ``EmbeddingSpace``. The digest is computed on the first open (reading every weight file once)
    /// and remembered, in memory and in `~/.cache/mmrag/weight-digests`, until a weight file changes.
    /// - Parameters:
    ///   - directory: The folder.
    ///   - variant: A weight-file variant (`fp16` → `model.fp16.safetensors`), or `nil`.
    /// - Throws: ``EmbeddingError`` for an unreadable or invalid config, or bad weights.
    @concurrent public init(directory: URL, variant: String? = nil) async throws(EmbeddingError) {
        let configuration = try ModelConfigurationFile.decode(
            CLIPConfiguration.self,
            in: directory,
            expecting: ["clip"]
        )
        let weights = try await WeightFiles.open(directory: directory, variant: variant)
        let snapshot = HubCache.snapshotIdentity(directory)
        let revision: String
        if let snapshot {
            revision = snapshot.commit
        } else {
            revision = try WeightDigests.shared.revision(ofWeightsIn: directory, variant: variant)
        }
        try self.init(
            configuration: configuration,
            weights: weights,
            modelID: snapshot?.repo ?? directory.lastPathComponent,
            revision: revision
        )
    }

    /// The space of this model's normalised embeddings (text and image share it).
    public var space: EmbeddingSpace {
        EmbeddingSpace(modelID: modelID, revision: revision, dimension: configuration.projectionDim, normalization: .l2)
    }

    /// `logitScale × (image · text)` for every image and text: `images.count` rows of `texts.count` values.
    /// - Precondition: both matrices have the projection dimension.
    public func logits(images: EmbeddingMatrix, texts: EmbeddingMatrix) -> EmbeddingMatrix {
        precondition(images.dimension == texts.dimension, "logits: dimensions differ")
        var out = ContiguousArray<Float>()
        out.reserveCapacity(images.count * texts.count)
        for i in 0..<images.count {
            for t in 0..<texts.count {
                let dot = Kernels.dot(
                    images.values[images.dimension * i..<images.dimension * (i + 1)].span,
                    texts.values[texts.dimension * t..<texts.dimension * (t + 1)].span
                )
                out.append(logitScale * dot)
            }
        }
        return EmbeddingMatrix(unchecked: out, dimension: max(1, texts.count))
    }
}

// MARK: - Text

extension CLIPModel {
    /// What the text tower computes for one sequence.
    public struct TextOutput: Sendable {
        /// The embedding output, then each encoder layer's output (before the final LayerNorm); `length × width` each.
        public let hiddenStates: [[Float]]
        /// The states after the final LayerNorm, `length × width`.
        public let lastHiddenState: [Float]
        /// The pooled state (the end-of-text row of ``lastHiddenState``).
        public let pooledOutput: [Float]
        /// The projected, unnormalised text features.
        public let features: [Float]
    }

    /// Runs the text tower on one unpadded token sequence, keeping every intermediate state.
    /// - Throws: ``EmbeddingError/Code/invalidInput`` for an id outside the vocabulary, a sequence longer than
    ///   the position table, or no end-of-text token.
    public func textOutput(_ tokenIDs: [Int]) throws(EmbeddingError) -> TextOutput {
        try text.validate([tokenIDs])
        let position = try text.poolingPosition(tokenIDs)
        let (last, hidden) = text.encode([tokenIDs], keyIsValid: nil, threads: threads, record: true)
        let d = configuration.text.hiddenSize
        let pooled = Array(last[position * d..<(position + 1) * d])
        return TextOutput(
            hiddenStates: hidden,
            lastHiddenState: last,
            pooledOutput: pooled,
            features: text.projection(pooled, rows: 1, threads: 1)
        )
    }

    /// The projected, unnormalised features of a batch of token sequences (`get_text_features`).
    ///
    /// Sequences of different lengths are padded internally and masked. When `attentionMask` is given, every
    /// sequence must already have one length and the mask marks real tokens with 1 (padding with 0); pooling
    /// then follows the padded ids, as transformers does.
    /// - Throws: ``EmbeddingError/Code/invalidInput`` for bad ids, lengths or masks.
    public func textFeatures(
        _ tokenIDs: [[Int]],
        attentionMask: [[Int]]? = nil
    ) throws(EmbeddingError) -> EmbeddingMatrix {
        let projection = configuration.projectionDim
        guard !tokenIDs.isEmpty else { return EmbeddingMatrix(unchecked: [], dimension: projection) }
        try text.validate(tokenIDs)
        let length = tokenIDs.map(\.count).max()!
        var padded: [[Int]] = []
        var valid: [Bool] = []
        var positions: [Int] = []
        for (s, ids) in tokenIDs.enumerated() {
            if let attentionMask {
                guard attentionMask.count == tokenIDs.count, attentionMask[s].count == length, ids.count == length
                else {
                    throw EmbeddingError(.invalidInput, "text \(s): ids and attention mask lengths differ")
                }
                valid += attentionMask[s].map { $0 != 0 }
            } else {
                valid += Array(repeating: true, count: ids.count) + Array(repeating: false, count: length - ids.count)
            }
            positions.append(try text.poolingPosition(ids))
            padded.append(ids + Array(repeating: ids[ids.count - 1], count: length - ids.count))
        }
        // The whole batch is valid by now, so slices cannot fail with positions relative to a slice.
        @Sendable func slice(_ range: Range<Int>, threads: Int) throws(EmbeddingError) -> EmbeddingMatrix {
            var model = self
            model.threads = threads
            return try model.textFeatures(Array(tokenIDs[range]), attentionMask: attentionMask.map { Array($0[range]) })
        }
        let sliced = try BatchSlices.run(count: tokenIDs.count, threads: threads, slice)
        if let sliced { return sliced }
        let anyPadding = valid.contains(false)
        let (last, _) = text.encode(padded, keyIsValid: anyPadding ? valid : nil, threads: threads, record: false)
        let d = configuration.text.hiddenSize
        var pooled = [Float]()
        pooled.reserveCapacity(tokenIDs.count * d)
        for (s, position) in positions.enumerated() {
            pooled += last[(s * length + position) * d..<(s * length + position + 1) * d]
        }
        let features = text.projection(pooled, rows: tokenIDs.count, threads: threads)
        return EmbeddingMatrix(unchecked: ContiguousArray(features), dimension: projection)
    }

    /// The L2-normalised text embeddings (``textFeatures(_:attentionMask:)`` divided by their norms).
    /// - Throws: What ``textFeatures(_:attentionMask:)`` throws.
    public func textEmbeddings(
        _ tokenIDs: [[Int]],
        attentionMask: [[Int]]? = nil
    ) throws(EmbeddingError) -> EmbeddingMatrix {
        try textFeatures(tokenIDs, attentionMask: attentionMask).normalized()
    }
}

// MARK: - Images

extension CLIPModel {
    /// What the vision tower computes for one image.
    public struct ImageOutput: Sendable {
        /// Class token + patch embeddings + positions, before `pre_layrnorm`; `tokens × width`.
        public let embeddings: [Float]
        /// The states after `pre_layrnorm`, then after each encoder layer; `tokens × width` each.
        public let hiddenStates: [[Float]]
        /// `post_layernorm` of the class token.
        public let pooledOutput: [Float]
        /// The projected, unnormalised image features.
        public let features: [Float]
    }

    /// Floats per image expected by the pixel APIs: `num_channels × image_size × image_size`.
    public var pixelsPerImage: Int { vision.pixelsPerImage }

    private func imageCount(_ pixelValues: [Float]) throws(EmbeddingError) -> Int {
        let per = vision.pixelsPerImage
        guard pixelValues.count % per == 0 else {
            let c = configuration.vision
            throw EmbeddingError(
                .invalidInput,
                "pixel tensor has \(pixelValues.count) floats, not a multiple of \(c.numChannels)×\(c.imageSize)×\(c.imageSize)"
            )
        }
        return pixelValues.count / per
    }

    /// Runs the vision tower on one preprocessed image, keeping every intermediate state.
    /// - Throws: ``EmbeddingError/Code/invalidInput`` unless `pixelValues` holds exactly one image.
    public func imageOutput(pixelValues: [Float]) throws(EmbeddingError) -> ImageOutput {
        guard try imageCount(pixelValues) == 1 else {
            throw EmbeddingError(.invalidInput, "imageOutput takes exactly one image")
        }
        let (embeddings, hidden, last) = vision.encode(pixelValues, batch: 1, threads: threads, record: true)
        let pooled = vision.pool(last, batch: 1)
        return ImageOutput(
            embeddings: embeddings,
            hiddenStates: hidden,
            pooledOutput: pooled,
            features: vision.projection(pooled, rows: 1, threads: 1)
        )
    }

    /// The projected, unnormalised features of a batch of images (`get_image_features`).
    /// - Parameter pixelValues: Images back to back, each `C × H × W` (see ``pixelsPerImage``).
    /// - Returns: One row of `projection_dim` features per image.
    /// - Throws: ``EmbeddingError/Code/invalidInput`` when the count is not a whole number of images.
    public func imageFeatures(pixelValues: [Float]) throws(EmbeddingError) -> EmbeddingMatrix {
        let batch = try imageCount(pixelValues)
        let projection = configuration.projectionDim
        guard batch > 0 else { return EmbeddingMatrix(unchecked: [], dimension: projection) }
        let per = vision.pixelsPerImage
        let sliced = try BatchSlices.run(count: batch, threads: threads) { range, threads throws(EmbeddingError) in
            var model = self
            model.threads = threads
            let slice = Array(pixelValues[range.lowerBound * per..<range.upperBound * per])
            return try model.imageFeatures(pixelValues: slice)
        }
        if let sliced { return sliced }
        let (_, _, last) = vision.encode(pixelValues, batch: batch, threads: threads, record: false)
        let features = vision.projection(vision.pool(last, batch: batch), rows: batch, threads: threads)
        return EmbeddingMatrix(unchecked: ContiguousArray(features), dimension: projection)
    }

    /// The L2-normalised image embeddings.
    /// - Throws: What ``imageFeatures(pixelValues:)`` throws.
    public func imageEmbeddings(pixelValues: [Float]) throws(EmbeddingError) -> EmbeddingMatrix {
        try imageFeatures(pixelValues: pixelValues).normalized()
    }
}
