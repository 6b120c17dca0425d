// SPDX-License-Identifier: Apache-2.0

/// Sampling and output options of a chat request; `nil` leaves a setting to the provider (or the client).
public struct ChatOptions: Sendable, Hashable {
    /// The form of the answer.
    public enum ResponseFormat: Sendable, Hashable {
        /// Free text.
        case text
        /// One JSON object: OpenAI `response_format: json_object`, Gemini `responseMimeType: application/json`,
        /// Ollama `format: json`. Anthropic has no such switch; ask for JSON in the prompt there.
        case jsonObject
    }

    /// The model name, overriding the client's default.
    public var model: String?
    /// Sampling temperature.
    public var temperature: Double?
    /// Nucleus sampling mass.
    public var topP: Double?
    /// The most tokens the answer may have.
    ///
    /// Anthropic requires one; its client falls back to its own default.
    public var maxTokens: Int?
    /// Sequences that end the answer when generated.
    public var stopSequences: [String]
    /// A seed for reproducible sampling where the provider offers one (OpenAI, Gemini, Ollama).
    public var seed: Int?
    /// The form of the answer.
    public var responseFormat: ResponseFormat

    /// Creates options.
    public init(
        model: String? = nil,
        temperature: Double? = nil,
        topP: Double? = nil,
        maxTokens: Int? = nil,
        stopSequences: [String] = [],
        seed: Int? = nil,
        responseFormat: ResponseFormat = .text
    ) {
        self.model = model
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.stopSequences = stopSequences
        self.seed = seed
        self.responseFormat = responseFormat
    }

    /// Checks the ranges every provider shares.
    func validate() throws(GenerationError) {
        if let maxTokens, maxTokens < 1 {
            throw GenerationError(.invalidRequest, "maxTokens must be at least 1, not \(maxTokens)")
        }
        if let temperature, !(temperature >= 0 && temperature <= 2) {
            throw GenerationError(.invalidRequest, "temperature must be in 0...2, not \(temperature)")
        }
        if let topP, !(topP >= 0 && topP <= 1) {
            throw GenerationError(.invalidRequest, "topP must be in 0...1, not \(topP)")
        }
    }
}
