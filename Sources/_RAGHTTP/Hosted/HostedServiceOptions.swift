// SPDX-License-Identifier: Apache-2.0

/// How a client of a hosted service (an embedding, chat or image API) talks to its server: timeouts, retries and,
/// for services that take batches, how many inputs go into one request.
///
/// ```swift
/// var options = HostedServiceOptions()
/// options.timeout = .seconds(20)
/// options.maxAttempts = 6
/// options.maxCharactersPerRequest = 200_000   // embedders: stay under a server's token budget
/// ```
///
/// A request is retried after a connection failure, a timeout, or HTTP 408, 429, 500, 502, 503 or 504, up to
/// ``maxAttempts`` sends in total. The wait before attempt *n* + 1 is ``baseDelay`` · 2ⁿ⁻¹ (at most 30 s) with up
/// to half of it removed at random; a `Retry-After` header on a 429 or 503 replaces the computed wait, capped at
/// ``maxRetryAfter``. A streamed answer is retried only until its response head arrives, never after the first
/// byte of its body.
///
/// The batching limits (``maxInputsPerRequest``, ``maxCharactersPerRequest``) apply to hosted embedders; chat and
/// image clients send one request per call and ignore them.
public struct HostedServiceOptions: Sendable, Hashable {
    /// How long an attempt waits for the next bytes of an answer before it fails.
    ///
    /// It covers connecting, the response head and the body (for a stream: the gap between two chunks), applies
    /// to each attempt separately, and fails the last attempt with a `timeout` error.
    public var timeout: Duration
    /// How many times one request is sent at most, counting the first (1 means never retry).
    public var maxAttempts: Int
    /// The wait before the first retry.
    public var baseDelay: Duration
    /// The longest wait a `Retry-After` header may ask for; longer requests are shortened to it.
    public var maxRetryAfter: Duration
    /// The most inputs a batching client (a hosted embedder) sends in one request; larger batches are split.
    public var maxInputsPerRequest: Int
    /// If set, the most text characters one batched request holds.
    ///
    /// It is a rough stand-in for a server's token budget (about four characters per token in English). A single
    /// longer text still goes alone; images do not count.
    public var maxCharactersPerRequest: Int?

    /// Creates options.
    /// - Parameters:
    ///   - timeout: The per-attempt inactivity timeout; 60 s by default.
    ///   - maxAttempts: Sends per request at most, counting the first; 4 by default.
    ///   - baseDelay: The wait before the first retry; 0.5 s by default.
    ///   - maxRetryAfter: The cap on `Retry-After` waits; 60 s by default.
    ///   - maxInputsPerRequest: The most inputs per batched request; 2048 (OpenAI's embeddings limit) by default.
    ///   - maxCharactersPerRequest: An optional character budget per batched request.
    /// - Precondition: `maxAttempts >= 1`, `maxInputsPerRequest >= 1`, and a budget, if given, is positive.
    public init(
        timeout: Duration = .seconds(60),
        maxAttempts: Int = 4,
        baseDelay: Duration = .milliseconds(500),
        maxRetryAfter: Duration = .seconds(60),
        maxInputsPerRequest: Int = 2048,
        maxCharactersPerRequest: Int? = nil
    ) {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        precondition(maxInputsPerRequest >= 1, "maxInputsPerRequest must be at least 1")
        precondition((maxCharactersPerRequest ?? 1) >= 1, "maxCharactersPerRequest must be positive")
        self.timeout = timeout
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxRetryAfter = maxRetryAfter
        self.maxInputsPerRequest = maxInputsPerRequest
        self.maxCharactersPerRequest = maxCharactersPerRequest
    }

    /// The retry policy these options describe: computed waits at most 30 s, half of each removed at random.
    package var retryPolicy: HTTPRetryPolicy {
        HTTPRetryPolicy(
            maxAttempts: maxAttempts,
            baseDelay: baseDelay,
            maxDelay: .seconds(30),
            maxRetryAfter: maxRetryAfter
        )
    }

    /// Splits items of the given sizes (characters) into consecutive request ranges.
    ///
    /// Each range holds at most ``maxInputsPerRequest`` items and, when a budget is set, at most
    /// ``maxCharactersPerRequest`` characters, except that an item larger than the budget travels alone.
    /// - Parameter sizes: The size of every item, in order.
    /// - Returns: Consecutive, non-empty ranges covering `0..<sizes.count`.
    package func requestRanges(sizes: [Int]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var characters = 0
        for (i, size) in sizes.enumerated() {
            let full = i - start >= maxInputsPerRequest
            let overBudget = maxCharactersPerRequest.map { i > start && characters + size > $0 } ?? false
            if full || overBudget {
                ranges.append(start..<i)
                start = i
                characters = 0
            }
            characters += size
        }
        if start < sizes.count { ranges.append(start..<sizes.count) }
        return ranges
    }
}
