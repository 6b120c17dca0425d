// SPDX-License-Identifier: Apache-2.0

public import MediaDecoding

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A CLIP model behind the ``Embedder`` seam: text, images and video into one L2-normalised space.
///
/// Texts go through a ``Tokenizer`` (``CLIPTokenizer`` for real checkpoints), truncated to the model's positions;
/// images through an `ImagePreprocessor` (resize the short side, centre crop, normalise). A video is embedded as
/// the normalised mean of its frames' normalised embeddings; when it has more than ``maxVideoFrames`` frames,
/// that many are sampled uniformly (see ``frameIndices(count:limit:)``). Texts are batched by length and images
/// and frames are run through the vision tower together, ``batchSize`` per model call.
///
/// ```swift
/// let clip = try await CLIPEmbedder(directory: checkpointFolder)   // config, weights, tokenizer, preprocessor
/// let vectors = try await clip.embed([.text("a photo of a cat"), .image(photo), .video(frames)])
/// let score = zip(vectors[0], vectors[1]).map(*).reduce(0, +)      // cosine similarity
/// ```
public struct CLIPEmbedder: Embedder {
    /// The model.
    public let model: CLIPModel
    /// The tokenizer, or `nil` when texts are not accepted.
    public let tokenizer: (any Tokenizer)?
    /// The image preprocessor, or `nil` when images and video are not accepted.
    public let preprocessor: ImagePreprocessor?
    /// The most frames of one video that are embedded (default 8); longer videos are sampled uniformly.
    public var maxVideoFrames: Int
    /// The most sequences or images per model call (default 32), which bounds the memory a call takes.
    public var batchSize: Int

    /// Wraps a model with its input conversions.
    /// - Parameters:
    ///   - model: The CLIP model.
    ///   - tokenizer: A tokenizer, or `nil` to refuse text.
    ///   - preprocessor: An image preprocessor whose output is the model's input size, or `nil` to refuse images
    ///     and video.
    ///   - maxVideoFrames: The most frames of one video to embed.
    /// - Precondition: `maxVideoFrames >= 1`.
    public init(
        model: CLIPModel,
        tokenizer: (any Tokenizer)?,
        preprocessor: ImagePreprocessor?,
        maxVideoFrames: Int = 8
    ) {
        precondition(maxVideoFrames >= 1, "maxVideoFrames must be at least 1")
        self.model = model
        self.tokenizer = tokenizer
        self.preprocessor = preprocessor
        self.maxVideoFrames = maxVideoFrames
        batchSize = 32
    }

    /// Loads a checkpoint folder end to end: `config.json` and the safetensors weights (F32, F16 or BF16), the
    /// tokenizer (`vocab.json` + `merges.txt` or `tokenizer.json`, with `tokenizer_config.json`), and the image
    /// preprocessing of `preprocessor_config.json`.
    ///
    /// When the tokenizer folder has no tokenizer files, the embedder does not accept text (its ``modalities``
    /// say so); a folder without `preprocessor_config.json` uses CLIP's defaults at the model's image size.
    /// - Parameters:
    ///   - directory: The checkpoint folder.
    ///   - tokenizerDirectory: Where the tokenizer files are, when not beside the weights.
    ///   - variant: A weight-file variant (`fp16` → `model.fp16.safetensors`), or `nil`.
    /// - Throws: ``EmbeddingError`` for an unreadable or invalid configuration, checkpoint, tokenizer or
    ///   preprocessor configuration.
    @concurrent public init(
        directory: URL,
        tokenizerDirectory: URL? = nil,
        variant: String? = nil
    ) async throws(EmbeddingError) {
        let model = try await CLIPModel(directory: directory, variant: variant)
        let tokenizerFolder = tokenizerDirectory ?? directory
        var tokenizer: CLIPTokenizer?
        let names = ["vocab.json", "tokenizer.json"]
        if tokenizerDirectory != nil
            || names.contains(where: {
                FileManager.default.fileExists(atPath: tokenizerFolder.appendingPathComponent($0).path)
            })
        {
            tokenizer = try CLIPTokenizer(directory: tokenizerFolder)
        }
        let preprocessor = try ImagePreprocessor(directory: directory, imageSize: model.configuration.vision.imageSize)
        self.init(model: model, tokenizer: tokenizer, preprocessor: preprocessor)
    }

    /// The model's normalised space.
    public var space: EmbeddingSpace { model.space }

    /// Text when there is a tokenizer; image and video when there is a preprocessor.
    public var modalities: Set<Modality> {
        var set: Set<Modality> = []
        if tokenizer != nil { set.insert(.text) }
        if preprocessor != nil { set.formUnion([.image, .video]) }
        return set
    }

    /// The frames of a `count`-frame video that are embedded: all of them up to `limit`, else `limit` frames at
    /// the centres of `limit` equal segments (`⌊(i + ½) · count / limit⌋`), so the first and last parts of the
    /// video are represented like the middle.
    /// - Parameters:
    ///   - count: The number of frames.
    ///   - limit: The most frames to keep.
    /// - Returns: Increasing frame indices.
    /// - Precondition: `count >= 0` and `limit >= 1`.
    public static func frameIndices(count: Int, limit: Int) -> [Int] {
        precondition(count >= 0 && limit >= 1, "frameIndices: count must be >= 0 and limit >= 1")
        guard count > limit else { return Array(0..<count) }
        return (0..<limit).map { (2 * $0 + 1) * count / (2 * limit) }
    }

    /// Embeds a batch: texts by length in as few model calls as ``batchSize`` allows, images and video frames
    /// together through the vision tower.
    /// - Parameter inputs: Texts, images or videos (a video needs at least one frame).
    /// - Returns: One L2-normalised row per input, in order.
    /// - Throws: ``EmbeddingError/Code/unsupportedModality`` for audio or a modality without its conversion, before
    ///   any work; ``EmbeddingError/Code/invalidInput`` for an empty image or video, or a preprocessor whose
    ///   output is not the model's input size; ``EmbeddingError/Code/cancelled`` when the task is cancelled
    ///   (checked before each batch).
    @concurrent public func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        var batches = 0
        let d = model.configuration.projectionDim
        var sums = ContiguousArray<Float>(repeating: 0, count: inputs.count * d)
        var texts: [[Int]] = []
        var textOwners: [Int] = []
        var frames: [(owner: Int, image: Image)] = []
        for (i, input) in inputs.enumerated() {
            switch input {
            case .text(let text):
                guard let tokenizer else { continue }
                let limit = min(tokenizer.maxLength, model.configuration.text.maxPositionEmbeddings)
                texts.append(tokenizer.encode(text, maxLength: limit))
                textOwners.append(i)
            case .image(let image):
                frames.append((i, image))
            case .video(let video):
                guard !video.isEmpty else { throw EmbeddingError(.invalidInput, "video \(i) has no frames") }
                for f in Self.frameIndices(count: video.count, limit: maxVideoFrames) { frames.append((i, video[f])) }
            case .audio:
                throw EmbeddingError(.unsupportedModality, "CLIP does not embed audio")
            }
        }
        for batch in LengthBatches.plan(lengths: texts.map(\.count), batchSize: batchSize) {
            try await EmbeddingError.beforeBatch(&batches, "embedding \(batch.count) of \(texts.count) texts")
            let rows = try model.textEmbeddings(batch.map { texts[$0] })
            for (r, t) in batch.enumerated() { add(rows[r], to: &sums, row: textOwners[t], dimension: d) }
        }
        for start in stride(from: 0, to: frames.count, by: batchSize) {
            let batch = frames[start..<min(start + batchSize, frames.count)]
            let what = "embedding \(batch.count) of \(frames.count) images and frames"
            try await EmbeddingError.beforeBatch(&batches, what)
            var pixels: [Float] = []
            pixels.reserveCapacity(batch.count * model.pixelsPerImage)
            for (owner, image) in batch { pixels += try preprocess(image, input: owner) }
            let rows = try model.imageEmbeddings(pixelValues: pixels)
            for (r, frame) in batch.enumerated() { add(rows[r], to: &sums, row: frame.owner, dimension: d) }
        }
        // Texts and images are unit rows already (normalising again changes nothing); video sums become means.
        return EmbeddingMatrix(values: sums, dimension: d).normalized()
    }

    private func preprocess(_ image: Image, input: Int) throws(EmbeddingError) -> ContiguousArray<Float> {
        guard image.width > 0, image.height > 0 else {
            throw EmbeddingError(.invalidInput, "input \(input) has an empty image (\(image.width)×\(image.height))")
        }
        let tensor = preprocessor!(image)
        guard tensor.values.count == model.pixelsPerImage else {
            let v = model.configuration.vision
            throw EmbeddingError(
                .invalidInput,
                "the preprocessor gives \(tensor.channels)×\(tensor.height)×\(tensor.width); the model takes "
                    + "\(v.numChannels)×\(v.imageSize)×\(v.imageSize)"
            )
        }
        return tensor.values
    }

    private func add(_ row: ArraySlice<Float>, to sums: inout ContiguousArray<Float>, row owner: Int, dimension d: Int)
    {
        for (j, value) in row.enumerated() { sums[owner * d + j] += value }
    }
}
