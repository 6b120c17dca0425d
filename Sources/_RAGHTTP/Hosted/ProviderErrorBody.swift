// SPDX-License-Identifier: Apache-2.0

import Foundation

/// The explanation a provider puts in an error body, in whichever of the common shapes it uses.
///
/// Understood: `{"error": {"message", "type" | "status" | "code"}}` (OpenAI, vLLM, Gemini), Anthropic's
/// `{"type": "error", "error": {"type", "message"}}`, `{"error": "…"}` (Ollama), `{"detail": "…"}` (FastAPI
/// servers such as Jina) and `{"message": "…"}`; anything else becomes the start of the body if it is text.
package struct ProviderErrorBody: Sendable, Equatable {
    /// The provider's message, or an empty string.
    package var message: String
    /// The provider's error type or status name (`invalid_request_error`, `overloaded_error`, `RESOURCE_EXHAUSTED`).
    package var type: String?

    /// Creates an explanation.
    package init(message: String, type: String? = nil) {
        self.message = message
        self.type = type
    }

    /// Parses an error body.
    package init(parsing body: [UInt8]) {
        let json = try? JSONSerialization.jsonObject(with: Data(body))
        let object = (json as? [String: Any]) ?? ((json as? [Any])?.first as? [String: Any])
        if let object {
            if let error = object["error"] as? [String: Any] {
                let message = (error["message"] as? String) ?? ""
                let type = [error["type"], error["status"], error["code"]].lazy.compactMap { $0 as? String }.first
                self.init(message: message, type: type)
                return
            }
            for key in ["error", "detail", "message"] {
                if let text = object[key] as? String {
                    self.init(message: text)
                    return
                }
            }
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        self.init(message: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `message [type]`, or whichever of the two is present.
    package var explanation: String {
        guard let type, !type.isEmpty else { return message }
        return message.isEmpty ? type : "\(message) [\(type)]"
    }
}
