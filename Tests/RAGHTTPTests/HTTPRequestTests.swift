// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import _RAGHTTP

/// What a request shows of itself in logs and errors.
@Suite struct HTTPRequestTests {
    @Test func requestDescriptionHidesQueryAndCredentials() {
        let request = HTTPRequest(
            url: URL(string: "https://user:pw@api.example.com:8443/v1/models?key=SECRET#frag")!,
            headers: ["Authorization": "Bearer SECRET"]
        )
        #expect(request.description == "GET https://api.example.com:8443/v1/models")
        let error = HTTPError(.timeout, "\(request) timed out")
        #expect(!error.description.contains("SECRET"))
    }

    @Test func originsCompareSchemeHostAndPort() {
        func origin(_ text: String) -> String { HTTPRequest.origin(URL(string: text)!) }
        #expect(origin("https://HF.co/a") == origin("https://hf.co:443/b"))
        #expect(origin("https://hf.co/a") != origin("http://hf.co/a"))
        #expect(origin("http://127.0.0.1:8080/") != origin("http://127.0.0.1:8081/"))
    }
}
