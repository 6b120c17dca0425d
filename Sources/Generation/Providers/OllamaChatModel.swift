// SPDX-License-Identifier: Apache-2.0

public import Foundation
import _RAGHTTP

/// A ``ChatModel`` on Ollama's native chat API, `POST {baseURL}/api/chat`.
///
/// ```swift
/// let llava = OllamaChatModel(model: "llava")   // OLLAMA_HOST, else http://localhost:11434
/// let caption = try await llava.complete(ChatRequest(messages: [.user([.image(photo), .text("Caption this.")])]))
/// ```
///
/// The system prompt is a `system` message. A message's text parts are joined into `content` and its images go
/// in the message's `images` array as raw base64 (no media type; JPEG and PNG are sent as they are, others
/// re-encoded, and images over ``imagePolicy`` scaled down). Ollama can not fetch image URLs, so a URL image is
/// an `unsupportedContent` error. Options go into `options` (`temperature`, `top_p`, `num_predict`, `stop`,
/// `seed`) and ``ChatOptions/ResponseFormat/jsonObject`` becomes `"format": "json"`. A stream is
/// newline-delimited JSON ending with a `"done": true` object that carries `done_reason`,
/// `prompt_eval_count` and `eval_count`; an `{"error": …}` line ends it with a `providerError`.
public struct OllamaChatModel: ChatModel, CustomStringConvertible {
    /// Ollama's default address, `http://localhost:11434`.
    public static let defaultBaseURL = URL(string: "http://localhost:11434")!
    /// The media types sent without re-encoding.
    public static let acceptedMediaTypes: Set<String> = ["image/jpeg", "image/png"]

    /// The model used when a request's options name none.
    public let model: String
    /// How images are prepared.
    public let imagePolicy: ImagePolicy
    /// Timeouts and retries.
    public var options: HostedServiceOptions { client.service.options }
    var client: ProviderClient

    /// Creates a client.
    /// - Parameters:
    ///   - model: The default model, such as `llava` or `gemma3`.
    ///   - baseURL: The server; `nil` reads `OLLAMA_HOST` (see ``baseURL(host:)``), else ``defaultBaseURL``.
    ///   - apiKey: Sent as `Authorization: Bearer <key>` for servers behind an authenticating proxy; none by
    ///     default.
    ///   - imagePolicy: Image budgets; at most 2048 pixels a side by default.
    ///   - options: Timeouts and retries; local models can take long to load, so 5 minutes by default.
    ///   - transport: How requests reach the server; a new `DefaultHTTPTransport` by default.
    public init(
        model: String,
        baseURL: URL? = nil,
        apiKey: String? = nil,
        imagePolicy: ImagePolicy = ImagePolicy(maxSide: 2048),
        options: HostedServiceOptions = HostedServiceOptions(timeout: .seconds(300)),
        transport: any HTTPTransport = DefaultHTTPTransport()
    ) {
        self.model = model
        self.imagePolicy = imagePolicy
        let base = baseURL ?? Self.baseURL(host: ProcessInfo.processInfo.environment["OLLAMA_HOST"])
        self.client = ProviderClient(
            service: HostedServiceClient(baseURL: base, apiKey: APIKey(apiKey), options: options, transport: transport)
        )
    }

    /// The server an `OLLAMA_HOST` value names, read as Ollama reads it.
    ///
    /// `host` or `host:port` is `http` on port 11434 unless given; a URL with a scheme keeps that scheme's default
    /// port; `0.0.0.0` (listen everywhere) is reached at `127.0.0.1`. An empty or unreadable value gives
    /// ``defaultBaseURL``.
    public static func baseURL(host value: String?) -> URL {
        guard var text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return defaultBaseURL }
        let hasScheme = text.contains("://")
        if !hasScheme { text = "http://" + text }
        guard var components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            return defaultBaseURL
        }
        if host == "0.0.0.0" { components.host = "127.0.0.1" }
        if components.port == nil && !hasScheme { components.port = 11434 }
        return components.url ?? defaultBaseURL
    }

    /// `OllamaChatModel(<model>, <base URL>)`.
    public var description: String { "OllamaChatModel(\(model), \(client))" }

    /// Answers in one piece.
    /// - Throws: ``GenerationError`` as ``OpenAIChatModel/complete(_:)`` does.
    public func complete(_ request: ChatRequest) async throws(GenerationError) -> ChatResponse {
        let (json, head) = try await client.post("api/chat", try body(request, stream: false))
        guard json["done"].bool == true, let message = json["message"].object else {
            throw GenerationError(.invalidResponse, "\(self) answered without a finished message")
        }
        return ChatResponse(
            text: message["content"]?.string ?? "",
            finishReason: FinishReason(provider: json["done_reason"].string ?? "stop"),
            usage: Self.usage(json),
            requestID: ProviderClient.requestID(head),
            model: json["model"].string
        )
    }

    /// Answers as a stream of events (NDJSON ending with `"done": true`).
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<GenerationEvent, any Error> {
        do {
            let body = try self.body(request, stream: true)
            return client.stream("api/chat", body, accept: "application/x-ndjson", decoder: EventDecoder())
        } catch {
            return ProviderClient.failed(error)
        }
    }

    /// The same client with `sleep` in place of the waits between retries (tests record them instead).
    package func replacingRetryWaits(with sleep: @escaping @Sendable (Duration) async -> Void) -> OllamaChatModel {
        var copy = self
        copy.client.service.http.sleep = sleep
        return copy
    }

    /// The request body.
    package func body(_ request: ChatRequest, stream: Bool) throws(GenerationError) -> JSONValue {
        try request.validate()
        var messages: [JSONValue] = []
        if let system = request.system { messages.append(["role": "system", "content": .string(system)]) }
        for message in request.messages {
            var wire: [String: JSONValue] = ["role": .string(message.role.rawValue), "content": .string(message.text)]
            var images: [JSONValue] = []
            for image in message.images {
                guard case .data(let bytes, let mediaType) = image.source else {
                    throw GenerationError(
                        .unsupportedContent,
                        "Ollama takes images as bytes, not URLs; download the image first"
                    )
                }
                let ready = try imagePolicy.prepare(bytes, mediaType: mediaType, accepted: Self.acceptedMediaTypes)
                images.append(.string(ProviderClient.base64(ready.bytes)))
            }
            if !images.isEmpty { wire["images"] = .array(images) }
            messages.append(.object(wire))
        }
        let options = request.options
        var body: [String: JSONValue] = [
            "model": .string(options.model ?? model), "messages": .array(messages), "stream": .bool(stream),
        ]
        var settings: [String: JSONValue] = [:]
        if let temperature = options.temperature { settings["temperature"] = .double(temperature) }
        if let topP = options.topP { settings["top_p"] = .double(topP) }
        if let maxTokens = options.maxTokens { settings["num_predict"] = .int(maxTokens) }
        if !options.stopSequences.isEmpty { settings["stop"] = .array(options.stopSequences.map { .string($0) }) }
        if let seed = options.seed { settings["seed"] = .int(seed) }
        if !settings.isEmpty { body["options"] = .object(settings) }
        if options.responseFormat == .jsonObject { body["format"] = "json" }
        return .object(body)
    }

    /// `prompt_eval_count` and `eval_count` of a final object, if present.
    static func usage(_ json: JSONValue) -> TokenUsage? {
        guard let input = json["prompt_eval_count"].int, let output = json["eval_count"].int else { return nil }
        return TokenUsage(inputTokens: input, outputTokens: output)
    }

    /// Decodes NDJSON objects until `"done": true`.
    struct EventDecoder: StreamDecoder {
        var lines = JSONLinesSplitter()

        mutating func feed(_ chunk: [UInt8], into signals: inout [StreamSignal]) throws(GenerationError) {
            let complete: [[UInt8]]
            do {
                complete = try lines.feed(chunk)
            } catch {
                throw ProviderClient.error(error)
            }
            try Self.read(complete, into: &signals)
        }

        mutating func finish() throws(GenerationError) -> [StreamSignal] {
            var signals: [StreamSignal] = []
            try Self.read(lines.finish().map { [$0] } ?? [], into: &signals)
            guard signals.contains(.end) else {
                throw GenerationError(.invalidResponse, "the Ollama stream ended before \"done\": true")
            }
            return signals
        }

        static func read(_ lines: [[UInt8]], into signals: inout [StreamSignal]) throws(GenerationError) {
            for line in lines {
                guard let json = JSONValue(parsing: line) else {
                    throw GenerationError(.invalidResponse, "an Ollama stream line is not JSON")
                }
                if !json["error"].isNull { throw StreamErrors.inBand(json["error"], provider: "Ollama") }
                if let model = json["model"].string { signals.append(.response(id: nil, model: model)) }
                if let text = json["message"]["content"].string { signals.append(.text(text)) }
                if json["done"].bool == true {
                    if let usage = OllamaChatModel.usage(json) { signals.append(.usage(usage)) }
                    signals.append(.finish(FinishReason(provider: json["done_reason"].string ?? "stop")))
                    signals.append(.end)
                    return
                }
            }
        }
    }
}
