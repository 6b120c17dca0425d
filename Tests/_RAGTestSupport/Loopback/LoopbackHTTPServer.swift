// SPDX-License-Identifier: Apache-2.0

public import Foundation
import _RAGInternals

/// A small HTTP/1.1 server on `127.0.0.1` for tests: real sockets, an ephemeral port, one thread per connection.
///
/// Register handlers per method and path with ``route(_:_:_:)`` (a `HEAD` falls back to the `GET` handler, without
/// body) or catch everything with ``fallback(_:)``. Handlers return a ``LoopbackHTTPResponse``, which can also
/// delay, cut the body short or never answer. Every request is recorded in ``requests``. Each response carries
/// `Connection: close` unless it asks for keep-alive, so a connection normally carries exactly one exchange.
///
/// ```swift
/// let server = LoopbackHTTPServer()
/// server.route("GET", "/hello") { _ in .text("hi") }
/// try server.start()
/// defer { server.stop() }
/// let url = server.baseURL.appendingPathComponent("hello")
/// ```
public final class LoopbackHTTPServer: Sendable {
    /// Answers one request.
    public typealias Handler = @Sendable (LoopbackHTTPRequest) -> LoopbackHTTPResponse

    struct State {
        var listener: Int32 = -1
        /// After ``stop()``: a socket bound to the old port without listening, so it stays refused and no
        /// server of a test running in parallel is given it (a request meant for "nobody" must not reach one).
        var reservation: Int32 = -1
        var port: Int = 0
        var running = false
        var connections: Set<Int32> = []
        var routes: [String: Handler] = [:]
        var fallback: Handler?
        var log: [LoopbackHTTPRequest] = []
        var accepted = 0
    }

    let state = Locked(State())

    /// Creates a stopped server with no routes.
    public init() {}

    deinit {
        stop(reserving: false)
        let reservation = state.withLock { $0.reservation }
        if reservation >= 0 { Self.shutdownAndClose(reservation) }
    }

    /// Answers `method` requests for `path` (without query) with `handler`, replacing an earlier handler.
    public func route(_ method: String, _ path: String, _ handler: @escaping Handler) {
        state.withLock { $0.routes[method.uppercased() + " " + path] = handler }
    }

    /// Answers every request no route matches (the default answer is 404).
    public func fallback(_ handler: @escaping Handler) {
        state.withLock { $0.fallback = handler }
    }

    /// Binds `127.0.0.1` on an ephemeral port and starts accepting connections.
    public func start() throws {
        let (listener, port) = try Self.listen()
        state.withLock {
            $0.listener = listener
            $0.port = port
            $0.running = true
        }
        Thread.detachNewThread { [self] in acceptLoop(listener) }
    }

    /// Stops accepting, closes every open connection and wakes handlers that are delaying or hanging.
    ///
    /// The port stays reserved (connections to it are refused) until the server goes away.
    public func stop() { stop(reserving: true) }

    private func stop(reserving: Bool) {
        let (listener, connections) = state.withLock { state -> (Int32, Set<Int32>) in
            defer {
                state.running = false
                state.listener = -1
                state.connections = []
            }
            return (state.running ? state.listener : -1, state.connections)
        }
        if listener >= 0 { Self.shutdownAndClose(listener) }
        for fd in connections { Self.shutdown(fd) }
        if reserving, listener >= 0, let reservation = Self.reserve(port: port) {
            let previous = state.withLock { state -> Int32 in
                defer { state.reservation = reservation }
                return state.reservation
            }
            if previous >= 0 { Self.shutdownAndClose(previous) }
        }
    }

    /// The port the server listens on (0 before ``start()``).
    public var port: Int { state.withLock { $0.port } }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Whether ``stop()`` has not been called since ``start()``.
    public var isRunning: Bool { state.withLock { $0.running } }

    /// Every request received so far, in order.
    public var requests: [LoopbackHTTPRequest] { state.withLock { $0.log } }

    /// How many connections are open now (a client that cancels a request closes its connection).
    public var openConnections: Int { state.withLock { $0.connections.count } }

    /// How many connections the server has accepted since it started (keep-alive reuse shows as fewer than requests).
    public var acceptedConnections: Int { state.withLock { $0.accepted } }

    /// Forgets the recorded requests.
    public func clearRequests() { state.withLock { $0.log.removeAll() } }

    func handler(for request: LoopbackHTTPRequest) -> Handler? {
        state.withLock { state in
            state.log.append(request)
            let path = request.path
            if let handler = state.routes[request.method + " " + path] { return handler }
            if request.method == "HEAD", let handler = state.routes["GET " + path] { return handler }
            return state.fallback
        }
    }

    private func acceptLoop(_ listener: Int32) {
        while isRunning {
            guard let fd = Self.accept(listener) else {
                if isRunning { continue }
                break
            }
            let accepted = state.withLock { state -> Bool in
                guard state.running else { return false }
                state.connections.insert(fd)
                state.accepted += 1
                return true
            }
            guard accepted else {
                Self.shutdownAndClose(fd)
                break
            }
            Thread.detachNewThread { [self] in
                serve(fd)
                state.withLock { _ = $0.connections.remove(fd) }
                Self.shutdownAndClose(fd)
            }
        }
    }

    /// Waits `duration` in small steps; returns false if the server stopped meanwhile.
    func wait(_ duration: Duration, whileConnected fd: Int32? = nil) -> Bool {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            guard isRunning else { return false }
            if let fd, Self.peerClosed(fd) { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return isRunning
    }
}
