// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Synchronization
import Testing
import _RAGTestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking  // URLSession on Linux
#endif

// The two embedders of the article "Using your own embedder" (UsingYourOwnEmbedder.md), compiled and tested.
// `articleExamplesAreTheseTwins` fails when the article's code and the code below drift apart.

// MARK: - The article's in-process example

/// A text embedder that needs no model: character trigrams hashed into `dimension` buckets, L2-normalised.
///
/// Texts that share trigrams ("a cat", "the cat") get nearby vectors. It is a lexical baseline and a
/// stand-in for tests, not a semantic model.
struct TrigramEmbedder: Embedder {
    let space: EmbeddingSpace
    let modalities: Set<Modality> = [.text]

    init(dimension: Int = 256) {
        space = EmbeddingSpace(
            modelID: "example/trigram-fnv1a",
            revision: "1",
            dimension: dimension,
            normalization: .l2
        )
    }

    func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        let d = space.dimension
        var values = ContiguousArray<Float>(repeating: 0, count: inputs.count * d)
        for (row, input) in inputs.enumerated() {
            guard case .text(let text) = input else { continue }  // checkModalities let only text through
            guard !text.isEmpty else {
                throw EmbeddingError(.invalidInput, "input \(row) is an empty text")
            }
            let scalars = Array((" " + text.lowercased() + " ").unicodeScalars)
            for i in 0..<(scalars.count - 2) {
                values[row * d + Self.bucket(scalars[i...(i + 2)], count: d)] += 1
            }
        }
        return try EmbeddingMatrix(values: values, dimension: d).normalized()
    }

    /// FNV-1a over the scalars: the same bucket in every process (Swift's `Hasher` is seeded per process).
    static func bucket(_ trigram: ArraySlice<Unicode.Scalar>, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for scalar in trigram { hash = (hash ^ UInt64(scalar.value)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(count))
    }
}

// MARK: - The article's HTTP example

/// Embeds text with an in-house service: `POST {"texts": [...]}` answers `{"vectors": [[...], ...]}`.
struct ServiceEmbedder: Embedder {
    let endpoint: URL
    let space: EmbeddingSpace
    let modalities: Set<Modality> = [.text]

    init(endpoint: URL, model: String, version: String, dimension: Int) {
        self.endpoint = endpoint
        space = EmbeddingSpace(modelID: model, revision: version, dimension: dimension, normalization: .l2)
    }

    private struct Request: Encodable { let texts: [String] }
    private struct Response: Decodable { let vectors: [[Float]] }

    func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        let d = space.dimension
        guard !inputs.isEmpty else { return try EmbeddingMatrix(values: [], dimension: d) }
        var texts: [String] = []
        for case .text(let text) in inputs { texts.append(text) }

        var request = URLRequest(url: endpoint, timeoutInterval: 30)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONEncoder().encode(Request(texts: texts))
        let body: Data
        let response: URLResponse
        do {
            (body, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw EmbeddingError(.network, "cannot reach \(endpoint): \(error)", underlying: error)
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw EmbeddingError(.providerError, "\(endpoint) answered HTTP \(status)")
        }
        guard let answer = try? JSONDecoder().decode(Response.self, from: body),
            answer.vectors.count == inputs.count,
            answer.vectors.allSatisfy({ $0.count == d })
        else {
            throw EmbeddingError(.invalidResponse, "\(endpoint) did not send \(inputs.count) vectors of \(d) floats")
        }
        return try EmbeddingMatrix(values: ContiguousArray(answer.vectors.joined()), dimension: d).normalized()
    }
}

// MARK: - Test helpers

/// The batches an embedder was asked for: texts as they are, other inputs as `<modality>`.
private actor CallLog {
    private(set) var batches: [[String]] = []

    func record(_ batch: [EmbeddingInput]) {
        batches.append(
            batch.map {
                guard case .text(let text) = $0 else { return "<\($0.modality.rawValue)>" }
                return text
            }
        )
    }
}

/// A ``TrigramEmbedder`` that logs every batch it receives.
private struct LoggingTrigramEmbedder: Embedder {
    let base = TrigramEmbedder(dimension: 64)
    let log = CallLog()

    var space: EmbeddingSpace { base.space }
    var modalities: Set<Modality> { base.modalities }

    func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        await log.record(inputs)
        return try await base.embed(inputs)
    }
}

// MARK: - Tests

@Suite struct CustomEmbedderTests {
    private func norm(_ row: ArraySlice<Float>) -> Double {
        row.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
    }

    @Test func trigramRowsFollowTheInputsAndHaveUnitLength() async throws {
        let embedder = TrigramEmbedder(dimension: 64)
        #expect(embedder.space.description == "example/trigram-fnv1a@1 (64, l2)")
        let vectors = try await embedder.embed([.text("aaaa"), .text("a cat"), .text("AAAA"), .text("a cat")])
        #expect(vectors.count == 4 && vectors.dimension == 64)
        for row in 0..<vectors.count { expectApproximatelyEqual(norm(vectors[row]), 1, relativeTolerance: 1e-6) }
        // " aaaa " has the trigrams " aa", "aaa" (twice) and "aa ": FNV-1a puts them in buckets 33, 34 and 21.
        var expected = [Float](repeating: 0, count: 64)
        expected[33] = 1 / Float(6).squareRoot()
        expected[34] = 2 / Float(6).squareRoot()
        expected[21] = 1 / Float(6).squareRoot()
        expectApproximatelyEqual(Array(vectors[0]), expected, relativeTolerance: 1e-6)
        #expect(vectors[0] == vectors[2])  // lower-cased first
        #expect(vectors[1] == vectors[3])
        #expect(vectors[0] != vectors[1])
        // " a cat " has five trigrams in five different buckets.
        let cat = Array(vectors[1])
        #expect(cat.indices.filter { cat[$0] != 0 } == [5, 15, 24, 39, 46])
        expectApproximatelyEqual(cat.max()!, 1 / Float(5).squareRoot(), relativeTolerance: 1e-6)
        // The published 64-bit FNV-1a of "abc" is 0xe71fa2190541574b.
        #expect(TrigramEmbedder.bucket(Array("abc".unicodeScalars)[...], count: 1 << 32) == 0x0541_574B)
    }

    @Test func unsupportedModalityAndEmptyTextAreTypedErrors() async throws {
        let embedder: any Embedder = TrigramEmbedder()
        let image = Image(width: 1, height: 1, format: .gray, samples: .uint8([0]))
        let error = await #expect(throws: EmbeddingError.self) {
            try await embedder.embed([.text("a cat"), .image(image)])
        }
        #expect(error?.code == .unsupportedModality)
        #expect(error?.message.contains("input 1 is image") == true)
        #expect(error?.message.contains("example/trigram-fnv1a accepts text") == true)
        let empty = await #expect(throws: EmbeddingError.self) {
            try await embedder.embed([.text("a cat"), .text("")])
        }
        #expect(empty?.code == .invalidInput)
        #expect(empty?.message == "input 1 is an empty text")
        #expect(try await embedder.embed([]).count == 0)
    }

    @Test func cachingEmbedderCallsTheWrappedEmbedderOnlyForMisses() async throws {
        let logging = LoggingTrigramEmbedder()
        let cached = CachingEmbedder(logging, cache: try EmbeddingCache())
        #expect(cached.space == logging.base.space)
        let first = try await cached.embed([.text("a cat"), .text("a dog"), .text("a cat")])
        let second = try await cached.embed([.text("a dog"), .text("a cow"), .text("a cat")])
        let third = try await cached.embed([.text("a cow"), .text("a cat")])
        #expect(
            await logging.log.batches == [
                ["a cat", "a dog"],  // the repeated "a cat" is embedded once
                ["a cow"],  // only the miss
            ]
        )
        let direct = try await logging.base.embed([.text("a cat"), .text("a dog"), .text("a cow")])
        #expect(first.rows == [direct.rows[0], direct.rows[1], direct.rows[0]])
        #expect(second.rows == [direct.rows[1], direct.rows[2], direct.rows[0]])
        #expect(third.rows == [direct.rows[2], direct.rows[0]])
    }

    @Test func serviceEmbedderPostsTextsAndChecksTheAnswer() async throws {
        let server = LoopbackHTTPServer()
        server.route("POST", "/embed") { request in
            struct Body: Decodable { let texts: [String] }
            guard let body = try? JSONDecoder().decode(Body.self, from: Data(request.body)) else {
                return .text("bad request", status: 400)
            }
            if body.texts.contains("overloaded") { return .text("busy", status: 503) }
            // [count, 0, 0] per text; "short" makes the answer one vector short.
            let vectors = body.texts.filter { $0 != "short" }.map { "[\($0.count), 0, 0]" }
            return .text(
                "{\"vectors\": [\(vectors.joined(separator: ", "))]}",
                contentType: "application/json"
            )
        }
        try server.start()
        defer { server.stop() }
        let embedder = ServiceEmbedder(
            endpoint: server.baseURL.appendingPathComponent("embed"),
            model: "acme/embed-small",
            version: "2024-06",
            dimension: 3
        )
        #expect(embedder.space.description == "acme/embed-small@2024-06 (3, l2)")

        let vectors = try await embedder.embed([.text("a cat"), .text("a dog")])
        #expect(vectors.rows == [[1, 0, 0], [1, 0, 0]])
        let request = try #require(server.requests.first)
        #expect(request.header("Content-Type") == "application/json")
        #expect(
            try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: [String]]
                == ["texts": ["a cat", "a dog"]]
        )

        let busy = await #expect(throws: EmbeddingError.self) {
            try await embedder.embed([.text("overloaded")])
        }
        #expect(busy?.code == .providerError)
        let short = await #expect(throws: EmbeddingError.self) {
            try await embedder.embed([.text("a cat"), .text("short")])
        }
        #expect(short?.code == .invalidResponse)
        let image = Image(width: 1, height: 1, format: .gray, samples: .uint8([0]))
        let refused = await #expect(throws: EmbeddingError.self) { try await embedder.embed([.image(image)]) }
        #expect(refused?.code == .unsupportedModality)
        #expect(server.requests.count == 3)  // the image never reached the service
    }

    /// The article shows the two embedders above verbatim (after its import lines).
    @Test func articleExamplesAreTheseTwins() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let article = try String(
            contentsOf: root.appendingPathComponent(
                "Sources/Embedding/Embedding.docc/Articles/UsingYourOwnEmbedder.md"
            ),
            encoding: .utf8
        )
        let source = try String(contentsOf: here, encoding: .utf8)
        let blocks = article.components(separatedBy: "```swift\n").dropFirst().map {
            $0.components(separatedBy: "\n```").first ?? ""
        }
        for name in ["struct TrigramEmbedder: Embedder", "struct ServiceEmbedder: Embedder"] {
            let block = try #require(blocks.first { $0.contains(name) }, "the article has no \(name)")
            let code = block.components(separatedBy: "\n").drop {
                $0.hasPrefix("import ") || $0.hasPrefix("#if") || $0.hasPrefix("#endif") || $0.isEmpty
            }.joined(separator: "\n")
            #expect(code.hasPrefix("/// ") && code.contains(name) && code.hasSuffix("\n}"))
            let isTwin = source.contains(code)
            #expect(isTwin, "the article's \(name) differs from the one in this file")
        }
    }
}
