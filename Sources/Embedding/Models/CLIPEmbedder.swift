// SPDX-License-Identifier: Apache-2.0

public import MediaDecoding

/// A CLIP model behind the ``Embedder`` seam: text, images and video frames into one normalised space.
///
/// The model consumes token ids and preprocessed pixels, so the host supplies the two conversions: a tokenizer
/// (CLIP BPE with start and end tokens, truncated to the model's positions) and an image preprocessor (resize,
/// center crop, normalise to `C × H × W` floats). A modality whose conversion is absent is not offered. A video is
/// embedded as the normalised mean of its frames' embeddings.
///
/// ```swift
/// let clip = try await CLIPModel(directory: folder)
/// let embedder = CLIPEmbedder(model: clip, tokenize: { try bpe.encode($0) }, preprocess: { try processor($0) })
/// let vectors = try await embedder.embed([.text("a cat"), .image(photo)])
/// ```
public struct CLIPEmbedder: Embedder {
    /// The model.
    public let model: CLIPModel
    /// Turns a text into token ids, or `nil` when texts are not accepted.
    public let tokenize: (@Sendable (String) throws -> [Int])?
    /// Turns an image into `model.pixelsPerImage` floats, or `nil` when images and video are not accepted.
    public let preprocess: (@Sendable (Image) throws -> [Float])?

    /// Wraps a model with the conversions its inputs need.
    /// - Parameters:
    ///   - model: The CLIP model.
    ///   - tokenize: A tokenizer, or `nil` to refuse text.
    ///   - preprocess: An image preprocessor, or `nil` to refuse images and video.
    public init(
        model: CLIPModel,
        tokenize: (@Sendable (String) throws -> [Int])?,
        preprocess: (@Sendable (Image) throws -> [Float])?
    ) {
        self.model = model
        self.tokenize = tokenize
        self.preprocess = preprocess
    }

    /// The model's normalised space.
    public var space: EmbeddingSpace { model.space }

    /// Text when a tokenizer is set; image and video when a preprocessor is set.
    public var modalities: Set<Modality> {
        var set: Set<Modality> = []
        if tokenize != nil { set.insert(.text) }
        if preprocess != nil { set.formUnion([.image, .video]) }
        return set
    }

    /// Embeds a batch: all texts in one model call, all images and video frames in another.
    /// - Parameter inputs: Texts, images or videos (a video needs at least one frame).
    /// - Returns: One L2-normalised row per input, in order.
    /// - Throws: ``EmbeddingError/Code/unsupportedModality`` for a modality without its conversion,
    ///   ``EmbeddingError/Code/invalidInput`` for an empty video or bad model input, and whatever the tokenizer
    ///   or preprocessor throws.
    public func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        var texts: [[Int]] = []
        var textRows: [Int] = []  // input index of each text
        var pixels: [Float] = []
        var frameOwners: [Int] = []  // input index of each image or frame
        for (i, input) in inputs.enumerated() {
            switch input {
            case .text(let text):
                texts.append(try tokenize!(text))
                textRows.append(i)
            case .image(let image):
                pixels += try preprocess!(image)
                frameOwners.append(i)
            case .video(let frames):
                guard !frames.isEmpty else { throw EmbeddingError(.invalidInput, "video \(i) has no frames") }
                for frame in frames {
                    pixels += try preprocess!(frame)
                    frameOwners.append(i)
                }
            case .audio:
                throw EmbeddingError(.unsupportedModality, "CLIP does not embed audio")
            }
        }
        let d = model.configuration.projectionDim
        var sums = [Double](repeating: 0, count: inputs.count * d)
        if !texts.isEmpty {
            let rows = try model.textEmbeddings(texts)
            for (r, owner) in textRows.enumerated() {
                for j in 0..<d { sums[owner * d + j] = Double(rows.values[r * d + j]) }
            }
        }
        if !frameOwners.isEmpty {
            let rows = try model.imageEmbeddings(pixelValues: pixels)
            for (r, owner) in frameOwners.enumerated() {
                for j in 0..<d { sums[owner * d + j] += Double(rows.values[r * d + j]) }
            }
        }
        let values = ContiguousArray(sums.map { Float($0) })
        // Texts and single images are already unit length; video means are re-normalised here.
        return EmbeddingMatrix(values: values, dimension: d).normalized()
    }
}
