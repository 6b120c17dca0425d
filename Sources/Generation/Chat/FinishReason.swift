// SPDX-License-Identifier: Apache-2.0

/// Why a model stopped: one vocabulary for every provider, with the provider's own word kept.
///
/// Two reasons are equal when their normalised ``rawValue`` is, so `reason == .stop` holds for OpenAI's `stop`,
/// Anthropic's `end_turn` and `stop_sequence`, Gemini's `STOP` and Ollama's `stop`.
public struct FinishReason: Sendable, Hashable, CustomStringConvertible {
    /// The normalised reason: `stop`, `length`, `contentFilter`, `toolUse` or `other`.
    public let rawValue: String
    /// The provider's own word, such as `end_turn` or `MAX_TOKENS`.
    public let providerValue: String

    private init(_ rawValue: String, providerValue: String) {
        self.rawValue = rawValue
        self.providerValue = providerValue
    }

    /// The answer is complete, or a stop sequence was generated.
    public static let stop = FinishReason("stop", providerValue: "stop")
    /// The token limit was reached; the answer is cut short.
    public static let length = FinishReason("length", providerValue: "length")
    /// The provider withheld (part of) the answer for safety or policy reasons.
    public static let contentFilter = FinishReason("contentFilter", providerValue: "content_filter")
    /// The model asked for a tool.
    public static let toolUse = FinishReason("toolUse", providerValue: "tool_use")

    /// Maps a provider's word to a reason.
    /// - Parameter value: `stop`, `end_turn`, `stop_sequence`, `STOP` → ``stop``; `length`, `max_tokens`,
    ///   `MAX_TOKENS` → ``length``; `content_filter`, `refusal`, `SAFETY`, `RECITATION`, `BLOCKLIST`,
    ///   `PROHIBITED_CONTENT`, `SPII`, `IMAGE_SAFETY` → ``contentFilter``; `tool_calls`, `function_call`,
    ///   `tool_use` → ``toolUse``; anything else is `other`.
    public init(provider value: String) {
        let normalised =
            switch value.lowercased() {
            case "stop", "end_turn", "stop_sequence": "stop"
            case "length", "max_tokens": "length"
            case "content_filter", "refusal", "safety", "recitation", "blocklist", "prohibited_content", "spii",
                "image_safety":
                "contentFilter"
            case "tool_calls", "function_call", "tool_use": "toolUse"
            default: "other"
            }
        self.init(normalised, providerValue: value)
    }

    /// The normalised reason.
    public var description: String { rawValue }

    /// Compares the normalised reasons.
    public static func == (lhs: FinishReason, rhs: FinishReason) -> Bool { lhs.rawValue == rhs.rawValue }

    /// Hashes the normalised reason.
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}
