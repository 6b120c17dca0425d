// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing
import _RAGHTTP

/// A transport that answers from a script and records what it was asked.
final class ScriptedTransport: HTTPTransport {
    private let state: Mutex<(script: [Result<HTTPResponse, HTTPError>], sent: [HTTPRequest])>

    init(_ script: [Result<HTTPResponse, HTTPError>]) { state = Mutex((script, [])) }

    var sent: [HTTPRequest] { state.withLock { $0.sent } }

    func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        let next = state.withLock { state in
            state.sent.append(request)
            return state.script.isEmpty
                ? .failure(HTTPError(.connection, "script exhausted")) : state.script.removeFirst()
        }
        let response = try next.get()
        return HTTPStreamingResponse(head: response.head, body: .just(response.body))
    }
}

/// Redirect and retry rules of ``HTTPClient``, independent of any network.
@Suite struct HTTPClientTests {
    static let origin = URL(string: "https://hub.example/a")!

    static func response(
        _ status: Int,
        _ headers: HTTPHeaders = [:],
        body: String = ""
    ) -> Result<HTTPResponse, HTTPError> {
        .success(
            HTTPResponse(head: HTTPResponseHead(status: status, headers: headers, url: origin), body: Array(body.utf8))
        )
    }

    static func client(_ transport: ScriptedTransport, attempts: Int = 3) -> HTTPClient {
        HTTPClient(transport: transport, retryPolicy: HTTPRetryPolicy(maxAttempts: attempts), sleep: { _ in })
    }

    @Test func seeOtherTurnsAPostIntoAGetAndDropsCredentialsAcrossOrigins() async throws {
        let transport = ScriptedTransport([
            Self.response(303, ["Location": "https://cdn.example/result"]),
            Self.response(200, body: "done"),
        ])
        let request = HTTPRequest(
            method: .post,
            url: Self.origin,
            headers: [
                "Authorization": "Bearer t", "X-Api-Key": "k", "Content-Type": "application/json", "Accept": "*/*",
            ],
            body: Array("{}".utf8)
        )
        let response = try await Self.client(transport).send(request)
        #expect(String(decoding: response.body, as: UTF8.self) == "done")
        let second = try #require(transport.sent.last)
        #expect(second.method == .get && second.body.isEmpty)
        #expect(second.url.absoluteString == "https://cdn.example/result")
        #expect(second.headers["Authorization"] == nil && second.headers["X-Api-Key"] == nil)
        #expect(second.headers["Content-Type"] == nil && second.headers["Accept"] == "*/*")
    }

    @Test func sameOriginRedirectKeepsCredentialsAndMethod() async throws {
        let transport = ScriptedTransport([Self.response(307, ["Location": "/b"]), Self.response(200)])
        let request = HTTPRequest(method: .put, url: Self.origin, headers: ["Authorization": "Bearer t"], body: [1])
        _ = try await Self.client(transport).send(request)
        let second = try #require(transport.sent.last)
        #expect(second.url.absoluteString == "https://hub.example/b")
        #expect(second.method == .put && second.body == [1] && second.headers["Authorization"] == "Bearer t")
    }

    @Test func httpsToHttpOnTheSameHostIsCrossOrigin() async throws {
        let transport = ScriptedTransport([
            Self.response(302, ["Location": "http://hub.example/a"]), Self.response(200),
        ])
        _ = try await Self.client(transport).send(HTTPRequest(url: Self.origin, headers: ["Authorization": "Bearer t"]))
        #expect(transport.sent.last?.headers["Authorization"] == nil)
    }

    @Test func redirectLoopsAndBadLocationsFail() async throws {
        let loop = ScriptedTransport(Array(repeating: Self.response(302, ["Location": "/a"]), count: 20))
        var client = Self.client(loop)
        client.maxRedirects = 3
        let error = await #expect(throws: HTTPError.self) { try await client.send(HTTPRequest(url: Self.origin)) }
        #expect(error?.code == .redirect)
        #expect(loop.sent.count == 4)
        let bad = ScriptedTransport([Self.response(302, ["Location": "ftp://x/y"])])
        let badError = await #expect(throws: HTTPError.self) {
            try await Self.client(bad).send(HTTPRequest(url: Self.origin))
        }
        #expect(badError?.code == .redirect)
    }

    @Test func redirectModesCanStopAtARedirect() async throws {
        let transport = ScriptedTransport([Self.response(302, ["Location": "/b"])])
        let response = try await Self.client(transport).send(HTTPRequest(url: Self.origin), redirects: .none)
        #expect(response.status == 302 && transport.sent.count == 1)
    }

    @Test func transientErrorsAreRetriedThenSurface() async throws {
        let flaky = ScriptedTransport([.failure(HTTPError(.connection, "reset")), Self.response(200)])
        #expect(try await Self.client(flaky).send(HTTPRequest(url: Self.origin)).status == 200)
        let dead = ScriptedTransport(Array(repeating: .failure(HTTPError(.timeout, "slow")), count: 5))
        let error = await #expect(throws: HTTPError.self) {
            try await Self.client(dead, attempts: 2).send(HTTPRequest(url: Self.origin))
        }
        #expect(error?.code == .timeout)
        #expect(dead.sent.count == 2)
        let invalid = ScriptedTransport([.failure(HTTPError(.invalidRequest, "bad")), Self.response(200)])
        await #expect(throws: HTTPError.self) { try await Self.client(invalid).send(HTTPRequest(url: Self.origin)) }
        #expect(invalid.sent.count == 1)
    }

    @Test func nonIdempotentRequestsCanOptOutOfRetries() async throws {
        let transport = ScriptedTransport([Self.response(503), Self.response(200)])
        var client = Self.client(transport)
        client.retryPolicy.retriesNonIdempotent = false
        let response = try await client.send(HTTPRequest(method: .post, url: Self.origin))
        #expect(response.status == 503 && transport.sent.count == 1)
    }
}
