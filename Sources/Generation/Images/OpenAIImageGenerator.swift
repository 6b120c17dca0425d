// SPDX-License-Identifier: Apache-2.0

public import Foundation
import MediaDecoding
import _RAGHTTP

/// An ``ImageGenerator`` on OpenAI's image API, `POST {baseURL}/images/generations`.
///
/// ```swift
/// let painter = OpenAIImageGenerator(model: "dall-e-3")   // key from OPENAI_API_KEY
/// let request = ImageGenerationRequest(prompt: "The lighthouse at dusk", size: .init(width: 1024, height: 1792),
///                                      quality: .hd, style: .natural)
/// let image = try await painter.generate(request)[0]
/// print(image.revisedPrompt ?? "")
/// ```
///
/// Size, quality, style, count and prompt length are checked against the model before anything is sent
/// (`dall-e-2`: 256, 512 or 1024 square, 1–10 images, 1000 characters; `dall-e-3`: 1024x1024, 1792x1024 or
/// 1024x1792, one image, `standard`/`hd`, `vivid`/`natural`, 4000 characters; `gpt-image-1`: 1024x1024,
/// 1536x1024, 1024x1536 or `auto`, 1–10 images, `low`/`medium`/`high`/`auto`, 32000 characters); other model
/// names are passed through unchecked. DALL·E models are asked for `b64_json`; `gpt-image-1` always answers in
/// base64. A result given as a URL is downloaded (without the API key). Every image is decoded into an `Image`.
public struct OpenAIImageGenerator: ImageGenerator, CustomStringConvertible {
    /// The model used when a request names none.
    public let model: String
    /// Timeouts and retries.
    public var options: HostedServiceOptions { client.service.options }
    var client: ProviderClient

    /// Creates a generator.
    /// - Parameters:
    ///   - model: The default model: `dall-e-3`, `gpt-image-1`, `dall-e-2`, …
    ///   - baseURL: The API base that `/images/generations` is appended to; OpenAI's by default.
    ///   - apiKey: Sent as `Authorization: Bearer <key>`. `nil` reads `OPENAI_API_KEY` when `baseURL` is
    ///     OpenAI's; an empty string sends none.
    ///   - options: Timeouts and retries; image models are slow, so 180 s by default.
    ///   - transport: How requests reach the server; a new `DefaultHTTPTransport` by default.
    public init(
        model: String = "dall-e-3",
        baseURL: URL = OpenAIChatModel.openAIBaseURL,
        apiKey: String? = nil,
        options: HostedServiceOptions = HostedServiceOptions(timeout: .seconds(180)),
        transport: any HTTPTransport = DefaultHTTPTransport()
    ) {
        self.model = model
        let key =
            apiKey.map { APIKey($0) }
            ?? (baseURL == OpenAIChatModel.openAIBaseURL ? APIKey.fromEnvironment(["OPENAI_API_KEY"]) : nil)
        self.client = ProviderClient(
            service: HostedServiceClient(baseURL: baseURL, apiKey: key, options: options, transport: transport)
        )
    }

    /// `OpenAIImageGenerator(<model>, <base URL>)`, without the key.
    public var description: String { "OpenAIImageGenerator(\(model), \(client))" }

    /// Makes the images.
    /// - Throws: ``GenerationError``: `invalidRequest` for a setting the model does not offer (before sending);
    ///   the server errors of ``OpenAIChatModel/complete(_:)``; `invalidResponse` for a malformed answer;
    ///   `invalidImage` for an image that does not decode.
    public func generate(_ request: ImageGenerationRequest) async throws(GenerationError) -> [GeneratedImage] {
        let (json, _) = try await client.post("images/generations", try body(request))
        guard let items = json["data"].array, !items.isEmpty else {
            throw GenerationError(.invalidResponse, "\(self) answered without data[]")
        }
        var images: [GeneratedImage] = []
        for (index, item) in items.enumerated() {
            let bytes: [UInt8]
            if let base64 = item["b64_json"].string {
                guard let data = Data(base64Encoded: base64) else {
                    throw GenerationError(.invalidResponse, "\(self) sent data[\(index)].b64_json that is not base64")
                }
                bytes = [UInt8](data)
            } else if let link = item["url"].string, let url = URL(string: link) {
                do {
                    bytes = try await client.service.download(url).body
                } catch {
                    throw ProviderClient.error(error)
                }
            } else {
                throw GenerationError(.invalidResponse, "\(self) sent data[\(index)] without b64_json or url")
            }
            let image: Image
            do {
                image = try MediaDecoder().decodeImage(bytes)
            } catch {
                throw GenerationError(
                    .invalidImage,
                    "\(self) sent image \(index) that does not decode",
                    underlying: error
                )
            }
            images.append(
                GeneratedImage(
                    image: image,
                    data: bytes,
                    mediaType: ChatImage.sniffMediaType(bytes) ?? "application/octet-stream",
                    revisedPrompt: item["revised_prompt"].string
                )
            )
        }
        return images
    }

    /// The same generator with `sleep` in place of the waits between retries (tests record them instead).
    package func replacingRetryWaits(with sleep: @escaping @Sendable (Duration) async -> Void) -> OpenAIImageGenerator {
        var copy = self
        copy.client.service.http.sleep = sleep
        return copy
    }

    /// What a model offers.
    struct Limits {
        var sizes: Set<String>
        var counts: ClosedRange<Int>
        var qualities: Set<String>
        var styles: Bool
        var promptCharacters: Int
        var base64Only: Bool
    }

    /// The limits of the models the API documents.
    static func limits(_ model: String) -> Limits? {
        switch model {
        case "dall-e-2":
            Limits(
                sizes: ["256x256", "512x512", "1024x1024"],
                counts: 1...10,
                qualities: ["standard"],
                styles: false,
                promptCharacters: 1000,
                base64Only: false
            )
        case "dall-e-3":
            Limits(
                sizes: ["1024x1024", "1792x1024", "1024x1792"],
                counts: 1...1,
                qualities: ["standard", "hd"],
                styles: true,
                promptCharacters: 4000,
                base64Only: false
            )
        case "gpt-image-1":
            Limits(
                sizes: ["1024x1024", "1536x1024", "1024x1536", "auto"],
                counts: 1...10,
                qualities: ["low", "medium", "high", "auto"],
                styles: false,
                promptCharacters: 32000,
                base64Only: true
            )
        default: nil
        }
    }

    /// The request body, after checking it against the model's limits.
    package func body(_ request: ImageGenerationRequest) throws(GenerationError) -> JSONValue {
        let model = request.model ?? self.model
        guard !request.prompt.isEmpty else { throw GenerationError(.invalidRequest, "the image prompt is empty") }
        guard request.count >= 1 else { throw GenerationError(.invalidRequest, "count must be at least 1") }
        let limits = Self.limits(model)
        if let limits {
            func reject(_ what: String) -> GenerationError {
                GenerationError(.invalidRequest, "\(model) does not offer \(what)")
            }
            if let size = request.size, !limits.sizes.contains(size.rawValue) {
                throw reject("size \(size); it offers \(limits.sizes.sorted().joined(separator: ", "))")
            }
            if !limits.counts.contains(request.count) { throw reject("\(request.count) images per request") }
            if let quality = request.quality, !limits.qualities.contains(quality.rawValue) {
                throw reject("quality \(quality); it offers \(limits.qualities.sorted().joined(separator: ", "))")
            }
            if let style = request.style, !limits.styles { throw reject("a style (\(style.rawValue))") }
            if request.prompt.count > limits.promptCharacters {
                throw reject("prompts over \(limits.promptCharacters) characters")
            }
        }
        var body: [String: JSONValue] = [
            "model": .string(model), "prompt": .string(request.prompt), "n": .int(request.count),
        ]
        if let size = request.size { body["size"] = .string(size.rawValue) }
        if let quality = request.quality { body["quality"] = .string(quality.rawValue) }
        if let style = request.style { body["style"] = .string(style.rawValue) }
        if !(limits?.base64Only ?? model.hasPrefix("gpt-image")) { body["response_format"] = "b64_json" }
        return .object(body)
    }
}
