// SPDX-License-Identifier: Apache-2.0

import Dispatch
import Foundation
import _RAGInternals

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The default ``HTTPTransport``, built on `URLSession`.
///
/// It sends one request per call and never follows redirects itself (the library's HTTP client does, so that
/// credentials are dropped across origins the same way on every platform). It uses an ephemeral session: no cookies, no URL
/// cache, no stored credentials. ``HTTPRequest/timeout`` becomes the request's inactivity timeout.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let delegate: URLSessionTransportDelegate

    /// Creates a transport with its own ephemeral session.
    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        delegate = URLSessionTransportDelegate()
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit { session.invalidateAndCancel() }

    /// Sends the request and returns when the response head arrives.
    public func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw HTTPError(.invalidRequest, "\(request): only http and https URLs are supported")
        }
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method.rawValue
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }
        if !request.body.isEmpty { urlRequest.httpBody = Data(request.body) }
        let (seconds, attoseconds) = request.timeout.components
        let interval = max(0.001, Double(seconds) + Double(attoseconds) * 1e-18)
        // swift-corelibs-foundation truncates the interval to whole seconds (0.3 s fires at once), so the URL
        // request gets whole seconds and a watchdog below enforces the exact timeout until the head arrives.
        urlRequest.timeoutInterval = interval.rounded(.up)

        let task = session.dataTask(with: urlRequest)
        let (body, continuation) = HTTPByteStream.makeStream(onTermination: { task.cancel() })
        let delegate = self.delegate
        let description = request.description
        do {
            let head = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation {
                    (headContinuation: CheckedContinuation<HTTPResponseHead, any Error>) in
                    delegate.register(
                        task.taskIdentifier,
                        .init(description: description, url: request.url, head: headContinuation, body: continuation)
                    )
                    task.resume()
                    // A Dispatch timer, not a task: it fires even when the cooperative pool is saturated.
                    DispatchQueue.global().asyncAfter(deadline: .now() + interval) {
                        if delegate.expire(task.taskIdentifier) { task.cancel() }
                    }
                }
            } onCancel: {
                task.cancel()
            }
            return HTTPStreamingResponse(head: head, body: body)
        } catch let error as HTTPError {
            throw error
        } catch {
            throw HTTPError(.connection, "\(description) failed", underlying: error)
        }
    }
}

/// Routes `URLSession` delegate callbacks to the continuations of the task they belong to.
final class URLSessionTransportDelegate: NSObject, URLSessionDataDelegate, Sendable {
    struct Pending: Sendable {
        var description: String
        var url: URL
        var head: CheckedContinuation<HTTPResponseHead, any Error>?
        var body: AsyncThrowingStream<[UInt8], any Error>.Continuation
    }

    private let pending = Locked<[Int: Pending]>([:])

    func register(_ id: Int, _ entry: Pending) { pending.withLock { $0[id] = entry } }

    func urlSession(
        _ session: URLSession,
        dataTask: URLSessionDataTask,
        didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        deliverHead(for: dataTask, response: response)
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let body = pending.withLock { $0[dataTask.taskIdentifier]?.body }
        body?.yield([UInt8](data))
    }

    func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)  // HTTPClient follows redirects itself.
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if error == nil, let response = task.response { deliverHead(for: task, response: response) }
        guard let entry = pending.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        if let error {
            let mapped = Self.map(error, entry.description)
            entry.head?.resume(throwing: mapped)
            entry.body.finish(throwing: mapped)
        } else {
            entry.head?.resume(throwing: HTTPError(.invalidResponse, "\(entry.description) got no response"))
            entry.body.finish()
        }
    }

    /// Fails a task whose head has not arrived yet with a timeout; returns whether it did.
    func expire(_ id: Int) -> Bool {
        let entry: Pending? = pending.withLock { table in
            guard let entry = table[id], entry.head != nil else { return nil }
            table[id] = nil
            return entry
        }
        guard let entry else { return false }
        let error = HTTPError(.timeout, "\(entry.description) timed out")
        entry.head?.resume(throwing: error)
        entry.body.finish(throwing: error)
        return true
    }

    private func deliverHead(for task: URLSessionTask, response: URLResponse) {
        let entry: Pending? = pending.withLock { table in
            guard let entry = table[task.taskIdentifier], entry.head != nil else { return nil }
            table[task.taskIdentifier]?.head = nil
            return entry
        }
        guard let entry, let continuation = entry.head else { return }
        guard let http = response as? HTTPURLResponse else {
            continuation.resume(throwing: HTTPError(.invalidResponse, "\(entry.description) got a non-HTTP response"))
            return
        }
        var headers = HTTPHeaders()
        for (name, value) in http.allHeaderFields {
            headers.add(String(describing: name.base), String(describing: value))
        }
        continuation.resume(returning: HTTPResponseHead(status: http.statusCode, headers: headers, url: entry.url))
    }

    static func map(_ error: any Error, _ description: String) -> HTTPError {
        guard let urlError = error as? URLError else {
            return HTTPError(.connection, "\(description) failed", underlying: error)
        }
        switch urlError.code {
        case .timedOut: return HTTPError(.timeout, "\(description) timed out", underlying: error)
        case .cancelled: return HTTPError(.cancelled, "\(description) was cancelled", underlying: error)
        case .badURL, .unsupportedURL:
            return HTTPError(.invalidRequest, "\(description): unsupported URL", underlying: error)
        case .badServerResponse, .cannotParseResponse:
            return HTTPError(.invalidResponse, "\(description): bad server response", underlying: error)
        default:
            return HTTPError(
                .connection,
                "\(description) failed (URLError \(urlError.code.rawValue))",
                underlying: error
            )
        }
    }
}
