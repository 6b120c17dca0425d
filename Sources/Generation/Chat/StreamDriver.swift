// SPDX-License-Identifier: Apache-2.0

import _RAGHTTP

/// What a provider's stream decoder reads from the body.
enum StreamSignal: Sendable, Equatable {
    /// A piece of text.
    case text(String)
    /// Token counts so far (the last one wins).
    case usage(TokenUsage)
    /// Why the model stopped.
    case finish(FinishReason)
    /// The provider's terminal event: nothing more will come.
    case end
    /// The response's id and model, as the stream's first event names them.
    case response(id: String?, model: String?)
}

/// Turns the bytes of one provider's streamed body into ``StreamSignal``s.
protocol StreamDecoder: Sendable {
    /// Reads the next chunk (split at any byte), appending the signals it completes.
    ///
    /// Signals appended before an error are still delivered, so text that precedes an error event arrives.
    /// - Throws: ``GenerationError``: `providerError` for an in-band error event, `invalidResponse` for a
    ///   malformed event.
    mutating func feed(_ chunk: [UInt8], into signals: inout [StreamSignal]) throws(GenerationError)

    /// The body ended without the terminal event: the signals its last bytes complete, or a
    /// `invalidResponse` error if the provider's framing requires a terminal event.
    mutating func finish() throws(GenerationError) -> [StreamSignal]
}

/// Feeds a streamed body through a decoder and yields events in the order ``GenerationEvent`` promises: the
/// metadata (request id from the header, else from the first event; model), text as it arrives, then the usage,
/// then the finish reason.
struct StreamDriver<Decoder: StreamDecoder>: Sendable {
    var decoder: Decoder
    /// Names the request in messages.
    let source: String
    private var usage: TokenUsage?
    private var reason: FinishReason?
    private var ended = false
    private var metadata: ResponseMetadata
    private var metadataSent = false

    init(decoder: Decoder, source: String, requestID: String? = nil) {
        self.decoder = decoder
        self.source = source
        self.metadata = ResponseMetadata(requestID: requestID)
    }

    mutating func run(
        _ body: HTTPByteStream,
        _ continuation: AsyncThrowingStream<GenerationEvent, any Error>.Continuation
    ) async throws(GenerationError) {
        do {
            for try await chunk in body {
                var signals: [StreamSignal] = []
                var failure: GenerationError?
                do throws(GenerationError) {
                    try decoder.feed(chunk, into: &signals)
                } catch {
                    failure = error
                }
                handle(signals, continuation)
                if let failure { throw failure }
                if ended { break }
            }
        } catch let error as HTTPError {
            throw ProviderClient.error(error, message: "\(source): the stream broke off: \(error.message)")
        } catch let error as GenerationError {
            throw error
        } catch {
            throw GenerationError(.network, "\(source): the stream broke off", underlying: error)
        }
        if !ended { handle(try decoder.finish(), continuation) }
        guard let reason else {
            throw GenerationError(.invalidResponse, "\(source): the stream ended without a finish reason")
        }
        sendMetadata(continuation)
        if let usage { continuation.yield(.usage(usage)) }
        continuation.yield(.finish(reason))
    }

    private mutating func sendMetadata(_ continuation: AsyncThrowingStream<GenerationEvent, any Error>.Continuation) {
        guard !metadataSent else { return }
        metadataSent = true
        continuation.yield(.metadata(metadata))
    }

    private mutating func handle(
        _ signals: [StreamSignal],
        _ continuation: AsyncThrowingStream<GenerationEvent, any Error>.Continuation
    ) {
        for signal in signals {
            switch signal {
            case .text(let text):
                if !text.isEmpty {
                    sendMetadata(continuation)
                    continuation.yield(.text(text))
                }
            case .response(let id, let model):
                if metadata.requestID == nil { metadata.requestID = id }
                if metadata.model == nil { metadata.model = model }
            case .usage(let counts): usage = counts
            case .finish(let finish): reason = finish
            case .end: ended = true
            }
        }
    }
}
