// SPDX-License-Identifier: Apache-2.0

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The transport the library's clients use unless they are given one: ``SocketHTTPTransport`` for `http://` URLs
/// on Linux, ``URLSessionTransport`` for everything else.
///
/// On Linux, `URLSession` keeps about one core busy for every request in flight while it waits for the server
/// (swift-corelibs-foundation wakes thousands of times a second), which a streamed chat answer makes last
/// seconds. Plain-`http` servers — Ollama, vLLM, llama.cpp, embedding servers, vector databases on the same host or
/// in the cluster — therefore go through sockets that cost nothing while they wait. `https://` still needs
/// `URLSession` for TLS there. On Apple platforms `URLSession` does not busy-wait and serves every URL.
///
/// A Linux server that talks to hosted `https` providers at volume should plug in AsyncHTTPClient through the
/// ``HTTPTransport`` seam (see the "Streaming and cancellation" article in `Generation`).
public final class DefaultHTTPTransport: HTTPTransport {
    private let sockets: SocketHTTPTransport?
    private let session: URLSessionTransport

    /// Creates the transport with its own socket pool and `URLSession`.
    public init() {
        #if os(Linux)
        sockets = SocketHTTPTransport()
        #else
        sockets = nil
        #endif
        session = URLSessionTransport()
    }

    /// Sends the request over sockets (`http` on Linux) or `URLSession` (everything else).
    public func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        if let sockets, request.url.scheme?.lowercased() == "http" { return try await sockets.stream(request) }
        return try await session.stream(request)
    }
}
