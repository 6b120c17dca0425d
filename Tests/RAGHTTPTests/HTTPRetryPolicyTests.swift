// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import _RAGHTTP

/// Backoff and `Retry-After` handling.
@Suite struct HTTPRetryPolicyTests {
    let url = URL(string: "https://example.com/x")!

    @Test func exponentialBackoffWithCapAndJitter() {
        let policy = HTTPRetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0.5)
        let delays = (1...6).map { policy.delay(afterAttempt: $0, head: nil, now: 0, random: 0) }
        #expect(
            delays == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1),
            ]
        )
        #expect(policy.delay(afterAttempt: 2, head: nil, now: 0, random: 0.999_999) > .milliseconds(99))
        #expect(policy.delay(afterAttempt: 2, head: nil, now: 0, random: 1) == .milliseconds(100))
    }

    @Test func retryAfterOn429And503Only() {
        let policy = HTTPRetryPolicy(baseDelay: .milliseconds(10), jitter: 0, maxRetryAfter: .seconds(60))
        let busy = HTTPResponseHead(status: 429, headers: ["retry-after": "7"], url: url)
        #expect(policy.delay(afterAttempt: 1, head: busy, now: 0, random: 0) == .seconds(7))
        let unavailable = HTTPResponseHead(status: 503, headers: ["Retry-After": "3600"], url: url)
        #expect(policy.delay(afterAttempt: 1, head: unavailable, now: 0, random: 0) == .seconds(60))
        let failing = HTTPResponseHead(status: 500, headers: ["Retry-After": "7"], url: url)
        #expect(policy.delay(afterAttempt: 1, head: failing, now: 0, random: 0) == .milliseconds(10))
        let dated = HTTPResponseHead(status: 503, headers: ["Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT"], url: url)
        #expect(policy.delay(afterAttempt: 1, head: dated, now: 784_111_767, random: 0) == .seconds(10))
        #expect(policy.delay(afterAttempt: 1, head: dated, now: 784_111_800, random: 0) == .zero)
        #expect(HTTPRetryPolicy.retryAfterSeconds("soon", now: 0) == nil)
        #expect(HTTPRetryPolicy.retryAfterSeconds(" 12 ", now: 0) == 12)
    }
}
