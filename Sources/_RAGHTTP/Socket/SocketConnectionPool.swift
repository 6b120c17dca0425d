// SPDX-License-Identifier: Apache-2.0

import _RAGInternals

/// Idle keep-alive connections of a ``SocketHTTPTransport``, per origin.
///
/// A connection is checked in only after its response body was read to the end; checking out drops connections
/// that sat idle too long or that the server closed meanwhile (an idle socket with something to read).
final class SocketConnectionPool: Sendable {
    /// Where a connection leads: host and port (the transport speaks plain `http` only).
    struct Origin: Hashable, Sendable {
        var host: String
        var port: Int
    }

    private struct Idle {
        var fd: Int32
        var since: ContinuousClock.Instant
    }

    private let idle = Locked<[Origin: [Idle]]>([:])
    private let maxIdlePerOrigin: Int
    private let idleTimeout: Duration

    init(maxIdlePerOrigin: Int, idleTimeout: Duration) {
        self.maxIdlePerOrigin = maxIdlePerOrigin
        self.idleTimeout = idleTimeout
    }

    deinit {
        for fd in idle.withLock({ $0.values.flatMap { $0.map(\.fd) } }) { SocketIO.close(fd) }
    }

    /// An idle connection to `origin` that is still usable, most recently used first.
    func checkout(_ origin: Origin) -> Int32? {
        let now = ContinuousClock.now
        var stale: [Int32] = []
        defer { for fd in stale { SocketIO.close(fd) } }
        return idle.withLock { table -> Int32? in
            while let entry = table[origin]?.popLast() {
                if now - entry.since < idleTimeout, SocketIO.isIdleUsable(entry.fd) { return entry.fd }
                stale.append(entry.fd)
            }
            return nil
        }
    }

    /// Keeps a connection whose exchange completed, or closes it if the pool for its origin is full.
    func checkin(_ origin: Origin, _ fd: Int32) {
        let kept = idle.withLock { table -> Bool in
            guard table[origin, default: []].count < maxIdlePerOrigin else { return false }
            table[origin, default: []].append(Idle(fd: fd, since: .now))
            return true
        }
        if !kept { SocketIO.close(fd) }
    }

    /// How many idle connections the pool holds.
    var idleCount: Int { idle.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}
