// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import _RAGHTTP
import _RAGTestSupport

/// The socket transport against the loopback server, on epoll and on poll.
@Suite struct SocketHTTPTransportTests {
    static let readiness: [SocketReadiness] = [.epoll, .poll]

    private func transport(_ readiness: SocketReadiness) -> SocketHTTPTransport {
        SocketHTTPTransport(maxIdleConnectionsPerHost: 4, idleTimeout: .seconds(30), readiness: readiness)
    }

    private func started(_ configure: (LoopbackHTTPServer) -> Void) throws -> LoopbackHTTPServer {
        let server = LoopbackHTTPServer()
        configure(server)
        try server.start()
        return server
    }

    private func request(
        _ server: LoopbackHTTPServer,
        _ path: String,
        method: HTTPRequest.Method = .get,
        body: [UInt8] = [],
        timeout: Duration = .seconds(5)
    ) -> HTTPRequest {
        HTTPRequest(
            method: method,
            url: URL(string: server.baseURL.absoluteString + path)!,
            body: body,
            timeout: timeout
        )
    }

    /// Waits up to two seconds for the server to see every connection closed.
    private func connectionsClose(_ server: LoopbackHTTPServer) async -> Bool {
        for _ in 0..<200 {
            if server.openConnections == 0 { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test(arguments: readiness) func epollIsFoundOnLinux(_ readiness: SocketReadiness) {
        #if os(Linux)
        #expect(transport(readiness).readiness == readiness)
        #else
        #expect(transport(readiness).readiness == .poll)
        #endif
    }

    @Test(arguments: readiness) func postSendsHostLengthAndBody(_ readiness: SocketReadiness) async throws {
        let server = try started { $0.route("POST", "/v1/chat") { .text("got \($0.body.count)", status: 201) } }
        defer { server.stop() }
        var req = request(server, "/v1/chat?alt=sse&x=%2F", method: .post, body: Array("{\"a\":1}".utf8))
        req.headers["Content-Type"] = "application/json"
        req.headers["Content-Length"] = "999"  // replaced by the true length
        let response = try await transport(readiness).send(req)
        #expect(response.status == 201)
        #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(String(decoding: response.body, as: UTF8.self) == "got 7")
        let seen = try #require(server.requests.first)
        #expect(seen.target == "/v1/chat?alt=sse&x=%2F")
        #expect(seen.header("Host") == "127.0.0.1:\(server.port)")
        #expect(seen.header("Content-Length") == "7")
        #expect(seen.header("Content-Type") == "application/json")
        #expect(seen.body == Array("{\"a\":1}".utf8))
    }

    @Test(arguments: readiness) func headAndNoContentHaveNoBody(_ readiness: SocketReadiness) async throws {
        let server = try started { server in
            server.route("GET", "/f") { .file(Array(repeating: 7, count: 100), for: $0, etag: "e1") }
            server.route("GET", "/none") { _ in LoopbackHTTPResponse(status: 204) }
        }
        defer { server.stop() }
        let head = try await transport(readiness).send(request(server, "/f", method: .head))
        #expect(head.status == 200 && head.headers["Content-Length"] == "100" && head.body.isEmpty)
        let none = try await transport(readiness).send(request(server, "/none"))
        #expect(none.status == 204 && none.body.isEmpty)
    }

    @Test(arguments: readiness) func oneByteChunksArriveWhole(_ readiness: SocketReadiness) async throws {
        let body = Array("data: {\"delta\":\"héllo\"}\n\ndata: [DONE]\n\n".utf8)
        let server = try started {
            $0.route("GET", "/s") { _ in .chunked(body, chunkSize: 1, pause: .microseconds(200)) }
        }
        defer { server.stop() }
        let response = try await transport(readiness).stream(request(server, "/s"))
        #expect(response.head.headers["Transfer-Encoding"] == "chunked")
        var received: [UInt8] = []
        for try await chunk in response.body { received += chunk }
        #expect(received == body)
    }

    @Test(arguments: readiness) func keepAliveReusesOneConnection(_ readiness: SocketReadiness) async throws {
        let server = try started { server in
            server.route("GET", "/a") { _ in
                var response = LoopbackHTTPResponse.text("first")
                response.keepAlive = true
                return response
            }
            server.route("GET", "/b") { _ in
                var response = LoopbackHTTPResponse.chunked(Array("second".utf8), chunkSize: 2)
                response.keepAlive = true
                return response
            }
        }
        defer { server.stop() }
        let client = transport(readiness)
        for _ in 0..<3 {
            #expect(try await client.send(request(server, "/a")).body == Array("first".utf8))
            #expect(try await client.send(request(server, "/b")).body == Array("second".utf8))
        }
        #expect(server.requests.count == 6)
        #expect(server.acceptedConnections == 1)
        #expect(client.idleConnections == 1)
    }

    @Test(arguments: readiness) func connectionCloseIsNotReused(_ readiness: SocketReadiness) async throws {
        let server = try started { $0.route("GET", "/a") { _ in .text("x") } }
        defer { server.stop() }
        let client = transport(readiness)
        _ = try await client.send(request(server, "/a"))
        _ = try await client.send(request(server, "/a"))
        #expect(server.acceptedConnections == 2)
        #expect(client.idleConnections == 0)
    }

    @Test(arguments: readiness) func resetMidStreamFailsTheBody(_ readiness: SocketReadiness) async throws {
        let payload = Array(repeating: UInt8(ascii: "x"), count: 4000)
        let server = try started { server in
            server.route("GET", "/r") { _ in
                var response = LoopbackHTTPResponse.chunked(payload, chunkSize: 100)
                response.resetAfterBodyBytes = 1000
                return response
            }
        }
        defer { server.stop() }
        let response = try await transport(readiness).stream(request(server, "/r"))
        var received = 0
        let error = await #expect(throws: HTTPError.self) {
            for try await chunk in response.body { received += chunk.count }
        }
        #expect(error?.code == .connection)
        #expect(received > 0 && received < payload.count)
    }

    @Test(arguments: readiness) func bodyArrivesBeforeItEnds(_ readiness: SocketReadiness) async throws {
        let server = try started { server in
            server.route("GET", "/stall") { _ in
                LoopbackHTTPResponse(body: Array(repeating: 1, count: 100), stallAfterBodyBytes: 10)
            }
        }
        defer { server.stop() }
        let response = try await transport(readiness).stream(request(server, "/stall"))
        var iterator = response.body.makeAsyncIterator()
        #expect(try await iterator.next() == Array(repeating: 1, count: 10))
    }

    @Test(arguments: readiness) func bodyShorterThanItsLengthFails(_ readiness: SocketReadiness) async throws {
        let server = try started { server in
            server.route("GET", "/cut") { _ in
                LoopbackHTTPResponse(body: Array(repeating: 1, count: 500), closeAfterBodyBytes: 200)
            }
        }
        defer { server.stop() }
        let error = await #expect(throws: HTTPError.self) {
            _ = try await transport(readiness).send(request(server, "/cut"))
        }
        #expect(error?.code == .connection)
        #expect(error?.message.contains("200 of 500") == true)
    }

    @Test(arguments: readiness) func silentServerTimesOut(_ readiness: SocketReadiness) async throws {
        let server = try started { $0.route("GET", "/hang") { _ in .hang } }
        defer { server.stop() }
        let start = ContinuousClock.now
        let error = await #expect(throws: HTTPError.self) {
            _ = try await transport(readiness).send(request(server, "/hang", timeout: .milliseconds(300)))
        }
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == .timeout)
        // The error code shows the timeout fired; the upper bound only tells that from a hang. Tests running in
        // parallel (CLIP and BERT in-process) can hold every thread of the concurrency runtime, two in CI, for tens
        // of seconds before this task resumes, so wall time here says little about the transport.
        #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(900))
        #expect(await connectionsClose(server))
    }

    @Test(arguments: readiness) func stalledBodyTimesOut(_ readiness: SocketReadiness) async throws {
        let server = try started { server in
            server.route("GET", "/stall") { _ in
                LoopbackHTTPResponse(body: Array(repeating: 1, count: 100), stallAfterBodyBytes: 10)
            }
        }
        defer { server.stop() }
        let response = try await transport(readiness).stream(request(server, "/stall", timeout: .milliseconds(300)))
        let error = await #expect(throws: HTTPError.self) { _ = try await response.collect() }
        #expect(error?.code == .timeout)
        #expect(await connectionsClose(server))
    }

    @Test(arguments: readiness) func cancellingTheReaderClosesTheSocket(_ readiness: SocketReadiness) async throws {
        let server = try started { server in
            server.route("GET", "/stall") { _ in
                LoopbackHTTPResponse(body: Array(repeating: 1, count: 100), stallAfterBodyBytes: 10)
            }
        }
        defer { server.stop() }
        let client = transport(readiness)
        // A long timeout: only the cancellation may end this read, however long a busy run delays the tasks.
        let url = request(server, "/stall", timeout: .seconds(600))
        let reader = Task { () async throws(HTTPError) -> Int in
            let response = try await client.stream(url)
            var count = 0
            for try await chunk in response.body { count += chunk.count }
            return count
        }
        let connected = ContinuousClock.now + .seconds(600)
        while server.openConnections == 0, ContinuousClock.now < connected {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.openConnections == 1)
        let start = ContinuousClock.now
        reader.cancel()
        let result = await reader.result
        // The `.cancelled` code below shows that the cancellation, not the 30 s timeout, ended the read; this bound
        // only catches a hang (tests in parallel can delay this task's resumption by tens of seconds).
        #expect(ContinuousClock.now - start < .seconds(900))
        guard case .failure(let error) = result else {
            Issue.record("the cancelled read returned")
            return
        }
        #expect((error as? HTTPError)?.code == .cancelled)
        #expect(await connectionsClose(server))
        #expect(client.idleConnections == 0)
    }

    @Test(arguments: readiness) func cancellingBeforeTheHeadClosesTheSocket(_ readiness: SocketReadiness) async throws {
        let server = try started { $0.route("GET", "/hang") { _ in .hang } }
        defer { server.stop() }
        let client = transport(readiness)
        let url = request(server, "/hang", timeout: .seconds(30))
        let waiting = Task { () async throws(HTTPError) -> Int in try await client.stream(url).head.status }
        try await Task.sleep(for: .milliseconds(200))
        waiting.cancel()
        guard case .failure(let error) = await waiting.result else {
            Issue.record("the cancelled request returned")
            return
        }
        #expect((error as? HTTPError)?.code == .cancelled)
        #expect(await connectionsClose(server))
    }

    @Test(arguments: readiness) func droppingTheBodyEarlyClosesTheSocket(_ readiness: SocketReadiness) async throws {
        let server = try started { server in
            server.route("GET", "/stall") { _ in
                var response = LoopbackHTTPResponse(body: Array(repeating: 1, count: 100), stallAfterBodyBytes: 10)
                response.keepAlive = true
                return response
            }
        }
        defer { server.stop() }
        let client = transport(readiness)
        do {
            let response = try await client.stream(request(server, "/stall"))
            for try await _ in response.body { break }
        }
        #expect(await connectionsClose(server))
        #expect(client.idleConnections == 0)
    }

    @Test func refusedConnectionAndHTTPSAreErrors() async throws {
        let server = try started { _ in }
        let port = server.port
        server.stop()
        let client = SocketHTTPTransport()
        let refused = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(url: URL(string: "http://127.0.0.1:\(port)/x")!))
        }
        #expect(refused?.code == .connection)
        let tls = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(url: URL(string: "https://127.0.0.1:\(port)/x")!))
        }
        #expect(tls?.code == .invalidRequest)
    }

    @Test func manyConcurrentRequests() async throws {
        let server = try started { $0.route("GET", "/n") { .text($0.header("X-N") ?? "") } }
        defer { server.stop() }
        let client = SocketHTTPTransport()
        let base = server.baseURL.absoluteString
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for n in 0..<32 {
                group.addTask {
                    let response = try await client.send(
                        HTTPRequest(url: URL(string: base + "/n")!, headers: ["X-N": "\(n)"], timeout: .seconds(10))
                    )
                    return String(decoding: response.body, as: UTF8.self) == "\(n)"
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }

    @Test func defaultTransportServesHTTPAndFollowsTheClient() async throws {
        let server = try started { server in
            server.route("GET", "/a") { _ in .redirect(to: "/b") }
            server.route("GET", "/b") { _ in .text("done") }
        }
        defer { server.stop() }
        let client = HTTPClient(transport: DefaultHTTPTransport())
        let response = try await client.send(request(server, "/a"))
        #expect(String(decoding: response.body, as: UTF8.self) == "done")
    }
}

/// The chunked-body decoder on its own.
@Suite struct ChunkedBodyDecoderTests {
    private let wire = Array("5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\nNEXT".utf8)

    @Test func decodesSplitAtEveryByte() throws {
        for split in 0...wire.count {
            var decoder = ChunkedBodyDecoder()
            var output: [UInt8] = []
            var used = try decoder.decode(wire[..<split], into: &output)
            #expect(used == split || decoder.isComplete)
            used += try decoder.decode(wire[used...], into: &output)
            #expect(decoder.isComplete)
            #expect(String(decoding: output, as: UTF8.self) == "hello 0123456789")
            #expect(used == wire.count - 4)  // "NEXT" belongs to the next response
        }
    }

    @Test(arguments: ["zz\r\n", "\r\n", "3\r\nabcd\r\n", "FFFFFFFFFFFFFFFFFF\r\n"])
    func rejectsMalformedChunks(_ text: String) {
        var decoder = ChunkedBodyDecoder()
        var output: [UInt8] = []
        #expect(throws: HTTPError.self) { _ = try decoder.decode(Array(text.utf8)[...], into: &output) }
    }
}
