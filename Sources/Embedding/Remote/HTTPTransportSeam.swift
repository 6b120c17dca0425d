// SPDX-License-Identifier: Apache-2.0

// The HTTP transport seam, re-exported so that `import Embedding` (or `import MultimodalRAG`) is all a host needs
// to plug its own transport into `HubClient`, `OpenAIEmbedder` and `JinaEmbedder`.
//
// The types live in the hidden support target `_RAGHTTP` (Generation re-exports the same ones) and are the only public
// declarations there; the client, redirects and retries on top of them stay `package`. They are re-exported with
// scoped `@_exported` imports rather than typealiases: under `MemberImportVisibility` (SE-0444, on in this package
// and the default in future language modes) a typealias makes the name visible but not the members of the type
// behind it — a host could name `HTTPRequest` but not read `request.url`, nor even conform to `HTTPTransport`.
// Scoped imports re-export exactly these names, members included, and nothing else of the module.

@_exported public import class _RAGHTTP.DefaultHTTPTransport
@_exported public import struct _RAGHTTP.HTTPByteStream
@_exported public import struct _RAGHTTP.HTTPError
@_exported public import struct _RAGHTTP.HTTPHeaders
@_exported public import struct _RAGHTTP.HTTPRequest
@_exported public import struct _RAGHTTP.HTTPResponse
@_exported public import struct _RAGHTTP.HTTPResponseHead
@_exported public import struct _RAGHTTP.HTTPStreamingResponse
@_exported public import protocol _RAGHTTP.HTTPTransport
@_exported public import struct _RAGHTTP.HostedServiceOptions
@_exported public import class _RAGHTTP.SocketHTTPTransport
@_exported public import class _RAGHTTP.URLSessionTransport

/// The seam through which ``HubClient``, ``OpenAIEmbedder`` and ``JinaEmbedder`` reach the network.
///
/// A transport sends exactly one request and hands back the response head as soon as it arrives, with the body
/// following as an ``HTTPByteStream``. It does not follow redirects (a 3xx is a response) and does not retry: the
/// library's clients do both on top, the same way for every transport, and drop credential headers when a
/// redirect leaves the origin. A non-2xx status is a response, not an error; throw an ``HTTPError`` only when no
/// complete answer arrived (`connection`, `timeout`, `cancelled`, `invalidRequest`, `invalidResponse`).
///
/// ``DefaultHTTPTransport`` is the default: ``SocketHTTPTransport`` for `http://` URLs on Linux (it costs no CPU
/// while it waits), ``URLSessionTransport`` for the rest. Conform your own type to bring AsyncHTTPClient, a proxy or a test
/// double; `import Embedding` (or `import MultimodalRAG`) is all it takes:
///
/// ```swift
/// import Embedding
///
/// struct Canned: HTTPTransport {
///     func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
///         let body = Array(#"{"data": [{"index": 0, "embedding": [1, 0]}]}"#.utf8)
///         return HTTPStreamingResponse(head: HTTPResponseHead(status: 200, url: request.url), body: .just(body))
///     }
/// }
/// let embedder = OpenAIEmbedder(model: "m", dimension: 2, transport: Canned())
/// ```
///
/// A transport that receives the body piece by piece feeds it through
/// `HTTPByteStream.makeStream(onTermination:)` and cancels its request in `onTermination`, which runs when the
/// reader stops early.
public typealias HTTPTransport = _RAGHTTP.HTTPTransport

/// One HTTP request a transport sends: method, absolute `http` or `https` URL, headers, body bytes and an
/// inactivity timeout (how long to wait for the next bytes before throwing a `timeout` ``HTTPError``).
///
/// Its description is `METHOD scheme://host/path`, without query, headers or body, so it is safe to log.
public typealias HTTPRequest = _RAGHTTP.HTTPRequest

/// A complete response: an ``HTTPResponseHead`` and the body bytes.
public typealias HTTPResponse = _RAGHTTP.HTTPResponse

/// The status code, header fields and answering URL of a response, which arrive before its body.
public typealias HTTPResponseHead = _RAGHTTP.HTTPResponseHead

/// What `HTTPTransport.stream(_:)` returns: the ``HTTPResponseHead`` and the body as an ``HTTPByteStream``.
public typealias HTTPStreamingResponse = _RAGHTTP.HTTPStreamingResponse

/// An ordered list of header fields with case-insensitive lookup; its description redacts credentials.
public typealias HTTPHeaders = _RAGHTTP.HTTPHeaders

/// A response body arriving in chunks of bytes, failing with ``HTTPError``.
///
/// Build one with `HTTPByteStream.just(bytes)` for a body already in memory, or with
/// `HTTPByteStream.makeStream(onTermination:)` and feed the continuation as bytes arrive.
public typealias HTTPByteStream = _RAGHTTP.HTTPByteStream

/// The error a transport throws when a request got no complete answer: a stable `code` and a message.
///
/// Messages must not contain header values, query strings or bodies, so credentials can not leak into logs.
public typealias HTTPError = _RAGHTTP.HTTPError

/// An ``HTTPTransport`` built on an ephemeral `URLSession` (no cookies, no cache, no redirects).
public typealias URLSessionTransport = _RAGHTTP.URLSessionTransport

/// An ``HTTPTransport`` for plain `http://` servers on non-blocking POSIX sockets, woken by epoll (Linux) or poll:
/// no CPU while it waits, keep-alive connections, chunked bodies, cancellation that closes the socket.
public typealias SocketHTTPTransport = _RAGHTTP.SocketHTTPTransport

/// The default ``HTTPTransport``: ``SocketHTTPTransport`` for `http://` URLs on Linux, ``URLSessionTransport``
/// otherwise.
public typealias DefaultHTTPTransport = _RAGHTTP.DefaultHTTPTransport

/// Timeouts, retries and batching limits for a client of a hosted service: ``OpenAIEmbedder`` and
/// ``JinaEmbedder`` here, the chat and image clients in `Generation`.
///
/// A request is retried after a connection failure, a timeout, or HTTP 408, 429, 500, 502, 503 or 504, up to
/// `maxAttempts` sends in total. The wait before attempt *n* + 1 is `baseDelay` · 2ⁿ⁻¹ (at most 30 s) with up to
/// half of it removed at random; a `Retry-After` header on a 429 or 503 replaces the computed wait, capped at
/// `maxRetryAfter`. `timeout` is the per-attempt inactivity timeout. `maxInputsPerRequest` and
/// `maxCharactersPerRequest` split an embedder's batch into several requests.
public typealias HostedServiceOptions = _RAGHTTP.HostedServiceOptions
