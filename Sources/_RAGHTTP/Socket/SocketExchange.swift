// SPDX-License-Identifier: Apache-2.0

/// One request and its response on one connection of a ``SocketHTTPTransport``.
///
/// The body is pulled: each ``nextChunk()`` reads from the socket only when the consumer asks, so an idle stream
/// costs nothing. When the body is complete the connection goes back to the pool (if the response allows reuse);
/// on any error, on cancellation, or when the exchange is dropped before its body ends, the socket is closed.
actor SocketExchange {
    private let request: HTTPRequest
    private let pool: SocketConnectionPool
    private let io: SocketIO
    private let origin: SocketConnectionPool.Origin
    private var fd: Int32 = -1
    /// Bytes received and not yet handed out.
    private var buffer: [UInt8] = []
    private var length = HTTP1Framing.BodyLength.none
    private var remaining = 0
    private var chunked = ChunkedBodyDecoder()
    private var reusable = false
    private var finished = false

    init(request: HTTPRequest, origin: SocketConnectionPool.Origin, pool: SocketConnectionPool, io: SocketIO) {
        self.request = request
        self.origin = origin
        self.pool = pool
        self.io = io
    }

    deinit {
        if fd >= 0 { SocketIO.close(fd) }
    }

    /// Sends the request and reads the response head.
    ///
    /// A pooled connection that the server closed while it sat idle fails before any response byte; the request
    /// then goes once more on a fresh connection.
    func start(target: String, hostField: String) async throws(HTTPError) -> HTTPResponseHead {
        let bytes = HTTP1Framing.requestBytes(request, target: target, host: hostField)
        while true {
            let pooled = pool.checkout(origin)
            do {
                if let pooled { fd = pooled } else { fd = try await io.connect(host: origin.host, port: origin.port) }
                try await io.sendAll(fd, bytes)
                return try await readHead()
            } catch  where pooled != nil && error.code == .connection && buffer.isEmpty {
                close()
                finished = false
            } catch {
                close()
                throw error
            }
        }
    }

    private func readHead() async throws(HTTPError) -> HTTPResponseHead {
        var scanned = 0
        while true {
            if let end = HTTP1Framing.headEnd(in: buffer, from: max(0, scanned - 3)) {
                let head = try HTTP1Framing.parseHead(buffer[..<end])
                buffer.removeFirst(end)
                scanned = 0
                // Interim 1xx responses (100 Continue, 103 Early Hints) precede the real one; 101 is final.
                if (100..<200).contains(head.status), head.status != 101 { continue }
                length = try HTTP1Framing.bodyLength(head, method: request.method)
                reusable = HTTP1Framing.keepsAlive(head, length)
                if case .length(let count) = length { remaining = count }
                if length == .none { finish() }
                return HTTPResponseHead(status: head.status, headers: head.headers, url: request.url)
            }
            guard buffer.count <= HTTP1Framing.maxHeadBytes else {
                throw HTTPError(.invalidResponse, "\(request): the response head is too large")
            }
            scanned = buffer.count
            let bytes = try await io.receive(fd)
            guard !bytes.isEmpty else {
                let what = buffer.isEmpty ? "closed the connection without answering" : "sent a truncated head"
                throw HTTPError(.connection, "\(request): the server \(what)")
            }
            buffer += bytes
        }
    }

    /// The next piece of the body, or `nil` once it is complete.
    func nextChunk() async throws(HTTPError) -> [UInt8]? {
        do {
            return try await readBody()
        } catch {
            close()
            throw error
        }
    }

    private func readBody() async throws(HTTPError) -> [UInt8]? {
        while !finished {
            switch length {
            case .none:
                finish()
            case .length:
                if remaining == 0 {
                    finish()
                    continue
                }
                if buffer.isEmpty { try await fill(until: "after \(totalLength - remaining) of \(totalLength) bytes") }
                let take = min(remaining, buffer.count)
                let piece = Array(buffer.prefix(take))
                buffer.removeFirst(take)
                remaining -= take
                if remaining == 0 { finish() }
                return piece
            case .chunked:
                var piece: [UInt8] = []
                if !buffer.isEmpty {
                    let used = try chunked.decode(buffer[...], into: &piece)
                    buffer.removeFirst(used)
                }
                if chunked.isComplete { finish() }
                if !piece.isEmpty { return piece }
                if !finished { try await fill(until: "before the last chunk") }
            case .untilClose:
                if !buffer.isEmpty {
                    defer { buffer = [] }
                    return buffer
                }
                let bytes = try await io.receive(fd)
                if bytes.isEmpty { finish() } else { buffer = bytes }
            }
        }
        return nil
    }

    private var totalLength: Int {
        if case .length(let count) = length { return count }
        return 0
    }

    /// Receives more bytes into the buffer; an end-of-file here means the body was cut short.
    private func fill(until what: String) async throws(HTTPError) {
        let bytes = try await io.receive(fd)
        guard !bytes.isEmpty else { throw HTTPError(.connection, "\(request): the connection closed \(what)") }
        buffer += bytes
    }

    /// The body is complete: the connection goes back to the pool if it can carry another request.
    private func finish() {
        finished = true
        guard fd >= 0 else { return }
        if reusable && buffer.isEmpty {
            pool.checkin(origin, fd)
            fd = -1
        } else {
            close()
        }
    }

    private func close() {
        finished = true
        if fd >= 0 { SocketIO.close(fd) }
        fd = -1
        buffer = []
    }
}
