// SPDX-License-Identifier: Apache-2.0

import Foundation
import _RAGHTTP

/// What every provider client shares: the hosted-service client and the mapping of its failures to
/// ``GenerationError``.
struct ProviderClient: Sendable, CustomStringConvertible {
    /// The shared HTTP side: key, options, retries.
    var service: HostedServiceClient

    /// The base URL, without credentials.
    var description: String { service.description }

    /// Posts a JSON request and parses the JSON answer.
    /// - Returns: The answer and the response head (for request-id headers).
    func post(_ path: String, _ body: JSONValue) async throws(GenerationError) -> (JSONValue, HTTPResponseHead) {
        let response: HTTPResponse
        do {
            response = try await service.post(service.url(path), json: body.encoded)
        } catch {
            throw Self.error(error)
        }
        guard let json = JSONValue(parsing: response.body) else {
            throw GenerationError(
                .invalidResponse,
                "POST \(HTTPRequest.redacted(service.url(path))) answered with a body that is not JSON"
            )
        }
        return (json, response.head)
    }

    /// Posts a JSON request and decodes the streamed answer with `decoder`, as a stream of events.
    ///
    /// The request starts at once in a task the stream owns; terminating the stream (the consumer stops or is
    /// cancelled) cancels that task, which cancels the HTTP request.
    func stream(
        _ path: String,
        _ body: JSONValue,
        accept: String,
        decoder: some StreamDecoder
    ) -> AsyncThrowingStream<GenerationEvent, any Error> {
        let service = self.service
        let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
        let task = Task {
            do throws(GenerationError) {
                let response: HTTPStreamingResponse
                do throws(HostedServiceFailure) {
                    response = try await service.postStreaming(
                        service.url(path),
                        json: body.encoded,
                        accept: accept
                    )
                } catch {
                    throw Self.error(error)
                }
                var driver = StreamDriver(
                    decoder: decoder,
                    source: HTTPRequest.redacted(service.url(path)),
                    requestID: Self.requestID(response.head)
                )
                try await driver.run(response.body, continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// A stream that fails at once (for a request rejected before sending).
    static func failed(_ error: GenerationError) -> AsyncThrowingStream<GenerationEvent, any Error> {
        AsyncThrowingStream { $0.finish(throwing: error) }
    }

    /// The ``GenerationError`` for a failed call.
    static func error(_ failure: HostedServiceFailure) -> GenerationError {
        switch failure.kind {
        case .transport(let error):
            return Self.error(error, message: failure.message)
        case .status(let status, let provider):
            let code: GenerationError.Code =
                switch status {
                case 429: .rateLimited
                case 401, 403: .unauthorized
                default: .providerError
                }
            return GenerationError(
                code,
                failure.message,
                httpStatus: status,
                providerMessage: provider.message.isEmpty ? nil : provider.message,
                providerErrorType: provider.type
            )
        }
    }

    /// The ``GenerationError`` for a transport error.
    static func error(_ error: HTTPError, message: String? = nil) -> GenerationError {
        let text = message ?? error.message
        return switch error.code {
        case .timeout: GenerationError(.timeout, text, underlying: error)
        case .cancelled: GenerationError(.cancelled, text, underlying: error)
        case .invalidRequest: GenerationError(.invalidRequest, text, underlying: error)
        case .invalidResponse: GenerationError(.invalidResponse, text, underlying: error)
        default: GenerationError(.network, text, underlying: error)
        }
    }

    /// The request id a provider put in the response head (`x-request-id`, `request-id`), if any.
    static func requestID(_ head: HTTPResponseHead) -> String? {
        head.headers["x-request-id"] ?? head.headers["request-id"]
    }

    /// Base64 of `bytes`.
    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
