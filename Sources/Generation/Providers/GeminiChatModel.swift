// SPDX-License-Identifier: Apache-2.0

public import Foundation
import _RAGHTTP

/// A ``ChatModel`` on Google's Gemini API: `POST {baseURL}/models/{model}:generateContent`, and
/// `:streamGenerateContent?alt=sse` for streams.
///
/// ```swift
/// let gemini = GeminiChatModel(model: "gemini-2.5-flash")   // key from GEMINI_API_KEY or GOOGLE_API_KEY
/// let answer = try await gemini.complete(ChatRequest(prompt: "Caption this", options: ChatOptions(maxTokens: 64)))
/// ```
///
/// The system prompt is `systemInstruction`; messages are `contents` with roles `user` and `model`; images are
/// `inline_data` parts (the true `mime_type` and raw base64; PNG, JPEG, WebP, HEIC and HEIF, others re-encoded,
/// and images over ``imagePolicy`` scaled down), or `file_data` parts for a URL (its media type taken from the
/// file extension). Options go into `generationConfig` (`maxOutputTokens`, `temperature`, `topP`,
/// `stopSequences`, `seed`, `responseMimeType`). A stream is server-sent `data:` events each holding a whole
/// `GenerateContentResponse`, with no end marker: the last one carries `finishReason` and `usageMetadata`.
///
/// The key travels only in the `x-goog-api-key` header.
public struct GeminiChatModel: ChatModel, CustomStringConvertible {
    /// Google's API base, `https://generativelanguage.googleapis.com/v1beta`.
    public static let geminiBaseURL = URL(string: "https://generativelanguage.googleapis.com/v1beta")!
    /// The media types sent without re-encoding.
    public static let acceptedMediaTypes: Set<String> = [
        "image/png", "image/jpeg", "image/webp", "image/heic", "image/heif",
    ]

    /// The model used when a request's options name none.
    public let model: String
    /// How images are prepared.
    public let imagePolicy: ImagePolicy
    /// Timeouts and retries.
    public var options: HostedServiceOptions { client.service.options }
    var client: ProviderClient

    /// Creates a client.
    /// - Parameters:
    ///   - model: The default model, such as `gemini-2.5-flash`.
    ///   - baseURL: The API base that `/models/…` is appended to; Google's by default.
    ///   - apiKey: Sent as `x-goog-api-key`. `nil` reads `GEMINI_API_KEY`, then `GOOGLE_API_KEY`, when `baseURL` is
    ///     Google's; an empty string sends none.
    ///   - imagePolicy: Image budgets; at most 3072 pixels a side and 15 MB (inline requests are limited to about
    ///     20 MB in all) by default.
    ///   - options: Timeouts and retries.
    ///   - transport: How requests reach the server; a new `DefaultHTTPTransport` by default.
    public init(
        model: String,
        baseURL: URL = GeminiChatModel.geminiBaseURL,
        apiKey: String? = nil,
        imagePolicy: ImagePolicy = ImagePolicy(maxSide: 3072, maxBytes: 15 << 20),
        options: HostedServiceOptions = HostedServiceOptions(),
        transport: any HTTPTransport = DefaultHTTPTransport()
    ) {
        self.model = model
        self.imagePolicy = imagePolicy
        let key =
            apiKey.map { APIKey($0) }
            ?? (baseURL == Self.geminiBaseURL ? APIKey.fromEnvironment(["GEMINI_API_KEY", "GOOGLE_API_KEY"]) : nil)
        self.client = ProviderClient(
            service: HostedServiceClient(
                baseURL: baseURL,
                apiKey: key,
                credential: .header("x-goog-api-key"),
                options: options,
                transport: transport
            )
        )
    }

    /// `GeminiChatModel(<model>, <base URL>)`, without the key.
    public var description: String { "GeminiChatModel(\(model), \(client))" }

    /// Answers in one piece.
    /// - Throws: ``GenerationError`` as ``OpenAIChatModel/complete(_:)`` does.
    public func complete(_ request: ChatRequest) async throws(GenerationError) -> ChatResponse {
        let body = try self.body(request)
        let (json, head) = try await client.post("models/\(try modelName(request)):generateContent", body)
        let reading = Self.read(json)
        guard let reason = reading.finish else {
            throw GenerationError(.invalidResponse, "\(self) answered without candidates[0].finishReason")
        }
        return ChatResponse(
            text: reading.text,
            finishReason: reason,
            usage: reading.usage,
            requestID: ProviderClient.requestID(head) ?? json["responseId"].string,
            model: json["modelVersion"].string
        )
    }

    /// Answers as a stream of events (server-sent `GenerateContentResponse` chunks).
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<GenerationEvent, any Error> {
        do {
            let body = try self.body(request)
            let path = "models/\(try modelName(request)):streamGenerateContent?alt=sse"
            return client.stream(path, body, accept: "text/event-stream", decoder: EventDecoder())
        } catch {
            return ProviderClient.failed(error)
        }
    }

    /// The same client with `sleep` in place of the waits between retries (tests record them instead).
    package func replacingRetryWaits(with sleep: @escaping @Sendable (Duration) async -> Void) -> GeminiChatModel {
        var copy = self
        copy.client.service.http.sleep = sleep
        return copy
    }

    /// The model name, checked to be one path segment.
    func modelName(_ request: ChatRequest) throws(GenerationError) -> String {
        var name = request.options.model ?? model
        if name.hasPrefix("models/") { name.removeFirst(7) }
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "-._".unicodeScalars.contains($0)
        }
        guard !name.isEmpty, allowed else {
            throw GenerationError(.invalidRequest, "'\(name)' is not a Gemini model name")
        }
        return name
    }

    /// The request body.
    package func body(_ request: ChatRequest) throws(GenerationError) -> JSONValue {
        try request.validate()
        var contents: [JSONValue] = []
        for message in request.messages {
            var parts: [JSONValue] = []
            for part in message.content {
                switch part {
                case .text(let text):
                    parts.append(["text": .string(text)])
                case .image(let image):
                    parts.append(try imagePart(image))
                }
            }
            let role = message.role == .assistant ? "model" : "user"
            contents.append(["role": .string(role), "parts": .array(parts)])
        }
        var body: [String: JSONValue] = ["contents": .array(contents)]
        if let system = request.system { body["systemInstruction"] = ["parts": [["text": .string(system)]]] }
        let options = request.options
        var config: [String: JSONValue] = [:]
        if let maxTokens = options.maxTokens { config["maxOutputTokens"] = .int(maxTokens) }
        if let temperature = options.temperature { config["temperature"] = .double(temperature) }
        if let topP = options.topP { config["topP"] = .double(topP) }
        if !options.stopSequences.isEmpty {
            config["stopSequences"] = .array(options.stopSequences.map { .string($0) })
        }
        if let seed = options.seed { config["seed"] = .int(seed) }
        if options.responseFormat == .jsonObject { config["responseMimeType"] = "application/json" }
        if !config.isEmpty { body["generationConfig"] = .object(config) }
        return .object(body)
    }

    private func imagePart(_ image: ChatImage) throws(GenerationError) -> JSONValue {
        switch image.source {
        case .data(let bytes, let mediaType):
            let ready = try imagePolicy.prepare(bytes, mediaType: mediaType, accepted: Self.acceptedMediaTypes)
            return [
                "inline_data": [
                    "mime_type": .string(ready.mediaType), "data": .string(ProviderClient.base64(ready.bytes)),
                ]
            ]
        case .url(let url):
            let types = ["png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"]
            guard let mediaType = types[url.pathExtension.lowercased()] else {
                throw GenerationError(
                    .unsupportedContent,
                    "Gemini needs the media type of an image URL; '\(url.lastPathComponent)' has no known extension"
                )
            }
            return ["file_data": ["mime_type": .string(mediaType), "file_uri": .string(url.absoluteString)]]
        }
    }

    /// The text, finish reason and usage of one `GenerateContentResponse`.
    static func read(_ json: JSONValue) -> (text: String, finish: FinishReason?, usage: TokenUsage?) {
        let candidate = json["candidates"][0]
        let text = (candidate["content"]["parts"].array ?? []).compactMap { $0["text"].string }.joined()
        var finish = candidate["finishReason"].string.map(FinishReason.init(provider:))
        if finish == nil, let blocked = json["promptFeedback"]["blockReason"].string {
            finish = FinishReason(provider: blocked == "OTHER" ? "SAFETY" : blocked)
        }
        let metadata = json["usageMetadata"]
        var usage: TokenUsage?
        if let input = metadata["promptTokenCount"].int {
            usage = TokenUsage(
                inputTokens: input,
                outputTokens: metadata["candidatesTokenCount"].int ?? 0,
                totalTokens: metadata["totalTokenCount"].int
            )
        }
        return (text, finish, usage)
    }

    /// Decodes `data:` chunks; the stream has no end marker, so its end is the body's end.
    struct EventDecoder: StreamDecoder {
        var parser = ServerSentEventParser()

        mutating func feed(_ chunk: [UInt8], into signals: inout [StreamSignal]) throws(GenerationError) {
            let events: [ServerSentEvent]
            do {
                events = try parser.feed(chunk)
            } catch {
                throw ProviderClient.error(error)
            }
            for event in events {
                guard let json = JSONValue(parsing: Array(event.data.utf8)) else {
                    throw GenerationError(.invalidResponse, "a Gemini stream event is not JSON")
                }
                if !json["error"].isNull { throw StreamErrors.inBand(json["error"], provider: "Gemini") }
                if json["responseId"].string != nil || json["modelVersion"].string != nil {
                    signals.append(.response(id: json["responseId"].string, model: json["modelVersion"].string))
                }
                let reading = GeminiChatModel.read(json)
                signals.append(.text(reading.text))
                if let usage = reading.usage { signals.append(.usage(usage)) }
                if let finish = reading.finish { signals.append(.finish(finish)) }
            }
        }

        mutating func finish() throws(GenerationError) -> [StreamSignal] {
            parser.finish()
            return [.end]
        }
    }
}
