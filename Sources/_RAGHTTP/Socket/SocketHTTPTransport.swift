// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An ``HTTPTransport`` for plain `http://` servers on POSIX sockets, which costs no CPU while it waits.
///
/// Use it for local and in-cluster servers (Ollama, vLLM, llama.cpp, an embedding server, a vector database):
/// ``DefaultHTTPTransport`` does, on Linux, for every `http://` URL. It speaks HTTP/1.1 on non-blocking sockets,
/// and a task that waits for the server is suspended — not a thread — until one shared event-loop thread, asleep
/// in `epoll_wait` (Linux) or `poll` (elsewhere), learns from the kernel that the socket is ready or that a
/// deadline passed. With a request in flight and the server silent the process uses no CPU at all;
/// `URLSession` on Linux (swift-corelibs-foundation) keeps a core busy for each waiting request (see
/// `Documentation/Benchmarks.md`).
///
/// - Connections are kept alive and reused per host and port (``init(maxIdleConnectionsPerHost:idleTimeout:)``);
///   a reused connection the server had closed is replaced transparently, once, before any response byte.
/// - Response bodies with `Content-Length`, `Transfer-Encoding: chunked` or delimited by the connection's end;
///   interim 1xx responses are skipped.
/// - The body is pulled from the socket as the consumer iterates it. Cancelling the consuming task, or dropping
///   the body before its end, closes the connection.
/// - ``HTTPRequest/timeout`` bounds every wait: connecting, sending, the response head, and each gap in the body.
/// - It does not speak TLS: an `https` URL throws ``HTTPError/Code/invalidRequest``. Host names are resolved with
///   `getaddrinfo`, which blocks the calling thread briefly; numeric addresses and `localhost` do not.
public final class SocketHTTPTransport: HTTPTransport {
    private let pool: SocketConnectionPool
    private let loop: SocketEventLoop

    /// Creates a transport with its own connection pool.
    /// - Parameters:
    ///   - maxIdleConnectionsPerHost: How many idle keep-alive connections to keep per host and port.
    ///   - idleTimeout: How long an idle connection may wait for its next request before it is dropped.
    public convenience init(maxIdleConnectionsPerHost: Int = 8, idleTimeout: Duration = .seconds(30)) {
        self.init(maxIdleConnectionsPerHost: maxIdleConnectionsPerHost, idleTimeout: idleTimeout, readiness: .epoll)
    }

    /// Creates a transport that learns about ready sockets through `readiness` (tests cover `poll` on Linux).
    package init(maxIdleConnectionsPerHost: Int, idleTimeout: Duration, readiness: SocketReadiness) {
        pool = SocketConnectionPool(maxIdlePerOrigin: max(0, maxIdleConnectionsPerHost), idleTimeout: idleTimeout)
        loop = SocketEventLoop.loop(for: readiness)
    }

    /// The readiness mechanism in use (`epoll` unless it could not be found).
    package var readiness: SocketReadiness { loop.readiness }

    /// How many idle connections are pooled now.
    package var idleConnections: Int { pool.idleCount }

    /// Sends the request and returns when the response head arrives; the body is read as it is iterated.
    public func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        guard request.url.scheme?.lowercased() == "http", var host = request.url.host, !host.isEmpty else {
            throw HTTPError(.invalidRequest, "\(request): this transport sends plain http:// requests only")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = request.url.port ?? 80
        let hostField = (host.contains(":") ? "[\(host)]" : host) + (request.url.port.map { ":\($0)" } ?? "")
        let origin = SocketConnectionPool.Origin(host: host, port: port)
        let io = SocketIO(loop: loop, description: request.description, timeout: request.timeout)
        let exchange = SocketExchange(request: request, origin: origin, pool: pool, io: io)
        let head = try await exchange.start(target: Self.target(request.url), hostField: hostField)
        return HTTPStreamingResponse(
            head: head,
            body: HTTPByteStream.pulling { () async throws(HTTPError) in
                try await exchange.nextChunk()
            }
        )
    }

    /// The request target: the percent-encoded path (at least `/`) and query.
    static func target(_ url: URL) -> String {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: true)
        var path = components?.percentEncodedPath ?? "/"
        if path.isEmpty { path = "/" }
        if let query = components?.percentEncodedQuery { path += "?" + query }
        return path
    }
}
