// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing
import _RAGHTTP
import _RAGTestSupport

/// The URLSession transport and ``HTTPClient`` against the loopback server.
@Suite struct URLSessionTransportTests {
    let transport = URLSessionTransport()

    private func started(_ configure: (LoopbackHTTPServer) -> Void) throws -> LoopbackHTTPServer {
        let server = LoopbackHTTPServer()
        configure(server)
        try server.start()
        return server
    }

    private func request(_ server: LoopbackHTTPServer, _ path: String, method: HTTPRequest.Method = .get) -> HTTPRequest
    {
        HTTPRequest(method: method, url: URL(string: server.baseURL.absoluteString + path)!, timeout: .seconds(5))
    }

    @Test func getReturnsStatusHeadersAndBody() async throws {
        let server = try started { $0.route("GET", "/hello") { _ in .text("hi there", status: 201) } }
        defer { server.stop() }
        var req = request(server, "/hello")
        req.headers["X-Custom"] = "abc"
        let response = try await transport.send(req)
        #expect(response.status == 201)
        #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(String(decoding: response.body, as: UTF8.self) == "hi there")
        #expect(server.requests.first?.header("x-custom") == "abc")
    }

    @Test func headHasHeadersButNoBody() async throws {
        let server = try started {
            $0.route("GET", "/f") { .file(Array(repeating: 7, count: 100), for: $0, etag: "e1") }
        }
        defer { server.stop() }
        let response = try await transport.send(request(server, "/f", method: .head))
        #expect(response.status == 200)
        #expect(response.headers["ETag"] == "\"e1\"")
        #expect(response.headers["Content-Length"] == "100")
        #expect(response.body.isEmpty)
    }

    @Test func rangeRequestGetsPartialContent() async throws {
        let bytes = (0..<200).map { UInt8($0) }
        let server = try started { $0.route("GET", "/f") { .file(bytes, for: $0) } }
        defer { server.stop() }
        var req = request(server, "/f")
        req.headers["Range"] = "bytes=150-"
        let response = try await transport.send(req)
        #expect(response.status == 206)
        #expect(response.headers["Content-Range"] == "bytes 150-199/200")
        #expect(response.body == Array(bytes[150...]))
    }

    @Test func transportDoesNotFollowRedirects() async throws {
        let server = try started { $0.route("GET", "/a") { _ in .redirect(to: "/b") } }
        defer { server.stop() }
        let response = try await transport.send(request(server, "/a"))
        #expect(response.status == 302)
        #expect(response.headers["Location"] == "/b")
        #expect(server.requests.count == 1)
    }

    @Test func clientDropsCredentialsOnCrossOriginRedirect() async throws {
        let storage = try started { $0.route("GET", "/blob") { _ in .text("payload") } }
        defer { storage.stop() }
        let target = storage.baseURL.absoluteString + "/blob"
        let hub = try started { server in
            server.route("GET", "/same") { _ in .redirect(to: "/cross", status: 307) }
            server.route("GET", "/cross") { _ in .redirect(to: target) }
        }
        defer { hub.stop() }
        var req = request(hub, "/same")
        req.headers["Authorization"] = "Bearer secret-token"
        req.headers["X-Api-Key"] = "secret-key"
        let client = HTTPClient(transport: transport, retryPolicy: .never)
        let response = try await client.send(req)
        #expect(String(decoding: response.body, as: UTF8.self) == "payload")
        #expect(hub.requests.map { $0.header("Authorization") } == ["Bearer secret-token", "Bearer secret-token"])
        #expect(storage.requests.count == 1)
        #expect(storage.requests.first?.header("Authorization") == nil)
        #expect(storage.requests.first?.header("X-Api-Key") == nil)

        let notFollowed = try await client.send(request(hub, "/cross"), redirects: .sameOrigin)
        #expect(notFollowed.status == 302)
    }

    @Test func retryAfterIsHonouredThenSucceeds() async throws {
        let calls = Mutex(0)
        let server = try started { server in
            server.route("GET", "/busy") { _ in
                let n = calls.withLock {
                    $0 += 1; return $0
                }
                return n == 1 ? LoopbackHTTPResponse(status: 429, headers: [("Retry-After", "2")]) : .text("ok")
            }
        }
        defer { server.stop() }
        let slept = Mutex<[Duration]>([])
        let client = HTTPClient(transport: transport, sleep: { d in slept.withLock { $0.append(d) } })
        let response = try await client.send(request(server, "/busy"))
        #expect(response.status == 200)
        #expect(slept.withLock { $0 } == [.seconds(2)])
    }

    @Test func repeated500StopsAfterMaxAttempts() async throws {
        let server = try started { $0.route("GET", "/down") { _ in .text("boom", status: 500) } }
        defer { server.stop() }
        let slept = Mutex<[Duration]>([])
        let policy = HTTPRetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), jitter: 0)
        let client = HTTPClient(
            transport: transport,
            retryPolicy: policy,
            sleep: { d in slept.withLock { $0.append(d) } }
        )
        let response = try await client.send(request(server, "/down"))
        #expect(response.status == 500)
        #expect(server.requests.count == 3)
        #expect(slept.withLock { $0 } == [.milliseconds(100), .milliseconds(200)])
    }

    @Test func silentServerTimesOut() async throws {
        let server = try started { $0.route("GET", "/slow") { _ in .hang } }
        defer { server.stop() }
        var req = request(server, "/slow")
        req.timeout = .milliseconds(300)
        let start = ContinuousClock.now
        let error = await #expect(throws: HTTPError.self) { try await transport.send(req) }
        #expect(error?.code == .timeout)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(250))
        // loose: CPU-bound suites running in parallel can hold every cooperative thread for minutes
        #expect(elapsed < .seconds(600))
    }

    @Test func bodyCutShortFailsTheStream() async throws {
        let bytes = [UInt8](repeating: 1, count: 50_000)
        let server = try started { server in
            server.route("GET", "/cut") { req in
                var response = LoopbackHTTPResponse.file(bytes, for: req)
                response.closeAfterBodyBytes = 10_000
                return response
            }
        }
        defer { server.stop() }
        let streaming = try await transport.stream(request(server, "/cut"))
        #expect(streaming.head.status == 200)
        var received = 0
        let error = await #expect(throws: HTTPError.self) {
            for try await chunk in streaming.body { received += chunk.count }
        }
        #expect(error?.code == .connection)
        #expect(received <= 10_000)
    }

    @Test func connectionRefusedIsAConnectionError() async throws {
        let server = try started { _ in }
        let url = server.baseURL
        server.stop()
        let error = await #expect(throws: HTTPError.self) {
            try await transport.send(HTTPRequest(url: url, timeout: .seconds(2)))
        }
        #expect(error?.code == .connection)
    }
}
