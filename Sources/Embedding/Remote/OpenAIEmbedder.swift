// SPDX-License-Identifier: Apache-2.0

public import Foundation

/// Embeds text through an OpenAI-compatible `POST {baseURL}/embeddings` endpoint: OpenAI itself, Ollama, vLLM,
/// LM Studio, llama.cpp's server or any other server that speaks the same wire format.
///
/// ```swift
/// let openAI = OpenAIEmbedder(model: "text-embedding-3-small", dimension: 1536, apiKey: key)
/// let local = OpenAIEmbedder(
///     model: "nomic-embed-text",
///     dimension: 768,
///     baseURL: URL(string: "http://localhost:11434/v1")!   // Ollama
/// )
/// let vectors = try await openAI.embed([.text("a cat on a mat"), .text("a dog in the fog")])
/// ```
///
/// A batch is split into requests of at most `HostedServiceOptions.maxInputsPerRequest` texts (and, if set,
/// `HostedServiceOptions.maxCharactersPerRequest` characters), sent one after another; the rows come back in
/// input order whatever order the server lists them in. Vectors are requested as base64 (`encoding_format`),
/// which is about four times smaller than JSON numbers, and a server that ignores the option and sends arrays is
/// understood too.
///
/// OpenAI's embeddings have unit length. With ``EmbeddingSpace/Normalization/l2`` (the default) the embedder also
/// L2-normalises every row itself, so the space's promise holds for servers whose models do not normalise;
/// pass ``EmbeddingSpace/Normalization/none`` to keep the raw vectors.
///
/// The API key travels only in the `Authorization: Bearer` header of requests to `baseURL`'s origin. It never
/// appears in an error, in ``description`` or in a debugger's view of the value, and a provider message that
/// echoes it has it replaced by `<redacted>`.
public struct OpenAIEmbedder: Embedder, CustomStringConvertible {
    /// How vectors are asked for on the wire.
    public enum EncodingFormat: String, Sendable, Hashable {
        /// `"encoding_format": "base64"`: little-endian Float32 values, base64-encoded (the default).
        case base64
        /// `"encoding_format": "float"`: JSON arrays of numbers.
        case float
    }

    /// OpenAI's API base, `https://api.openai.com/v1`.
    public static let openAIBaseURL = URL(string: "https://api.openai.com/v1")!

    /// The model id, dimension and normalisation of the vectors.
    public let space: EmbeddingSpace
    /// The model name sent as `model`.
    public let model: String
    /// Whether `dimensions` is sent (for models that can shorten their vectors, like `text-embedding-3-*`).
    public let sendsDimensions: Bool
    /// How vectors are asked for on the wire.
    public let encodingFormat: EncodingFormat
    /// An identifier of the end user on whose behalf requests are made, sent as OpenAI's `user` field (for its abuse
    /// monitoring); `nil` leaves the field out.
    public var user: String?
    /// Timeouts, retries and batching.
    public var options: HostedEmbedderOptions { client.options }
    private(set) var client: HostedEmbeddingClient

    /// Text only.
    public var modalities: Set<Modality> { [.text] }

    /// Creates an embedder.
    ///
    /// Requests go through `transport`, which sends each one once; the embedder adds retries and same-origin
    /// redirects on top. Pass your own ``HTTPTransport`` to reach the server some other way (AsyncHTTPClient, a
    /// proxy, a test double).
    /// - Parameters:
    ///   - model: The model name, such as `text-embedding-3-small` or `nomic-embed-text`.
    ///   - dimension: The length of the vectors the model returns (or is asked for with `sendsDimensions`).
    ///   - baseURL: The API base that `/embeddings` is appended to; OpenAI's by default. Ollama serves
    ///     `http://localhost:11434/v1`, LM Studio `http://localhost:1234/v1`, vLLM `http://host:8000/v1`.
    ///   - apiKey: Sent as `Authorization: Bearer <key>`; `nil` (or empty) sends no `Authorization` header.
    ///   - sendsDimensions: Whether to send `"dimensions": dimension` so the server shortens its vectors.
    ///   - normalization: ``EmbeddingSpace/Normalization/l2`` (default) normalises every row.
    ///   - encodingFormat: ``EncodingFormat/base64`` by default.
    ///   - options: Timeouts, retries and batching.
    ///   - transport: How requests reach the server; a new ``DefaultHTTPTransport`` by default.
    public init(
        model: String,
        dimension: Int,
        baseURL: URL = OpenAIEmbedder.openAIBaseURL,
        apiKey: String? = nil,
        sendsDimensions: Bool = false,
        normalization: EmbeddingSpace.Normalization = .l2,
        encodingFormat: EncodingFormat = .base64,
        options: HostedEmbedderOptions = HostedEmbedderOptions(),
        transport: any HTTPTransport = DefaultHTTPTransport()
    ) {
        self.space = EmbeddingSpace(modelID: model, dimension: dimension, normalization: normalization)
        self.model = model
        self.sendsDimensions = sendsDimensions
        self.encodingFormat = encodingFormat
        self.user = nil
        self.client = HostedEmbeddingClient(
            baseURL: baseURL,
            path: "embeddings",
            apiKey: apiKey,
            options: options,
            transport: transport
        )
    }

    /// The same embedder with `sleep` in place of the waits between retries (tests record them instead).
    package func replacingRetryWaits(with sleep: @escaping @Sendable (Duration) async -> Void) -> OpenAIEmbedder {
        var copy = self
        copy.client.http.sleep = sleep
        return copy
    }

    /// `OpenAIEmbedder(<space>, POST <endpoint>)`, without the key.
    public var description: String { "OpenAIEmbedder(\(space), \(client))" }

    /// Embeds texts, splitting them into as many requests as the options require.
    /// - Parameter inputs: Texts only.
    /// - Returns: One row per input, in order.
    /// - Throws: ``EmbeddingError``: `unsupportedModality` for a non-text input; `network`, `timeout`,
    ///   `cancelled`, `rateLimited`, `unauthorized` or `providerError` when the server fails;
    ///   `invalidResponse` when its answer is malformed.
    @concurrent public func embed(_ inputs: [EmbeddingInput]) async throws(EmbeddingError) -> EmbeddingMatrix {
        try checkModalities(inputs)
        let texts = inputs.map { input -> String in
            if case .text(let text) = input { return text }
            return ""
        }
        // The API refuses empty inputs with a 400 for the whole batch; say which one before sending anything.
        if let empty = texts.firstIndex(where: \.isEmpty) {
            throw EmbeddingError(
                .invalidInput,
                "input \(empty) is an empty text, which \(model)'s embeddings API refuses; drop it or embed a placeholder"
            )
        }
        var values = ContiguousArray<Float>()
        values.reserveCapacity(texts.count * space.dimension)
        for range in options.requestRanges(sizes: texts.map(\.count)) {
            values += try await embedBatch(Array(texts[range]))
        }
        let matrix = try EmbeddingMatrix(values: values, dimension: space.dimension)
        return space.normalization == .l2 ? matrix.normalized() : matrix
    }

    /// The request body: `{"model", "input": [texts], "encoding_format", "dimensions"?}`.
    struct Request: Encodable {
        let model: String
        let input: [String]
        let encodingFormat: String
        let dimensions: Int?
        let user: String?

        enum CodingKeys: String, CodingKey {
            case model, input, dimensions, user
            case encodingFormat = "encoding_format"
        }
    }

    private func embedBatch(_ texts: [String]) async throws(EmbeddingError) -> ContiguousArray<Float> {
        let request = Request(
            model: model,
            input: texts,
            encodingFormat: encodingFormat.rawValue,
            dimensions: sendsDimensions ? space.dimension : nil,
            user: user
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
            count: texts.count,
            dimension: space.dimension,
            source: client.description
        )
    }
}
