// SPDX-License-Identifier: Apache-2.0

public import MediaDecoding

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// ImageBind behind the ``Embedder`` seam: text, images, video, audio, depth, thermal and IMU into one space,
/// with the reference preprocessing of every modality.
///
/// Texts go through the CLIP BPE tokenizer (`[49406] + bpe[:75] + [49407]`), images through
/// `ImagePreprocessor.imageBind`, video through `ImageBindVideoPreprocessor` (5 clips × 3 views), audio through
/// `ImageBindAudioPreprocessor` (3 clips of 2 s), depth and thermal images through `ImagePreprocessor.imageBindGray`
/// (Weaviate's `multi2vec-bind` loader), IMU series padded or cut to the model's 2000 steps.
///
/// By default every vector is L2-normalised (``space`` says `.l2`): cosine similarity is then a dot product, and
/// an audio file or video (several clips averaged) has unit length too. With ``Output/raw`` the vectors are
/// the reference model's outputs, what a Weaviate `multi2vec-bind` deployment stores: normalised and multiplied
/// by the tower's scale (text 100, audio 20, thermal 10, depth and IMU 5, vision 1), multi-clip inputs averaged.
/// ImageBind's code and weights are licensed CC-BY-NC-SA 4.0; this library ships no weights.
///
/// ```swift
/// let bind = try await ImageBindEmbedder(directory: checkpoint, tokenizerDirectory: clipTokenizer)
/// let vectors = try await bind.embed([.audio(bark), .image(dog), .text("a dog")])
/// ```
public struct ImageBindEmbedder: Embedder {
    /// What the vectors are.
    public enum Output: Sendable, Hashable {
        /// L2-normalised (the default).
        case normalized
        /// The reference model's scaled outputs, as Weaviate stores them.
        case raw
    }

    /// The model.
    public let model: ImageBindModel
    /// The tokenizer, or `nil` when texts are not accepted.
    public let tokenizer: CLIPTokenizer?
    /// Normalised (default) or raw vectors.
    public var output: Output
    /// Whether texts of more than 75 tokens are cut the legacy way (off by default).
    ///
    /// ImageBind before November 2025, and Weaviate's container, which vendors that code, cut the ids as
    /// `([49406] + bpe + [49407])[:77]`: a long text keeps no end token, so it is pooled at the start token and
    /// every long text gets the same vector. The current reference keeps the end token (`bpe[:75]`); turn this on
    /// only to match vectors stored by such a deployment.
    public var legacyTextTruncation: Bool
    /// The image transform (ImageBind's by default).
    public var imagePreprocessor: ImagePreprocessor
    /// The depth and thermal image transform (Weaviate's by default).
    public var mapPreprocessor: ImagePreprocessor
    /// The audio transform.
    public var audioPreprocessor: ImageBindAudioPreprocessor
    /// The video transform.
    public var videoPreprocessor: ImageBindVideoPreprocessor
    /// The most inputs per model call (default 8), which bounds the memory a call takes.
    public var batchSize: Int

    /// Wraps a model.
    /// - Parameters:
    ///   - model: The ImageBind model.
    ///   - tokenizer: The CLIP BPE tokenizer, or `nil` to refuse text.
    ///   - output: Normalised or raw vectors.
    public init(model: ImageBindModel, tokenizer: CLIPTokenizer?, output: Output = .normalized) {
        self.model = model
        self.tokenizer = tokenizer
        self.output = output
        legacyTextTruncation = false
        imagePreprocessor = .imageBind
        mapPreprocessor = .imageBindGray
        audioPreprocessor = ImageBindAudioPreprocessor()
        videoPreprocessor = ImageBindVideoPreprocessor()
        batchSize = 8
    }

    /// Loads the model from a folder (see ``ImageBindModel/init(directory:configuration:)``) and the CLIP tokenizer
    /// from `tokenizerDirectory`, or from the model folder when it has `vocab.json` or `tokenizer.json`.
    /// - Parameters:
    ///   - directory: The checkpoint folder.
    ///   - tokenizerDirectory: The tokenizer folder, when not beside the weights.
    /// - Throws: ``EmbeddingError`` for an unreadable checkpoint, configuration or tokenizer.
    @concurrent public init(directory: URL, tokenizerDirectory: URL? = nil) async throws(EmbeddingError) {
        let model = try await ImageBindModel(directory: directory)
        var tokenizer: CLIPTokenizer?
        let folder = tokenizerDirectory ?? directory
        if tokenizerDirectory != nil
            || ["vocab.json", "tokenizer.json"].contains(where: {
                FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
            })
        {
            tokenizer = try CLIPTokenizer(directory: folder)
        }
        self.init(model: model, tokenizer: tokenizer)
    }

    /// The model's space: `.l2` for normalised vectors, `.none` for raw ones.
    public var space: EmbeddingSpace {
        EmbeddingSpace(
            modelID: model.modelID,
            revision: model.revision,
            dimension: model.dimension,
            normalization: output == .normalized ? .l2 : .none
        )
    }

    /// The modalities of the towers the checkpoint has (text only with a tokenizer).
    public var modalities: Set<Modality> {
        var set: Set<Modality> = []
        let towers = model.towers
        if towers.contains(.text), tokenizer != nil { set.insert(.text) }
        if towers.contains(.vision) { set.formUnion([.image, .video]) }
        if towers.contains(.audio) { set.insert(.audio) }
        if towers.contains(.depth) { set.insert(.depth) }
        if towers.contains(.thermal) { set.insert(.thermal) }
        if towers.contains(.imu) { set.insert(.imu) }
        return set
    }

    /// The token ids the model sees for `text` (77 at most, unpadded), honouring ``legacyTextTruncation``.
    /// - Precondition: The embedder has a tokenizer.
    public func tokenIDs(_ text: String) -> [Int] {
        guard let tokenizer else { preconditionFailure("no tokenizer") }
        guard legacyTextTruncation else { return tokenizer.encode(text, maxLength: 77) }
        return Array(tokenizer.encode(text, maxLength: 1 << 20).prefix(77))
    }
}
