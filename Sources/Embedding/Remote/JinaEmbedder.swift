// SPDX-License-Identifier: Apache-2.0

public import Foundation
import MediaDecoding

/// Embeds text and images into one space through Jina AI's multimodal embeddings API (`jina-clip-v2` and
/// compatible models), `POST {baseURL}/embeddings`.
///
/// ```swift
/// let jina = JinaEmbedder(apiKey: key)   // jina-clip-v2, 1024 dimensions
/// let vectors = try await jina.embed([.image(photo), .text("a red bicycle")])
/// let cosine = zip(vectors[0], vectors[1]).reduce(0) { $0 + $1.0 * $1.1 }
/// ```
///
/// Each input becomes one item of `input`: `{"text": "…"}` for text, `{"image": "<base64>"}` for an image. Images
/// are first scaled down (never up) so that their longer side is at most ``maxImageSide`` pixels — `jina-clip-v2`
/// reads images at 512 × 512, so sending more only costs bandwidth — and encoded as JPEG (or PNG, with
/// ``ImageEncoding/png``). Vectors come back as base64 Float32 (`"embedding_type": "base64"`), and arrays of
/// numbers are understood too. With `"normalized": true` the server returns unit vectors; the space is then
/// ``EmbeddingSpace/Normalization/l2`` and the embedder normalises every row as well.
///
/// Retries, timeouts, batching and key handling are those of ``OpenAIEmbedder``; see ``HostedEmbedderOptions``.
public struct JinaEmbedder: Embedder, CustomStringConvertible {
    /// How images are encoded before they are sent.
    public enum ImageEncoding: Sendable, Hashable {
        /// Baseline JPEG at the given quality (1...100).
        case jpeg(quality: Int)
        /// Lossless PNG.
        case png
    }

    /// Jina's API base, `https://api.jina.ai/v1`.
    public static let jinaBaseURL = URL(string: "https://api.jina.ai/v1")!

    /// The model id, dimension and normalisation of the vectors.
    public let space: EmbeddingSpace
    /// The model name sent as `model`.
    public let model: String
    /// Whether `dimensions` is sent (`jina-clip-v2` can shorten its vectors to 64...1024 values).
    public let sendsDimensions: Bool
    /// The longest side, in pixels, an image is sent with.
    public let maxImageSide: Int
    /// How images are encoded.
    public let imageEncoding: ImageEncoding
    /// Timeouts, retries and batching.
    public var options: HostedEmbedderOptions { client.options }
    private(set) var client: HostedEmbeddingClient

    /// Text and images.
    public var modalities: Set<Modality> { [.text, .image] }

    /// Creates an embedder.
    ///
    /// Requests go through `transport`, which sends each one once; the embedder adds retries and same-origin
    /// redirects on top. Pass your own ``HTTPTransport`` to reach the server some other way (AsyncHTTPClient, a
    /// proxy, a test double).
    /// - Parameters:
    ///   - model: The model name; `jina-clip-v2` by default.
    ///   - dimension: The vector length; 1024 (the full `jina-clip-v2` size) by default.
    ///   - baseURL: The API base that `/embeddings` is appended to; Jina's by default.
    ///   - apiKey: Sent as `Authorization: Bearer <key>`.
    ///   - sendsDimensions: Whether to send `"dimensions": dimension` (needed for a shortened dimension).
    ///   - normalized: Whether to ask for unit vectors (`"normalized": true`, the default).
    ///   - maxImageSide: Images whose longer side exceeds this are scaled down to it; 512 by default.
    ///   - imageEncoding: JPEG at quality 90 by default.
    ///   - options: Timeouts, retries and batching; at most 64 inputs per request by default.
    ///   - transport: How requests reach the server; a new ``DefaultHTTPTransport`` by default.
    /// - Precondition: `maxImageSide >= 1`.
    public init(
        model: String = "jina-clip-v2",
        dimension: Int = 1024,
        baseURL: URL = JinaEmbedder.jinaBaseURL,
        apiKey: String?,
        sendsDimensions: Bool = false,
        normalized: Bool = true,
        maxImageSide: Int = 512,
        imageEncoding: ImageEncoding = .jpeg(quality: 90),
        options: HostedEmbedderOptions = HostedEmbedderOptions(maxInputsPerRequest: 64),
        transport: any HTTPTransport = DefaultHTTPTransport()
    ) {
        precondition(maxImageSide >= 1, "maxImageSide must be at least 1")
        self.space = EmbeddingSpace(modelID: model, dimension: dimension, normalization: normalized ? .l2 : .none)
        self.model = model
        self.sendsDimensions = sendsDimensions
        self.maxImageSide = maxImageSide
        self.imageEncoding = imageEncoding
        self.client = HostedEmbeddingClient(
            baseURL: baseURL,
            path: "embeddings",
            apiKey: apiKey,
            options: options,
            transport: transport
        )
    }

    /// The same embedder with `sleep` in place of the waits between retries (tests record them instead).
    package func replacingRetryWaits(with sleep: @escaping @Sendable (Duration) async -> Void) -> JinaEmbedder {
        var copy = self
        copy.client.http.sleep = sleep
        return copy
    }

    /// `JinaEmbedder(<space>, POST <endpoint>)`, without the key.
    public var description: String { "JinaEmbedder(\(space), \(client))" }

    /// Embeds texts and images, splitting them into as many requests as the options require.
    /// - Parameter inputs: Texts and images.
    /// - Returns: One row per input, in order.
    /// - Throws: ``EmbeddingError``: `unsupportedModality` for audio or video; `network`, `timeout`,
    ///   `cancelled`, `rateLimited`, `unauthorized` or `providerError` when the server fails;
    ///   `invalidResponse` when its answer is malformed.
    @concurrent public func embed(_ inputs: [EmbeddingInput]) async throws(EmbeddingError) -> EmbeddingMatrix {
        try checkModalities(inputs)
        let items = inputs.map(wireItem)
        var values = ContiguousArray<Float>()
        values.reserveCapacity(items.count * space.dimension)
        for range in options.requestRanges(sizes: items.map(\.size)) {
            values += try await embedBatch(Array(items[range]))
        }
        let matrix = try EmbeddingMatrix(values: values, dimension: space.dimension)
        return space.normalization == .l2 ? matrix.normalized() : matrix
    }

    /// One element of `input`: exactly one of `text` and `image` is set.
    struct Item: Encodable {
        var text: String?
        var image: String?

        /// Characters counted against the request budget (images count as none).
        var size: Int { text?.count ?? 0 }
    }

    /// The request body: `{"model", "input": [items], "embedding_type", "normalized", "dimensions"?}`.
    struct Request: Encodable {
        let model: String
        let input: [Item]
        let embeddingType: String
        let normalized: Bool
        let dimensions: Int?

        enum CodingKeys: String, CodingKey {
            case model, input, normalized, dimensions
            case embeddingType = "embedding_type"
        }
    }

    /// The wire item for an input (text or image; other modalities were rejected before).
    func wireItem(_ input: EmbeddingInput) -> Item {
        switch input {
        case .text(let text): Item(text: text)
        case .image(let image): Item(image: Data(encodedImage(image)).base64EncodedString())
        case .audio, .video, .depth, .thermal, .imu: Item()
        }
    }

    /// The image scaled to fit ``maxImageSide`` (keeping its aspect ratio) and encoded per ``imageEncoding``.
    func encodedImage(_ image: Image) -> [UInt8] {
        let longer = max(image.width, image.height)
        var scaled = image
        if longer > maxImageSide {
            let scale = Double(maxImageSide) / Double(longer)
            let width = max(1, Int((Double(image.width) * scale).rounded()))
            let height = max(1, Int((Double(image.height) * scale).rounded()))
            scaled = image.resized(width: width, height: height)
        }
        return switch imageEncoding {
        case .jpeg(let quality): JPEGEncoder(quality: quality).encode(scaled)
        case .png: PNGEncoder().encode(scaled)
        }
    }

    private func embedBatch(_ items: [Item]) async throws(EmbeddingError) -> ContiguousArray<Float> {
        let request = Request(
            model: model,
            input: items,
            embeddingType: "base64",
            normalized: space.normalization == .l2,
            dimensions: sendsDimensions ? space.dimension : nil
        )
        let body: [UInt8]
        do {
            body = [UInt8](try JSONEncoder().encode(request))
        } catch {
            throw EmbeddingError(.invalidInput, "cannot encode the request for \(model)", underlying: error)
        }
        let answer = try await client.post(body)
        return try EmbeddingsResponse.vectors(
            answer,
            count: items.count,
            dimension: space.dimension,
            source: client.description
        )
    }
}
