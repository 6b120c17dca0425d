// SPDX-License-Identifier: Apache-2.0

/// The body of an ``HTTPStreamingResponse``: byte chunks in arrival order, failing with ``HTTPError``.
///
/// Iterate it once. Dropping the iterator (for example by leaving the `for` loop early) calls the
/// `onTermination` handler given to ``makeStream(onTermination:)``, which transports use to cancel the
/// underlying request.
public struct HTTPByteStream: AsyncSequence, Sendable {
    /// One chunk of body bytes.
    public typealias Element = [UInt8]
    /// The error the body throws.
    public typealias Failure = HTTPError

    private let base: AsyncThrowingStream<[UInt8], any Error>

    private init(base: AsyncThrowingStream<[UInt8], any Error>) { self.base = base }

    /// Creates a stream and the continuation a producer feeds it through.
    ///
    /// Finish the continuation with an ``HTTPError`` to fail the stream; any other error becomes
    /// ``HTTPError/Code/connection``.
    public static func makeStream(
        onTermination: (@Sendable () -> Void)? = nil
    ) -> (stream: HTTPByteStream, continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation) {
        let (base, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        if let onTermination { continuation.onTermination = { _ in onTermination() } }
        return (HTTPByteStream(base: base), continuation)
    }

    /// A stream whose chunks are produced on demand: each iteration step calls `next`, in the consuming task (so
    /// cancelling that task cancels the read), until it returns `nil`.
    ///
    /// No task runs in between, and when the stream and its iterator are dropped, `next` (and what it captures) is
    /// released.
    package static func pulling(
        _ next: @escaping @Sendable () async throws(HTTPError) -> [UInt8]?
    ) -> HTTPByteStream {
        HTTPByteStream(base: AsyncThrowingStream(unfolding: { try await next() }))
    }

    /// A stream that yields `bytes` (if not empty) and ends.
    public static func just(_ bytes: [UInt8]) -> HTTPByteStream {
        let (stream, continuation) = makeStream()
        if !bytes.isEmpty { continuation.yield(bytes) }
        continuation.finish()
        return stream
    }

    /// Creates an iterator.
    public func makeAsyncIterator() -> Iterator { Iterator(base: base.makeAsyncIterator()) }

    /// Iterates the chunks.
    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<[UInt8], any Error>.Iterator

        /// The next chunk, or `nil` at the end of the body.
        public mutating func next(
            isolation actor: isolated (any Actor)? = #isolation
        ) async throws(HTTPError)
            -> [UInt8]?
        {
            let chunk: [UInt8]?
            do {
                chunk = try await base.next(isolation: actor)
            } catch let error as HTTPError {
                throw error
            } catch {
                throw HTTPError(.connection, "body stream failed", underlying: error)
            }
            // A cancelled stream ends like a complete one; say so rather than hand back a truncated body.
            if chunk == nil, Task.isCancelled { throw HTTPError(.cancelled, "body stream was cancelled") }
            return chunk
        }

        /// The next chunk, or `nil` at the end of the body.
        public mutating func next() async throws(HTTPError) -> [UInt8]? {
            try await next(isolation: nil)
        }
    }
}
