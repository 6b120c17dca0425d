// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// The chat (and image) model `ask` and `imagine` talk to, from `--chat PROVIDER[/MODEL]`, `--base-url` and
/// `--timeout`.
///
/// A hosted provider without its key in the environment is a clear error before anything is sent; the key itself
/// is never printed. Requests are tried twice at most, so an unreachable server fails within seconds.
struct ChatProvider {
    /// The providers and their default models.
    static let defaults = [
        "openai": "gpt-4o-mini", "anthropic": "claude-sonnet-4-5", "gemini": "gemini-2.5-flash", "ollama": "llava",
    ]

    var provider: String
    var model: String
    var baseURL: URL?
    var options: HostedServiceOptions

    /// The options `ask` and `imagine` share.
    static let commandOptions: [OptionSpec] = [
        .value(
            "chat",
            "PROVIDER[/MODEL]",
            "The chat model: openai, anthropic, gemini or ollama, optionally with a model (default openai/gpt-4o-mini)."
        ),
        .value("base-url", "URL", "The provider's API base, for OpenAI-compatible or remote Ollama servers."),
        .value("timeout", "SECONDS", "How long to wait for the model's next bytes (default 120)."),
    ]

    /// Reads the options; checks that a hosted provider has its key.
    init(_ arguments: ParsedArguments, environment: [String: String]) throws(ToolError) {
        let spec = arguments.values["chat"] ?? "openai"
        let parts = spec.split(separator: "/", maxSplits: 1).map(String.init)
        guard let name = parts.first?.lowercased(), let fallback = Self.defaults[name] else {
            throw .usage("--chat must start with openai, anthropic, gemini or ollama (got '\(spec)')")
        }
        provider = name
        model = parts.count > 1 && !parts[1].isEmpty ? parts[1] : fallback
        if let text = arguments.values["base-url"] {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https"
            else { throw .usage("--base-url must be an http or https URL") }
            baseURL = url
        }
        let seconds = try arguments.integer("timeout", default: 120, in: 1...3600)
        options = HostedServiceOptions(timeout: .seconds(seconds), maxAttempts: 2, baseDelay: .milliseconds(300))
        if baseURL == nil, let variable = Self.keyVariables[name],
            !variable.contains(where: { !(environment[$0] ?? "").isEmpty })
        {
            throw .failure(
                "no API key for \(name): set \(variable.joined(separator: " or ")), or use --chat ollama "
                    + "(or --base-url for a local OpenAI-compatible server)"
            )
        }
    }

    /// The environment variables that hold each hosted provider's key.
    static let keyVariables = [
        "openai": ["OPENAI_API_KEY"], "anthropic": ["ANTHROPIC_API_KEY"],
        "gemini": ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
    ]

    /// The chat model.
    func chatModel() -> any ChatModel {
        switch provider {
        case "anthropic":
            AnthropicChatModel(model: model, baseURL: baseURL ?? AnthropicChatModel.anthropicBaseURL, options: options)
        case "gemini":
            GeminiChatModel(model: model, baseURL: baseURL ?? GeminiChatModel.geminiBaseURL, options: options)
        case "ollama": OllamaChatModel(model: model, baseURL: baseURL, options: options)
        default: OpenAIChatModel(model: model, baseURL: baseURL ?? OpenAIChatModel.openAIBaseURL, options: options)
        }
    }

    /// A one-line message for a model's failure (the clients never put keys in messages).
    static func failure(_ error: any Error, doing what: String) -> ToolError {
        if let error = error as? ToolError { return error }
        if let error = error as? GenerationError {
            return .failure("\(what) failed: \(error.message)", underlying: error)
        }
        if let error = error as? RetrievalError {
            return .failure("the search failed: \(error.message)", underlying: error)
        }
        return .failure("\(what) failed", underlying: error)
    }
}
