// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import _RAGTestSupport

/// A fake OpenAI-style embeddings endpoint (`POST /v1/embeddings`) on a loopback server.
///
/// It answers every request with deterministic vectors (``vector(for:dimension:)``), listed in reverse order so
/// that clients must sort by `index`, encoded as base64 when the request asks for it (`encoding_format` or Jina's
/// `embedding_type`) unless ``ignoresBase64`` is set. Scripted responses are served first, one per request.
final class FakeEmbeddingServer: Sendable {
    let server = LoopbackHTTPServer()
    let dimension: Int
    let ignoresBase64: Bool
    private let script: Mutex<[LoopbackHTTPResponse]>

    init(dimension: Int = 4, ignoresBase64: Bool = false, script: [LoopbackHTTPResponse] = []) {
        self.dimension = dimension
        self.ignoresBase64 = ignoresBase64
        self.script = Mutex(script)
    }

    /// Starts the server.
    func start() throws {
        server.route("POST", "/v1/embeddings") { [self] request in
            if let scripted = script.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return scripted }
            return answer(request)
        }
        try server.start()
    }

    func stop() { server.stop() }

    /// `http://127.0.0.1:<port>/v1`.
    var baseURL: URL { server.baseURL.appendingPathComponent("v1") }

    /// The JSON bodies of the requests received so far.
    var bodies: [[String: Any]] {
        server.requests.compactMap { try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] }
    }

    /// The vector the fake model gives a text: `[length, length + 0.5, length + 1, …]`; images get `-1` first.
    static func vector(for item: Any, dimension: Int) -> [Float] {
        let text = (item as? String) ?? ((item as? [String: Any])?["text"] as? String)
        let start = text.map { Float($0.count) } ?? -1
        return (0..<dimension).map { start + Float($0) / 2 }
    }

    /// Little-endian Float32 bytes, base64-encoded.
    static func base64(_ vector: [Float]) -> String {
        var bytes: [UInt8] = []
        for value in vector {
            let bits = value.bitPattern
            bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
        }
        return Data(bytes).base64EncodedString()
    }

    private func answer(_ request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        guard let json = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
            let input = json["input"] as? [Any]
        else { return .text(#"{"error": {"message": "bad request", "type": "invalid_request_error"}}"#, status: 400) }
        let wantsBase64 =
            !ignoresBase64
            && (json["encoding_format"] as? String == "base64" || json["embedding_type"] as? String == "base64")
        let data = input.enumerated().reversed().map { index, item -> [String: Any] in
            let vector = Self.vector(for: item, dimension: dimension)
            let embedding: Any = wantsBase64 ? Self.base64(vector) : vector.map { Double($0) }
            return ["object": "embedding", "index": index, "embedding": embedding]
        }
        let body: [String: Any] = ["object": "list", "data": data, "model": json["model"] ?? "", "usage": [:]]
        let bytes = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        return LoopbackHTTPResponse(headers: [("Content-Type", "application/json")], body: [UInt8](bytes))
    }
}
