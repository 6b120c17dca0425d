// SPDX-License-Identifier: Apache-2.0

public import Foundation
import _RAGHTTP

/// A ``ChatModel`` on Anthropic's Messages API, `POST {baseURL}/messages`.
///
/// ```swift
/// let claude = AnthropicChatModel(model: "claude-sonnet-4-5")   // key from ANTHROPIC_API_KEY
/// let answer = try await claude.complete(ChatRequest(system: "Be brief.", prompt: "Why is the sky blue?"))
/// ```
///
/// The system prompt is the top-level `system`; `max_tokens`, which the API requires, is the request's
/// ``ChatOptions/maxTokens`` or ``defaultMaxTokens``. Images are `image` blocks with a `base64` source (raw base64
/// and the true `media_type`; JPEG, PNG, GIF and WebP, others re-encoded, and images over ``imagePolicy`` scaled
/// down) or a `url` source. Streams are typed server-sent events: `message_start` (input tokens),
/// `content_block_delta` text deltas, `message_delta` (stop reason, output tokens), `message_stop`; `ping` is
/// skipped and an `error` event ends the stream with a `providerError` carrying Anthropic's message and type.
/// The API has no seed and no JSON switch; those options are not sent. Its temperature range is 0...1, so a
/// higher ``ChatOptions/temperature`` is an `invalidRequest` error rather than a silent change.
///
/// The key travels only in the `x-api-key` header, with `anthropic-version: 2023-06-01`.
public struct AnthropicChatModel: ChatModel, CustomStringConvertible {
    /// Anthropic's API base, `https://api.anthropic.com/v1`.
    public static let anthropicBaseURL = URL(string: "https://api.anthropic.com/v1")!
    /// The API version sent as `anthropic-version`.
    public static let apiVersion = "2023-06-01"
    /// The media types sent without re-encoding.
    public static let acceptedMediaTypes: Set<String> = ["image/jpeg", "image/png", "image/gif", "image/webp"]

    /// The model used when a request's options name none.
    public let model: String
    /// `max_tokens` when a request's options set none.
    public let defaultMaxTokens: Int
    /// How images are prepared.
    public let imagePolicy: ImagePolicy
    /// Timeouts and retries.
    public var options: HostedServiceOptions { client.service.options }
    var client: ProviderClient

    /// Creates a client.
    /// - Parameters:
    ///   - model: The default model, such as `claude-sonnet-4-5`.
    ///   - baseURL: The API base that `/messages` is appended to; Anthropic's by default.
    ///   - apiKey: Sent as `x-api-key`. `nil` reads `ANTHROPIC_API_KEY` when `baseURL` is Anthropic's; an empty
    ///     string sends none.
    ///   - defaultMaxTokens: `max_tokens` when a request sets none; 1024 by default.
    ///   - imagePolicy: Image budgets; at most 1568 pixels a side (Anthropic's recommended long edge) and 5 MB.
    ///   - options: Timeouts and retries.
    ///   - transport: How requests reach the server; a new `DefaultHTTPTransport` by default.
    /// - Precondition: `defaultMaxTokens >= 1`.
    public init(
        model: String,
        baseURL: URL = AnthropicChatModel.anthropicBaseURL,
        apiKey: String? = nil,
        defaultMaxTokens: Int = 1024,
        imagePolicy: ImagePolicy = ImagePolicy(maxSide: 1568, maxBytes: 5 << 20),
        options: HostedServiceOptions = HostedServiceOptions(),
        transport: any HTTPTransport = DefaultHTTPTransport()
    ) {
        precondition(defaultMaxTokens >= 1, "defaultMaxTokens must be at least 1")
        self.model = model
        self.defaultMaxTokens = defaultMaxTokens
        self.imagePolicy = imagePolicy
        let key =
            apiKey.map { APIKey($0) }
            ?? (baseURL == Self.anthropicBaseURL ? APIKey.fromEnvironment(["ANTHROPIC_API_KEY"]) : nil)
        self.client = ProviderClient(
            service: HostedServiceClient(
                baseURL: baseURL,
                apiKey: key,
                credential: .header("x-api-key"),
                headers: ["anthropic-version": Self.apiVersion],
                options: options,
                transport: transport
            )
        )
    }

    /// `AnthropicChatModel(<model>, <base URL>)`, without the key.
    public var description: String { "AnthropicChatModel(\(model), \(client))" }

    /// Answers in one piece.
    /// - Throws: ``GenerationError`` as ``OpenAIChatModel/complete(_:)`` does.
    public func complete(_ request: ChatRequest) async throws(GenerationError) -> ChatResponse {
        let (json, head) = try await client.post("messages", try body(request, stream: false))
        guard let blocks = json["content"].array, let reason = json["stop_reason"].string else {
            throw GenerationError(.invalidResponse, "\(self) answered without content and stop_reason")
        }
        let text = blocks.compactMap { $0["type"].string == "text" ? $0["text"].string : nil }.joined()
        return ChatResponse(
            text: text,
            finishReason: FinishReason(provider: reason),
            usage: Self.usage(json["usage"], input: nil),
            requestID: ProviderClient.requestID(head) ?? json["id"].string,
            model: json["model"].string
        )
    }

    /// Answers as a stream of events (typed server-sent events ending in `message_stop`).
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<GenerationEvent, any Error> {
        do {
            let body = try self.body(request, stream: true)
            return client.stream("messages", body, accept: "text/event-stream", decoder: EventDecoder())
        } catch {
            return ProviderClient.failed(error)
        }
    }

    /// The same client with `sleep` in place of the waits between retries (tests record them instead).
    package func replacingRetryWaits(with sleep: @escaping @Sendable (Duration) async -> Void) -> AnthropicChatModel {
        var copy = self
        copy.client.service.http.sleep = sleep
        return copy
    }

    /// The request body.
    package func body(_ request: ChatRequest, stream: Bool) throws(GenerationError) -> JSONValue {
        try request.validate()
        let options = request.options
        var messages: [JSONValue] = []
        for message in request.messages {
            var blocks: [JSONValue] = []
            for part in message.content {
                switch part {
                case .text(let text):
                    blocks.append(["type": "text", "text": .string(text)])
                case .image(let image):
                    switch image.source {
                    case .url(let url):
                        blocks.append(["type": "image", "source": ["type": "url", "url": .string(url.absoluteString)]])
                    case .data(let bytes, let mediaType):
                        let ready = try imagePolicy.prepare(
                            bytes,
                            mediaType: mediaType,
                            accepted: Self.acceptedMediaTypes
                        )
                        let source: JSONValue = [
                            "type": "base64", "media_type": .string(ready.mediaType),
                            "data": .string(ProviderClient.base64(ready.bytes)),
                        ]
                        blocks.append(["type": "image", "source": source])
                    }
                }
            }
            messages.append(["role": .string(message.role.rawValue), "content": .array(blocks)])
        }
        var body: [String: JSONValue] = [
            "model": .string(options.model ?? model), "max_tokens": .int(options.maxTokens ?? defaultMaxTokens),
            "messages": .array(messages),
        ]
        if stream { body["stream"] = true }
        if let system = request.system { body["system"] = .string(system) }
        if let temperature = options.temperature {
            guard temperature <= 1 else {
                throw GenerationError(.invalidRequest, "Anthropic's temperature is 0...1, not \(temperature)")
            }
            body["temperature"] = .double(temperature)
        }
        if let topP = options.topP { body["top_p"] = .double(topP) }
        if !options.stopSequences.isEmpty {
            body["stop_sequences"] = .array(options.stopSequences.map { .string($0) })
        }
        return .object(body)
    }

    /// `usage{input_tokens, output_tokens}`; `input` fills in input tokens a `message_delta` leaves out.
    static func usage(_ json: JSONValue, input: Int?) -> TokenUsage? {
        guard let output = json["output_tokens"].int, let input = json["input_tokens"].int ?? input else { return nil }
        return TokenUsage(inputTokens: input, outputTokens: output)
    }

    /// Decodes Anthropic's typed events.
    struct EventDecoder: StreamDecoder {
        var parser = ServerSentEventParser()
        var inputTokens: Int?

        mutating func feed(_ chunk: [UInt8], into signals: inout [StreamSignal]) throws(GenerationError) {
            let events: [ServerSentEvent]
            do {
                events = try parser.feed(chunk)
            } catch {
                throw ProviderClient.error(error)
            }
            for event in events {
                guard let json = JSONValue(parsing: Array(event.data.utf8)) else {
                    throw GenerationError(.invalidResponse, "an Anthropic stream event is not JSON")
                }
                switch json["type"].string ?? event.event {
                case "message_start":
                    signals.append(.response(id: json["message"]["id"].string, model: json["message"]["model"].string))
                    let usage = json["message"]["usage"]
                    inputTokens = usage["input_tokens"].int
                case "content_block_delta":
                    if json["delta"]["type"].string == "text_delta", let text = json["delta"]["text"].string {
                        signals.append(.text(text))
                    }
                case "message_delta":
                    if let reason = json["delta"]["stop_reason"].string {
                        signals.append(.finish(FinishReason(provider: reason)))
                    }
                    if let usage = AnthropicChatModel.usage(json["usage"], input: inputTokens) {
                        signals.append(.usage(usage))
                    }
                case "message_stop":
                    signals.append(.end)
                    return
                case "error":
                    throw StreamErrors.inBand(json["error"], provider: "Anthropic")
                default:
                    break  // ping, content_block_start/stop, other delta kinds
                }
            }
        }

        mutating func finish() throws(GenerationError) -> [StreamSignal] {
            throw GenerationError(.invalidResponse, "the Anthropic stream ended before message_stop")
        }
    }
}
