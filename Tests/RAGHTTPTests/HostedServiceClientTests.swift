// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import _RAGHTTP

/// The provider glue every hosted client shares.
@Suite struct HostedServiceClientTests {
    static let key = "sk-SECRET-abc"
    static let base = URL(string: "https://api.example.com/v1/")!

    func client(
        _ transport: ScriptedTransport,
        credential: HostedServiceClient.Credential = .bearer,
        attempts: Int = 1
    ) -> HostedServiceClient {
        var client = HostedServiceClient(
            baseURL: Self.base,
            apiKey: APIKey(Self.key),
            credential: credential,
            headers: ["anthropic-version": "2023-06-01"],
            options: HostedServiceOptions(maxAttempts: attempts),
            transport: transport
        )
        client.http.sleep = { _ in }
        return client
    }

    static func answer(_ status: Int, _ body: String) -> Result<HTTPResponse, HTTPError> {
        .success(HTTPResponse(head: HTTPResponseHead(status: status, url: base), body: Array(body.utf8)))
    }

    @Test func postsJSONWithTheKeyWhereTheProviderWantsIt() async throws {
        let bearer = ScriptedTransport([Self.answer(200, "{}")])
        let plain = client(bearer)
        #expect(plain.url("/chat/completions").absoluteString == "https://api.example.com/v1/chat/completions")
        #expect(
            plain.url("models/m:stream?alt=sse").absoluteString == "https://api.example.com/v1/models/m:stream?alt=sse"
        )
        _ = try await plain.post(plain.url("chat/completions"), json: Array("{}".utf8))
        let sent = try #require(bearer.sent.first)
        #expect(sent.method == .post)
        #expect(sent.headers["Authorization"] == "Bearer \(Self.key)")
        #expect(sent.headers["Content-Type"] == "application/json")
        #expect(sent.headers["anthropic-version"] == "2023-06-01")
        #expect(sent.body == Array("{}".utf8))

        let header = ScriptedTransport([Self.answer(200, "{}")])
        _ = try await client(header, credential: .header("x-api-key")).post(Self.base, json: [])
        #expect(header.sent.first?.headers["x-api-key"] == Self.key)
        #expect(header.sent.first?.headers["Authorization"] == nil)
        #expect(!plain.description.contains(Self.key) && !String(reflecting: plain).contains(Self.key))
    }

    @Test func errorStatusesQuoteTheProviderWithoutTheKey() async throws {
        let body = #"{"error":{"message":"Invalid key \#(Self.key)","type":"authentication_error"}}"#
        let transport = ScriptedTransport([Self.answer(401, body)])
        let failure = await #expect(throws: HostedServiceFailure.self) {
            try await client(transport).post(Self.base, json: [])
        }
        #expect(failure?.status == 401)
        #expect(failure?.provider == ProviderErrorBody(message: "Invalid key <redacted>", type: "authentication_error"))
        #expect(failure?.message.hasPrefix("POST https://api.example.com/v1") == true)
        #expect(failure?.message.hasSuffix(" answered HTTP 401: Invalid key <redacted> [authentication_error]") == true)
    }

    @Test func retriedStatusesSayHowManyAttemptsWereMade() async throws {
        let transport = ScriptedTransport([Self.answer(503, "busy"), Self.answer(503, "busy")])
        let failure = await #expect(throws: HostedServiceFailure.self) {
            try await client(transport, attempts: 2).postStreaming(Self.base, json: [], accept: "text/event-stream")
        }
        #expect(failure?.message.hasSuffix("answered HTTP 503 (after 2 attempts): busy") == true)
        #expect(transport.sent.count == 2)
        #expect(transport.sent.first?.headers["Accept"] == "text/event-stream")
    }

    @Test func transportFailuresKeepTheirCode() async throws {
        let transport = ScriptedTransport([.failure(HTTPError(.timeout, "POST https://api.example.com/v1/ timed out"))])
        let failure = await #expect(throws: HostedServiceFailure.self) {
            try await client(transport).post(Self.base, json: [])
        }
        #expect(failure?.transportError?.code == .timeout)
        #expect(failure?.status == nil)
    }

    @Test func downloadsCarryNoCredentials() async throws {
        let transport = ScriptedTransport([Self.answer(200, "png")])
        let response = try await client(transport).download(URL(string: "https://files.example.net/a.png")!)
        #expect(response.body == Array("png".utf8))
        #expect(transport.sent.first?.headers.fields.isEmpty == true)
    }

    @Test func keysComeFromTheFirstSetVariable() {
        let environment = ["GOOGLE_API_KEY": "g", "GEMINI_API_KEY": "", "OTHER": "x"]
        #expect(APIKey.fromEnvironment(["GEMINI_API_KEY", "GOOGLE_API_KEY"], environment: environment)?.value == "g")
        #expect(APIKey.fromEnvironment(["MISSING"], environment: environment) == nil)
        #expect(APIKey("") == nil && APIKey(nil) == nil)
        #expect("\(APIKey("s3cr3t")!)" == "<redacted>")
        #expect(APIKey("s3cr3t")!.redacting("key s3cr3t, again s3cr3t") == "key <redacted>, again <redacted>")
    }
}

/// The error bodies providers send.
@Suite struct ProviderErrorBodyTests {
    @Test(
        arguments: [
            (
                #"{"error":{"message":"Bad","type":"invalid_request_error","param":null,"code":"x"}}"#, "Bad",
                "invalid_request_error"
            ),
            (
                #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#, "Overloaded",
                "overloaded_error"
            ),
            (
                #"{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}"#,
                "API key not valid.", "INVALID_ARGUMENT"
            ),
            (
                #"[{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}]"#,
                "The model is overloaded.", "UNAVAILABLE"
            ),
            (#"{"error":"model 'x' not found"}"#, "model 'x' not found", nil),
            (#"{"detail":"Model jina-clip-v9 not found"}"#, "Model jina-clip-v9 not found", nil),
            ("  upstream connect error  \n", "upstream connect error", nil),
        ] as [(String, String, String?)]
    )
    func theProvidersWordsAreFound(body: String, message: String, type: String?) {
        let parsed = ProviderErrorBody(parsing: Array(body.utf8))
        #expect(parsed.message == message)
        #expect(parsed.type == type)
    }
}

/// The batching split shared by hosted embedders.
@Suite struct HostedServiceOptionsTests {
    @Test func requestRangesRespectCountAndCharacterBudgets() {
        let byCount = HostedServiceOptions(maxInputsPerRequest: 2)
        #expect(byCount.requestRanges(sizes: [1, 1, 1, 1, 1]) == [0..<2, 2..<4, 4..<5])
        let byBudget = HostedServiceOptions(maxCharactersPerRequest: 8)
        #expect(byBudget.requestRanges(sizes: [4, 4, 4, 10, 1]) == [0..<2, 2..<3, 3..<4, 4..<5])
        #expect(byBudget.requestRanges(sizes: []) == [])
        let policy = HostedServiceOptions(maxAttempts: 6, baseDelay: .seconds(1), maxRetryAfter: .seconds(9))
            .retryPolicy
        #expect(policy.maxAttempts == 6 && policy.baseDelay == .seconds(1) && policy.maxRetryAfter == .seconds(9))
        #expect(policy.maxDelay == .seconds(30))
    }
}

/// The JSON value used to build requests and read answers.
@Suite struct JSONValueTests {
    @Test func roundTripsAndWalks() throws {
        let text = #"{"a":[1,2.5,"x",true,null,{"b":"c/d"}],"n":300}"#
        let value = try #require(JSONValue(parsing: Array(text.utf8)))
        #expect(value["a"][0] == .int(1) && value["a"][1] == .double(2.5) && value["a"][2].string == "x")
        #expect(value["a"][3].bool == true && value["a"][4].isNull && value["a"][5]["b"] == "c/d")
        #expect(value["a"][9].isNull && value["missing"]["deeper"].isNull && value["n"].int == 300)
        #expect(String(decoding: value.encoded, as: UTF8.self) == text)
        #expect(JSONValue(parsing: Array("{oops".utf8)) == nil)
    }
}
