// SPDX-License-Identifier: Apache-2.0

import Foundation
import Generation
import Testing
import _RAGHTTP
import _RAGInternals
import _RAGTestSupport

/// The bytes of a file in `Tests/GenerationTests/Fixtures`.
func fixture(_ name: String) throws -> [UInt8] {
    let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return [UInt8](try Data(contentsOf: root.appendingPathComponent(name)))
}

/// A JSON document parsed for comparison (key order and number spelling do not matter).
func json(_ bytes: [UInt8]) throws -> JSONValue { try #require(JSONValue(parsing: bytes)) }

/// A JSON document written as text.
func json(_ text: String) throws -> JSONValue { try json(Array(text.utf8)) }

/// A transport that answers from a script, body chunk by chunk, and records requests and terminations.
///
/// Each answer streams its chunks in order; with `hangs` it then waits until the reader goes away, so tests can
/// see that cancelling the consumer ends the request (``terminations`` counts bodies whose reader stopped).
final class ScriptedStreamTransport: HTTPTransport {
    struct Answer: Sendable {
        var status: Int = 200
        var headers: HTTPHeaders = [:]
        var chunks: [[UInt8]] = []
        var hangs = false
        var failure: HTTPError?

        /// A body that is deliberately not the provider's shape (the SDK shape check skips it).
        static func malformed(_ bytes: [UInt8]) -> Answer {
            var answer = body(bytes)
            answer.headers[WireRecorder.malformedHeader] = "yes"
            return answer
        }

        /// A body sent in pieces of `size` bytes.
        static func body(_ bytes: [UInt8], chunkSize size: Int = .max, status: Int = 200) -> Answer {
            var chunks: [[UInt8]] = []
            var start = 0
            while start < bytes.count {
                let end = start + min(size, bytes.count - start)
                chunks.append(Array(bytes[start..<end]))
                start = end
            }
            return Answer(status: status, chunks: chunks)
        }
    }

    private struct State {
        var script: [Answer]
        var requests: [HTTPRequest] = []
        var terminations = 0
    }

    private let state: Locked<State>

    init(_ script: [Answer]) { state = Locked(State(script: script)) }

    /// Every request sent, in order.
    var requests: [HTTPRequest] { state.withLock { $0.requests } }
    /// How many response bodies were terminated before they finished (the reader stopped or was cancelled).
    var terminations: Int { state.withLock { $0.terminations } }

    func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        let answer = state.withLock { state -> Answer? in
            state.requests.append(request)
            return state.script.isEmpty ? nil : state.script.removeFirst()
        }
        guard let answer else { throw HTTPError(.connection, "script exhausted") }
        let target = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
        WireRecorder.record(
            path: target,
            request: request.body,
            status: answer.status,
            response: answer.chunks.flatMap { $0 },
            malformed: answer.headers[WireRecorder.malformedHeader] != nil
        )
        let counter = state
        let (body, continuation) = HTTPByteStream.makeStream(onTermination: {})
        continuation.onTermination = { termination in
            if case .cancelled = termination { counter.withLock { $0.terminations += 1 } }
        }
        for chunk in answer.chunks { continuation.yield(chunk) }
        if let failure = answer.failure {
            continuation.finish(throwing: failure)
        } else if !answer.hangs {
            continuation.finish()
        }
        return HTTPStreamingResponse(
            head: HTTPResponseHead(status: answer.status, headers: answer.headers, url: request.url),
            body: body
        )
    }
}

/// Records the waits between retries instead of sleeping.
final class DelayLog: Sendable {
    private let delays = Locked<[Duration]>([])
    /// The waits so far.
    var values: [Duration] { delays.withLock { $0 } }
    /// Records one wait.
    func record(_ delay: Duration) { delays.withLock { $0.append(delay) } }
}

/// The events of a stream, or the error that ended it.
func events(
    _ stream: AsyncThrowingStream<GenerationEvent, any Error>
) async -> (events: [GenerationEvent], error: GenerationError?) {
    var collected: [GenerationEvent] = []
    do {
        for try await event in stream { collected.append(event) }
        return (collected, nil)
    } catch let error as GenerationError {
        return (collected, error)
    } catch {
        Issue.record("unexpected error type: \(error)")
        return (collected, nil)
    }
}

/// The JSON body of a recorded request.
func body(_ request: HTTPRequest?) throws -> JSONValue { try json(try #require(request).body) }

/// Bytes that start like a JFIF JPEG (as in the provider docs' `/9j/4AAQ…` examples); not a decodable image.
let jfifBytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01]
