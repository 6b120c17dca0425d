// SPDX-License-Identifier: Apache-2.0

import _RAGHTTP

/// Errors found inside a stream, shared by the providers' stream decoders.
enum StreamErrors {
    /// A `providerError` for an in-band error object: `{"message", "type"}` or a bare string.
    static func inBand(_ error: JSONValue, provider: String) -> GenerationError {
        let message = error["message"].string ?? error.string ?? ""
        let type = error["type"].string ?? error["status"].string ?? error["code"].string
        let text = type.map { message.isEmpty ? $0 : "\(message) [\($0)]" } ?? message
        return GenerationError(
            .providerError,
            "\(provider) sent an error in the stream: \(text)",
            providerMessage: message.isEmpty ? nil : message,
            providerErrorType: type
        )
    }
}
