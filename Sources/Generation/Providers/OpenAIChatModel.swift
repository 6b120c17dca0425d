// SPDX-License-Identifier: Apache-2.0

public import Foundation
import _RAGHTTP

/// A ``ChatModel`` on OpenAI's Chat Completions API, `POST {baseURL}/chat/completions`, or any server that speaks
/// it: Ollama's `/v1`, vLLM, LM Studio, llama.cpp's server.
///
/// ```swift
/// let gpt = OpenAIChatModel(model: "gpt-4o")   // key from OPENAI_API_KEY
/// let local = OpenAIChatModel(model: "llava", baseURL: URL(string: "http://localhost:11434/v1")!)
/// let answer = try await gpt.complete(ChatRequest(prompt: "Name three primes."))
/// ```
///
/// The system prompt goes first as a `system` message. A user message that is one piece of text is sent as a
/// string; one with images as content parts, each image an `image_url` holding a `data:<type>;base64,…` URL (or
/// the image's own `https` URL) with its ``ChatImage/detail``. PNG, JPEG, WebP and GIF go as they are; other
/// formats are re-encoded, and images over ``imagePolicy`` are scaled down. Streams are server-sent events
/// ending in `data: [DONE]`, with `stream_options.include_usage` so the last chunk carries token counts.
///
/// The API key travels only in the `Authorization: Bearer` header, never in an error or a description.
public struct OpenAIChatModel: ChatModel, CustomStringConvertible {
    /// Which field carries ``ChatOptions/maxTokens``.
    public enum TokenLimitField: String, Sendable, Hashable {
        /// `max_tokens`, which most models and OpenAI-compatible servers take.
        case maxTokens = "max_tokens"
        /// `max_completion_tokens`, which OpenAI's reasoning models (o-series, GPT-5) require.
        case maxCompletionTokens = "max_completion_tokens"
    }

    /// OpenAI's API base, `https://api.openai.com/v1`.
    public static let openAIBaseURL = URL(string: "https://api.openai.com/v1")!
    /// The media types sent without re-encoding.
    public static let acceptedMediaTypes: Set<String> = ["image/png", "image/jpeg", "image/webp", "image/gif"]

    /// The model used when a request's options name none.
    public let model: String
    /// How images are prepared.
    public let imagePolicy: ImagePolicy
    /// The token-limit field; `nil` picks by model name (`max_completion_tokens` for `o1`, `o3`, `o4` and `gpt-5`
    /// models on OpenAI's own base URL, `max_tokens` otherwise).
    public let tokenLimitField: TokenLimitField?
    /// Timeouts and retries.
    public var options: HostedServiceOptions { client.service.options }
    var client: ProviderClient

    /// Creates a client.
    /// - Parameters:
    ///   - model: The default model, such as `gpt-4o`.
    ///   - baseURL: The API base that `/chat/completions` is appended to; OpenAI's by default.
    ///   - apiKey: Sent as `Authorization: Bearer <key>`. `nil` reads `OPENAI_API_KEY` when `baseURL` is OpenAI's
    ///     (never for other servers, so the key does not travel elsewhere); an empty string sends none.
    ///   - imagePolicy: Image budgets; at most 2048 pixels a side and 20 MB by default.
    ///   - tokenLimitField: Which field carries the token limit; chosen by model name by default.
    ///   - options: Timeouts and retries.
    ///   - transport: How requests reach the server; a new `DefaultHTTPTransport` by default.
    public init(
        model: String,
        baseURL: URL = OpenAIChatModel.openAIBaseURL,
        apiKey: String? = nil,
        imagePolicy: ImagePolicy = ImagePolicy(maxSide: 2048, maxBytes: 20 << 20),
        tokenLimitField: TokenLimitField? = nil,
        options: HostedServiceOptions = HostedServiceOptions(),
        transport: any HTTPTransport = DefaultHTTPTransport()
    ) {
        self.model = model
        self.imagePolicy = imagePolicy
        self.tokenLimitField = tokenLimitField
        let key =
            apiKey.map { APIKey($0) }
            ?? (baseURL == Self.openAIBaseURL ? APIKey.fromEnvironment(["OPENAI_API_KEY"]) : nil)
        self.client = ProviderClient(
            service: HostedServiceClient(baseURL: baseURL, apiKey: key, options: options, transport: transport)
        )
    }

    /// `OpenAIChatModel(<model>, <base URL>)`, without the key.
    public var description: String { "OpenAIChatModel(\(model), \(client))" }

    /// Answers in one piece.
    /// - Throws: ``GenerationError``: `invalidRequest` before sending; `network`, `timeout`, `cancelled`,
    ///   `rateLimited`, `unauthorized` or `providerError` from the server; `invalidResponse` for a malformed
    ///   answer.
    public func complete(_ request: ChatRequest) async throws(GenerationError) -> ChatResponse {
        let body = try self.body(request, stream: false)
        let (json, head) = try await client.post("chat/completions", body)
        let choice = json["choices"][0]
        guard choice.object != nil, let reason = choice["finish_reason"].string else {
            throw GenerationError(.invalidResponse, "\(self) answered without choices[0].finish_reason")
        }
        return ChatResponse(
            text: choice["message"]["content"].string ?? "",
            finishReason: FinishReason(provider: reason),
            usage: Self.usage(json["usage"]),
            requestID: ProviderClient.requestID(head) ?? json["id"].string,
            model: json["model"].string
        )
    }

    /// Answers as a stream of events (server-sent events ending in `[DONE]`).
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<GenerationEvent, any Error> {
        do {
            let body = try self.body(request, stream: true)
            return client.stream("chat/completions", body, accept: "text/event-stream", decoder: EventDecoder())
        } catch {
            return ProviderClient.failed(error)
        }
    }

    /// The same client with `sleep` in place of the waits between retries (tests record them instead).
    package func replacingRetryWaits(with sleep: @escaping @Sendable (Duration) async -> Void) -> OpenAIChatModel {
        var copy = self
        copy.client.service.http.sleep = sleep
        return copy
    }

    /// The token-limit field for `model`.
    func limitField(for model: String) -> TokenLimitField {
        if let tokenLimitField { return tokenLimitField }
        guard client.service.baseURL == Self.openAIBaseURL else { return .maxTokens }
        let reasoning = ["o1", "o3", "o4", "gpt-5"].contains { model == $0 || model.hasPrefix($0 + "-") }
        return reasoning ? .maxCompletionTokens : .maxTokens
    }

    /// The request body.
    package func body(_ request: ChatRequest, stream: Bool) throws(GenerationError) -> JSONValue {
        try request.validate()
        let model = request.options.model ?? self.model
        var messages: [JSONValue] = []
        if let system = request.system { messages.append(["role": "system", "content": .string(system)]) }
        for message in request.messages {
            messages.append(["role": .string(message.role.rawValue), "content": try content(message)])
        }
        var body: [String: JSONValue] = [
            "model": .string(model), "messages": .array(messages), "stream": .bool(stream),
        ]
        if stream { body["stream_options"] = ["include_usage": true] }
        let options = request.options
        if let maxTokens = options.maxTokens { body[limitField(for: model).rawValue] = .int(maxTokens) }
        if let temperature = options.temperature { body["temperature"] = .double(temperature) }
        if let topP = options.topP { body["top_p"] = .double(topP) }
        if !options.stopSequences.isEmpty { body["stop"] = .array(options.stopSequences.map { .string($0) }) }
        if let seed = options.seed { body["seed"] = .int(seed) }
        if options.responseFormat == .jsonObject { body["response_format"] = ["type": "json_object"] }
        return .object(body)
    }

    /// A message's `content`: a string for a single text part, else an array of parts.
    private func content(_ message: ChatMessage) throws(GenerationError) -> JSONValue {
        if message.role == .assistant || message.images.isEmpty && message.content.count <= 1 {
            return .string(message.text)
        }
        var parts: [JSONValue] = []
        for part in message.content {
            switch part {
            case .text(let text):
                parts.append(["type": "text", "text": .string(text)])
            case .image(let image):
                var imageURL: [String: JSONValue] = [:]
                switch image.source {
                case .url(let url):
                    imageURL["url"] = .string(url.absoluteString)
                case .data(let bytes, let mediaType):
                    let ready = try imagePolicy.prepare(bytes, mediaType: mediaType, accepted: Self.acceptedMediaTypes)
                    imageURL["url"] = .string("data:\(ready.mediaType);base64,\(ProviderClient.base64(ready.bytes))")
                }
                if let detail = image.detail { imageURL["detail"] = .string(detail.rawValue) }
                parts.append(["type": "image_url", "image_url": .object(imageURL)])
            }
        }
        return .array(parts)
    }

    /// `usage{prompt_tokens, completion_tokens, total_tokens}`, if present.
    static func usage(_ json: JSONValue) -> TokenUsage? {
        guard let input = json["prompt_tokens"].int, let output = json["completion_tokens"].int else { return nil }
        return TokenUsage(inputTokens: input, outputTokens: output, totalTokens: json["total_tokens"].int)
    }

    /// Decodes `chat.completion.chunk` events: `choices[0].delta.content`, `choices[0].finish_reason`, the
    /// usage-only last chunk, an in-band `{"error": …}`, and `[DONE]`.
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
                if event.data == "[DONE]" {
                    signals.append(.end)
                    return
                }
                guard let json = JSONValue(parsing: Array(event.data.utf8)) else {
                    throw GenerationError(.invalidResponse, "an OpenAI stream event is not JSON")
                }
                if !json["error"].isNull { throw StreamErrors.inBand(json["error"], provider: "OpenAI") }
                if json["id"].string != nil || json["model"].string != nil {
                    signals.append(.response(id: json["id"].string, model: json["model"].string))
                }
                let choice = json["choices"][0]
                if let text = choice["delta"]["content"].string { signals.append(.text(text)) }
                if let reason = choice["finish_reason"].string {
                    signals.append(.finish(FinishReason(provider: reason)))
                }
                if let usage = OpenAIChatModel.usage(json["usage"]) { signals.append(.usage(usage)) }
            }
        }

        /// Some compatible servers close the stream without `[DONE]`; the finish reason is what counts.
        mutating func finish() throws(GenerationError) -> [StreamSignal] {
            parser.finish()
            return [.end]
        }
    }
}
