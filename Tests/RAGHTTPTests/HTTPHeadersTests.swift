// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import _RAGHTTP

/// Case-insensitive header lookup and redaction of credentials in descriptions.
@Suite struct HTTPHeadersTests {
    @Test func headersAreCaseInsensitiveAndRedacted() {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Authorization": "Bearer s3cret"]
        headers.add("X-Api-Key", "k3y")
        headers["x-goog-api-key"] = "g00g"
        #expect(headers["content-type"] == "application/json")
        #expect(headers["AUTHORIZATION"] == "Bearer s3cret")
        headers["CONTENT-TYPE"] = "text/plain"
        #expect(headers.fields.count == 4)
        #expect(headers["Content-Type"] == "text/plain")
        let text = headers.description
        #expect(!text.contains("s3cret") && !text.contains("k3y") && !text.contains("g00g"))
        #expect(text.contains("Authorization: <redacted>"))
        headers.remove("authorization")
        #expect(!headers.contains("Authorization"))
    }
}
