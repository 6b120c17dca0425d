// SPDX-License-Identifier: Apache-2.0

/// When and how long ``HTTPClient`` waits before sending a request again.
///
/// A request is retried after a transient error (connection failure or timeout) or a retryable status
/// (``retryableStatuses``: 408, 429, 500, 502, 503, 504 by default), up to ``maxAttempts`` sends in total. The
/// wait before attempt *n* + 1 is `baseDelay · 2ⁿ⁻¹`, capped at ``maxDelay``, with up to ``jitter`` of it taken
/// away at random so that many clients do not retry in step. A `Retry-After` header on a 429 or 503 (delay in
/// seconds, or an HTTP date) replaces the computed wait, capped at ``maxRetryAfter``.
package struct HTTPRetryPolicy: Sendable {
    /// How many times a request is sent at most, counting the first (1 means never retry).
    package var maxAttempts: Int
    /// The wait before the first retry.
    package var baseDelay: Duration
    /// The longest computed wait.
    package var maxDelay: Duration
    /// The fraction (0...1) of each computed wait that may be removed at random.
    package var jitter: Double
    /// The longest wait a `Retry-After` header may ask for; longer requests are shortened to it.
    package var maxRetryAfter: Duration
    /// Status codes after which the request is sent again.
    package var retryableStatuses: Set<Int>
    /// Whether non-idempotent requests (`POST`) are retried too.
    ///
    /// Most model APIs are safe to repeat.
    package var retriesNonIdempotent: Bool

    /// Creates a policy.
    package init(
        maxAttempts: Int = 4,
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(30),
        jitter: Double = 0.5,
        maxRetryAfter: Duration = .seconds(120),
        retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504],
        retriesNonIdempotent: Bool = true
    ) {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
        self.maxRetryAfter = maxRetryAfter
        self.retryableStatuses = retryableStatuses
        self.retriesNonIdempotent = retriesNonIdempotent
    }

    /// A policy that sends every request once.
    package static let never = HTTPRetryPolicy(maxAttempts: 1)

    /// Whether a response with this status should be retried.
    package func shouldRetry(status: Int) -> Bool { retryableStatuses.contains(status) }

    /// The wait before the next send, after `attempt` sends (1-based) have failed.
    ///
    /// - Parameters:
    ///   - attempt: How many sends have been made so far.
    ///   - head: The last response head, if the last send got one; its `Retry-After` is honoured on 429 and 503.
    ///   - now: The current time in seconds since 1970, for `Retry-After` dates.
    ///   - random: A number in `0..<1` used for the jitter.
    /// - Returns: How long to wait before the next send.
    package func delay(
        afterAttempt attempt: Int,
        head: HTTPResponseHead?,
        now: Double,
        random: Double
    ) -> Duration {
        if let head, head.status == 429 || head.status == 503,
            let value = head.headers["Retry-After"],
            let seconds = Self.retryAfterSeconds(value, now: now)
        {
            return min(.milliseconds(Int64((seconds * 1000).rounded())), maxRetryAfter)
        }
        let exponent = min(max(attempt - 1, 0), 30)
        let grown = baseDelay * (1 << exponent)
        let capped = min(grown, maxDelay)
        return capped * (1 - jitter * min(max(random, 0), 1))
    }

    /// The delay a `Retry-After` value asks for, in seconds (never negative), or `nil` if it does not parse.
    ///
    /// Accepts delta-seconds (`"120"`) and an HTTP date (`"Wed, 21 Oct 2015 07:28:00 GMT"`).
    package static func retryAfterSeconds(_ value: String, now: Double) -> Double? {
        let trimmed = value.trimmingSpaces()
        if let seconds = Int(trimmed) { return seconds >= 0 ? Double(seconds) : nil }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        return max(0, date - now)
    }
}

extension String {
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(scalars[first...last])
    }
}
