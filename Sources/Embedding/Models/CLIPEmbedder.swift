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
/// the normalised mean of its frames' normalised embeddings: every frame of a clip of up to ``maxVideoFrames``
/// frames, else ``maxVideoFrames`` frames at the clip's own `VideoClip.frameIndices(sampledUniformly:)` (the
/// centres of equal segments). Only those frames are decoded, a batch at a time. Texts are batched by length and
/// images and frames are run through the vision tower together, ``batchSize`` per model call.
///
/// ```swift
/// let clip = try await CLIPEmbedder(directory: checkpointFolder)   // config, weights, tokenizer, preprocessor
/// let video = try MediaDecoder().decodeVideo(videoBytes)
/// let vectors = try await clip.embed([.text("a photo of a cat"), .image(photo), .video(video)])
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

    /// Embeds a batch: texts by length in as few model calls as ``batchSize`` allows, images and video frames
    /// together through the vision tower.
    /// - Parameter inputs: Texts, images or video clips.
    /// - Returns: One L2-normalised row per input, in order.
    /// - Throws: ``EmbeddingError/Code/unsupportedModality`` for audio or a modality without its conversion, before
    ///   any work; ``EmbeddingError/Code/invalidInput`` for an empty image or frame, a video frame that cannot be
    ///   decoded (the `MediaDecodingError` is the `underlying` error), or a preprocessor whose output is not the
    ///   model's input size; ``EmbeddingError/Code/cancelled`` when the task is cancelled (checked before each
    ///   batch).
    @concurrent public func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        var batches = 0
        let d = model.configuration.projectionDim
        var sums = ContiguousArray<Float>(repeating: 0, count: inputs.count * d)
        var texts: [[Int]] = []
        var textOwners: [Int] = []
        var pictures: [(owner: Int, picture: Picture)] = []
        for (i, input) in inputs.enumerated() {
            switch input {
            case .text(let text):
                guard let tokenizer else { continue }
                let limit = min(tokenizer.maxLength, model.configuration.text.maxPositionEmbeddings)
                texts.append(tokenizer.encode(text, maxLength: limit))
                textOwners.append(i)
            case .image(let image):
                pictures.append((i, .image(image)))
            case .video(let clip):
                let count = min(clip.frameCount, maxVideoFrames)
                for f in clip.frameIndices(sampledUniformly: count) { pictures.append((i, .frame(clip, f))) }
            case .audio, .depth, .thermal, .imu:
                throw EmbeddingError(.unsupportedModality, "CLIP does not embed \(input.modality.rawValue)")
            }
        }
        for batch in LengthBatches.plan(lengths: texts.map(\.count), batchSize: batchSize) {
            try await EmbeddingError.beforeBatch(&batches, "embedding \(batch.count) of \(texts.count) texts")
            let rows = try model.textEmbeddings(batch.map { texts[$0] })
            for (r, t) in batch.enumerated() { add(rows[r], to: &sums, row: textOwners[t], dimension: d) }
        }
        for start in stride(from: 0, to: pictures.count, by: batchSize) {
            let batch = pictures[start..<min(start + batchSize, pictures.count)]
            let what = "embedding \(batch.count) of \(pictures.count) images and frames"
            try await EmbeddingError.beforeBatch(&batches, what)
            var pixels: [Float] = []
            pixels.reserveCapacity(batch.count * model.pixelsPerImage)
            for (owner, picture) in batch { pixels += try preprocess(try picture.image(input: owner), input: owner) }
            let rows = try model.imageEmbeddings(pixelValues: pixels)
            for (r, frame) in batch.enumerated() { add(rows[r], to: &sums, row: frame.owner, dimension: d) }
        }
        // Texts and images are unit rows already (normalising again changes nothing); video sums become means.
        return EmbeddingMatrix(unchecked: sums, dimension: d).normalized()
    }

    /// An image to run through the vision tower: one given, or a video frame decoded when its batch runs.
    private enum Picture {
        case image(Image)
        case frame(VideoClip, Int)

        func image(input: Int) throws(EmbeddingError) -> Image {
            switch self {
            case .image(let image):
                return image
            case .frame(let clip, let index):
                do {
                    return try clip.frame(at: index)
                } catch {
                    throw EmbeddingError(
                        .invalidInput,
                        "input \(input): video frame \(index) cannot be decoded",
                        underlying: error
                    )
                }
            }
        }
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
