// SPDX-License-Identifier: Apache-2.0

public import Embedding
public import Foundation

/// A ``Reranker`` backed by a hosted rerank API with the Cohere / Jina / Voyage shape, `POST {baseURL}/rerank`.
///
/// The request is `{"model", "query", "documents": [texts], "top_n": count}` (Voyage names the count `top_k`; see
/// ``topCountField``) and the answer lists `{"index", "relevance_score"}` entries under `results` (Cohere, Jina) or
/// `data` (Voyage). All documents go in one request and all scores are asked for, so each document gets its score
/// back in input order.
///
/// ```swift
/// let cohere = HostedReranker(model: "rerank-v3.5", baseURL: HostedReranker.cohereBaseURL, apiKey: key)
/// let best = try await cohere.rerank(query: "capital of France", documents: texts, limit: 5)
/// ```
///
/// Requests go through the same client as the hosted embedders: retries on 429 and 5xx with backoff and
/// `Retry-After`, same-origin redirects only, and a key that never appears in errors or descriptions.
public struct HostedReranker: Reranker, CustomStringConvertible {
    /// Cohere's API base, `https://api.cohere.com/v2`.
    public static let cohereBaseURL = URL(string: "https://api.cohere.com/v2")!
    /// Jina AI's API base, `https://api.jina.ai/v1`.
    public static let jinaBaseURL = URL(string: "https://api.jina.ai/v1")!
    /// Voyage AI's API base, `https://api.voyageai.com/v1` (pass `topCountField: "top_k"`).
    public static let voyageBaseURL = URL(string: "https://api.voyageai.com/v1")!

    /// The model name sent as `model`.
    public let model: String
    /// The name of the request field holding how many results to return: `top_n` (Cohere, Jina) or `top_k`
    /// (Voyage).
    public let topCountField: String
    /// Timeouts and retries (shared with the hosted embedders; `maxInputsPerRequest` is not used).
    public var options: HostedEmbedderOptions { client.options }
    private var client: HostedEmbeddingClient

    /// Creates a reranker.
    ///
    /// - Parameters:
    ///   - model: The rerank model, such as `rerank-v3.5`, `jina-reranker-v2-base-multilingual` or `rerank-2`.
    ///   - baseURL: The API base that `/rerank` is appended to.
    ///   - apiKey: Sent as `Authorization: Bearer <key>`; `nil` or empty sends none.
    ///   - topCountField: `top_n` by default; `top_k` for Voyage.
    ///   - options: Timeouts and retries.
    ///   - transport: How requests reach the server; a new `DefaultHTTPTransport` by default.
    public init(
        model: String,
        baseURL: URL,
        apiKey: String?,
        topCountField: String = "top_n",
        options: HostedEmbedderOptions = HostedEmbedderOptions(),
        transport: any HTTPTransport = DefaultHTTPTransport()
    ) {
        self.model = model
        self.topCountField = topCountField
        self.client = HostedEmbeddingClient(
            baseURL: baseURL,
            path: "rerank",
            apiKey: apiKey,
            options: options,
            transport: transport
        )
    }

    /// The same reranker with `sleep` in place of the waits between retries (tests record them instead).
    package func replacingRetryWaits(with sleep: @escaping @Sendable (Duration) async -> Void) -> HostedReranker {
        var copy = self
        copy.client.replaceRetryWaits(with: sleep)
        return copy
    }

    /// `HostedReranker(<model>, POST <endpoint>)`, without the key.
    public var description: String { "HostedReranker(\(model), \(client))" }

    /// One relevance score per document, in input order.
    ///
    /// - Parameters:
    ///   - query: The query text.
    ///   - documents: The candidates' texts.
    /// - Returns: The provider's `relevance_score` of each document.
    /// - Throws: ``RetrievalError`` with code `rerankingFailed`: its ``RetrievalError/underlying`` is the
    ///   `EmbeddingError` (`network`, `timeout`, `cancelled`, `rateLimited`, `unauthorized`, `providerError`)
    ///   when the request failed; without one, the answer was malformed or did not score every document once.
    @concurrent public func scores(query: String, documents: [String]) async throws(RetrievalError) -> [Double] {
        guard !documents.isEmpty else { return [] }
        var body: [String: Any] = ["model": model, "query": query, "documents": documents]
        body[topCountField] = documents.count
        let answer: [UInt8]
        do {
            let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            answer = try await client.post([UInt8](data))
        } catch let error as EmbeddingError {
            throw RetrievalError(.rerankingFailed, "\(client) failed", underlying: error)
        } catch {
            throw RetrievalError(.rerankingFailed, "cannot encode the rerank request", underlying: error)
        }
        return try Self.scores(from: answer, count: documents.count, source: client.description)
    }

    /// Reads `{"results" | "data": [{"index", "relevance_score"}]}` into one score per document.
    static func scores(from body: [UInt8], count: Int, source: String) throws(RetrievalError) -> [Double] {
        let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        guard let entries = (object?["results"] ?? object?["data"]) as? [[String: Any]] else {
            throw RetrievalError(.rerankingFailed, "\(source) answered without a results list")
        }
        var scores = [Double?](repeating: nil, count: count)
        for entry in entries {
            guard let index = (entry["index"] as? NSNumber)?.intValue, scores.indices.contains(index),
                let score = (entry["relevance_score"] as? NSNumber)?.doubleValue, score.isFinite
            else {
                throw RetrievalError(.rerankingFailed, "\(source) answered with a malformed result \(entry)")
            }
            guard scores[index] == nil else {
                throw RetrievalError(.rerankingFailed, "\(source) scored document \(index) twice")
            }
            scores[index] = score
        }
        guard let missing = scores.firstIndex(where: { $0 == nil }) else { return scores.map { $0! } }
        throw RetrievalError(.rerankingFailed, "\(source) did not score document \(missing) of \(count)")
    }
}
