// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG
import Synchronization
import Testing

/// A transport as a host program would write it, with nothing but `import MultimodalRAG`: it answers from a
/// handler instead of the network, streams each body in two chunks, and records every request it is given.
final class HostTransport: HTTPTransport {
    /// What the fake network answers: status, headers and body, or `nil` for a connection failure.
    typealias Handler = @Sendable (HTTPRequest) -> (status: Int, headers: HTTPHeaders, body: [UInt8])?

    private let handler: Handler
    private let log = Mutex<[HTTPRequest]>([])

    init(_ handler: @escaping Handler) { self.handler = handler }

    /// Every request sent so far, in order.
    var requests: [HTTPRequest] { log.withLock { $0 } }

    func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        log.withLock { $0.append(request) }
        guard let answer = handler(request) else {
            throw HTTPError(.connection, "\(request) could not connect")
        }
        let (body, continuation) = HTTPByteStream.makeStream()
        let half = answer.body.count / 2
        continuation.yield(Array(answer.body[..<half]))
        continuation.yield(Array(answer.body[half...]))
        continuation.finish()
        return HTTPStreamingResponse(
            head: HTTPResponseHead(status: answer.status, headers: answer.headers, url: request.url),
            body: body
        )
    }
}

/// The transport seam from the host's side: a host-defined ``HostTransport`` drives the hosted embedders and the
/// hub client through their public initialisers.
@Suite struct HostTransportTests {
    /// Little-endian Float32 values, base64-encoded, as OpenAI sends `encoding_format: base64` vectors.
    static func base64(_ values: [Float]) -> String {
        var bytes: [UInt8] = []
        for value in values {
            let bits = value.bitPattern
            bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
        }
        return Data(bytes).base64EncodedString()
    }

    static func json(_ object: Any) -> [UInt8] {
        [UInt8]((try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }

    @Test func openAIEmbedderRunsOnAHostTransport() async throws {
        let first: [Float] = [0.5, -1.25, 2]
        let second: [Float] = [3, 0, -0.75]
        let transport = HostTransport { _ in
            // Listed out of order: the embedder must sort by index.
            let data: [[String: Any]] = [
                ["object": "embedding", "index": 1, "embedding": Self.base64(second)],
                ["object": "embedding", "index": 0, "embedding": Self.base64(first)],
            ]
            let body = Self.json(["object": "list", "data": data, "model": "host-embed"])
            return (200, ["Content-Type": "application/json"], body)
        }
        let embedder = OpenAIEmbedder(
            model: "host-embed",
            dimension: 3,
            baseURL: URL(string: "https://embeddings.host.example/v1")!,
            apiKey: "sk-host-key",
            sendsDimensions: true,
            normalization: .none,
            transport: transport
        )
        let matrix = try await embedder.embed([.text("first text"), .text("second text")])
        #expect(matrix.rows == [first, second])

        let requests = transport.requests
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method.rawValue == "POST")
        #expect(request.url.host == "embeddings.host.example")
        #expect(request.url.path == "/v1/embeddings")
        #expect(request.headers["Authorization"] == "Bearer sk-host-key")
        #expect(request.headers["content-type"] == "application/json")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["model"] as? String == "host-embed")
        #expect(body["input"] as? [String] == ["first text", "second text"])
        #expect(body["encoding_format"] as? String == "base64")
        #expect(body["dimensions"] as? Int == 3)
        #expect(Set(body.keys) == ["model", "input", "encoding_format", "dimensions"])
    }

    @Test func hostTransportErrorsBecomeEmbeddingErrors() async throws {
        let transport = HostTransport { _ in nil }
        let options = HostedEmbedderOptions(maxAttempts: 1)
        let openAI = OpenAIEmbedder(model: "m", dimension: 2, apiKey: "k", options: options, transport: transport)
        let failure = await #expect(throws: EmbeddingError.self) { try await openAI.embed([.text("x")]) }
        #expect(failure?.code == .network)
        #expect(failure?.underlying is HTTPError)
        #expect((failure?.underlying as? HTTPError)?.code == .connection)

        let jina = JinaEmbedder(apiKey: "k", options: options, transport: transport)
        let jinaFailure = await #expect(throws: EmbeddingError.self) { try await jina.embed([.text("x")]) }
        #expect(jinaFailure?.code == .network)
        #expect(
            transport.requests.map(\.url.absoluteString) == [
                "https://api.openai.com/v1/embeddings", "https://api.jina.ai/v1/embeddings",
            ]
        )
    }

    /// A two-file repository plus one LFS file, served from memory by a host transport that plays the hub
    /// (`hub.host.example`) and its storage host (`cdn.host.example`).
    struct InMemoryHub: Sendable {
        struct File: Sendable {
            let path: String
            let etag: String
            let bytes: [UInt8]
            let isLFS: Bool
        }

        static let commit = "0123456789abcdef0123456789abcdef01234567"
        static let endpoint = URL(string: "https://hub.host.example")!
        /// `(i * 31 + 7) mod 256` for i in 0..<4096, and its SHA-256 (computed with Python's hashlib).
        static let weights = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        static let weightsSHA256 = "d41d438c379110c7f7b2c561b1f04f26c1b4549110791f8e022f48974280c13e"

        let files: [File] = [
            File(
                path: "config.json",
                etag: "1111111111111111111111111111111111111111",
                bytes: Array(#"{"model_type": "bert"}"#.utf8),
                isLFS: false
            ),
            File(
                path: "tokenizer/vocab.txt",
                etag: "2222222222222222222222222222222222222222",
                bytes: Array("[PAD]\n[UNK]\nhost\n".utf8),
                isLFS: false
            ),
            File(path: "model.safetensors", etag: weightsSHA256, bytes: weights, isLFS: true),
        ]

        func answer(_ request: HTTPRequest) -> (status: Int, headers: HTTPHeaders, body: [UInt8])? {
            let path = request.url.path
            let commit = Self.commit
            if request.url.host == "cdn.host.example" {
                guard let file = files.first(where: { path == "/lfs/" + $0.etag }) else { return (404, [:], []) }
                return (200, ["Content-Length": String(file.bytes.count)], file.bytes)
            }
            if path == "/api/models/host-org/tiny/revision/main" {
                let siblings = files.map { ["rfilename": $0.path] }
                return (
                    200, [:], HostTransportTests.json(["id": "host-org/tiny", "sha": commit, "siblings": siblings])
                )
            }
            let prefix = "/host-org/tiny/resolve/\(commit)/"
            guard path.hasPrefix(prefix), let file = files.first(where: { path == prefix + $0.path }) else {
                return (404, ["X-Error-Code": "EntryNotFound"], [])
            }
            if file.isLFS {
                let headers: HTTPHeaders = [
                    "Location": "https://cdn.host.example/lfs/\(file.etag)", "X-Repo-Commit": commit,
                    "X-Linked-Etag": "\"\(file.etag)\"", "X-Linked-Size": String(file.bytes.count),
                ]
                return (302, headers, [])
            }
            let headers: HTTPHeaders = [
                "ETag": "\"\(file.etag)\"", "X-Repo-Commit": commit, "Content-Length": String(file.bytes.count),
            ]
            return (200, headers, request.method.rawValue == "HEAD" ? [] : file.bytes)
        }
    }

    @Test func hubClientDownloadsASnapshotThroughAHostTransport() async throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-host-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let hub = InMemoryHub()
        let transport = HostTransport { hub.answer($0) }
        let client = HubClient(
            configuration: HubConfiguration(
                endpoint: InMemoryHub.endpoint,
                cacheDirectory: cache,
                token: "hf_host_token"
            ),
            transport: transport
        )
        let snapshot = try await client.snapshot("host-org/tiny")

        let repoFolder = cache.appendingPathComponent("models--host-org--tiny")
        #expect(
            snapshot.standardizedFileURL.path
                == repoFolder.appendingPathComponent("snapshots/\(InMemoryHub.commit)").standardizedFileURL.path
        )
        let ref = try String(contentsOf: repoFolder.appendingPathComponent("refs/main"), encoding: .utf8)
        #expect(ref == InMemoryHub.commit)
        for file in hub.files {
            let blob = repoFolder.appendingPathComponent("blobs/\(file.etag)")
            #expect(try [UInt8](Data(contentsOf: blob)) == file.bytes, "\(file.path)")
            let linked = snapshot.appendingPathComponent(file.path)
            #expect(try [UInt8](Data(contentsOf: linked)) == file.bytes, "\(file.path)")
            let depth = file.path.split(separator: "/").count - 1
            #expect(
                try FileManager.default.destinationOfSymbolicLink(atPath: linked.path)
                    == String(repeating: "../", count: depth + 2) + "blobs/\(file.etag)"
            )
        }

        // The transport saw the model API, a HEAD and a GET per file, and the weights on the storage host;
        // the token went to the hub only.
        let requests = transport.requests
        #expect(requests.first?.url.path == "/api/models/host-org/tiny/revision/main")
        #expect(requests.filter { $0.method.rawValue == "HEAD" }.count == 3)
        let storage = requests.filter { $0.url.host == "cdn.host.example" }
        #expect(storage.map(\.url.path) == ["/lfs/\(InMemoryHub.weightsSHA256)"])
        #expect(storage.allSatisfy { $0.headers["Authorization"] == nil })
        let toHub = requests.filter { $0.url.host == "hub.host.example" }
        #expect(toHub.count == 6)
        #expect(toHub.allSatisfy { $0.headers["Authorization"] == "Bearer hf_host_token" })
    }
}
