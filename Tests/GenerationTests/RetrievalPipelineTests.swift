// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Generation
import MediaDecoding
import Retrieval
import Testing
import _RAGHTTP

/// Embeds text as the unit vector of its counts of `a`, `b` and `c`, so rankings are known in advance.
private struct LetterEmbedder: Embedder {
    var space: EmbeddingSpace { EmbeddingSpace(modelID: "letters", dimension: 3, normalization: .l2) }
    var modalities: Set<Modality> { [.text] }

    func embed(_ inputs: [EmbeddingInput]) async throws -> EmbeddingMatrix {
        try checkModalities(inputs)
        var values = ContiguousArray<Float>()
        for input in inputs {
            guard case .text(let text) = input else { continue }
            var row: [Float] = [0, 0, 0]
            for scalar in text.unicodeScalars where ("a"..."c").contains(scalar) {
                row[Int(scalar.value - 97)] += 1
            }
            let norm = max(row.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            values += row.map { $0 / norm }
        }
        return try EmbeddingMatrix(values: values, dimension: 3)
    }
}

/// The RAG pipeline end to end: a collection query, the packed prompt on the wire, the answer's citations.
@Suite struct RetrievalPipelineTests {
    static func photo(_ shade: UInt8) -> [UInt8] {
        PNGEncoder().encode(
            Image(width: 2, height: 2, format: .rgb, samples: .uint8([UInt8](repeating: shade, count: 12)))
        )
    }

    @Test func retrievesPacksAnswersAndCites() async throws {
        let schema = try CollectionSchema(
            properties: [Property("caption", .text), Property("year", .integer), Property("photo", .blob)],
            vectors: [NamedVector("text", embedder: LetterEmbedder(), sources: [VectorSource("caption")])]
        )
        let collection = try await MultimodalCollection.create(at: nil, schema: schema)
        let ids = try await collection.insert([
            ObjectInput(
                properties: ["caption": .text("aaaa harbour"), "year": .integer(1921)],
                blobs: ["photo": Self.photo(10)]
            ),
            ObjectInput(
                properties: ["caption": .text("bbbb railway"), "year": .integer(1930)],
                blobs: ["photo": Self.photo(20)]
            ),
            ObjectInput(
                properties: ["caption": .text("abab lighthouse"), "year": .integer(1934)],
                blobs: ["photo": Self.photo(30)]
            ),
        ])

        let reply =
            #"{"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Both face the sea [1], see also [3]."},"finish_reason":"stop"}],"usage":{"prompt_tokens":120,"completion_tokens":9,"total_tokens":129}}"#
        let transport = ScriptedStreamTransport([.body(Array(reply.utf8))])
        let model = OpenAIChatModel(model: "gpt-4o", apiKey: "k", imagePolicy: ImagePolicy(), transport: transport)
        let generator = GroundedGenerator(model: model, prompt: GroundedPrompt(sourceTemplate: "{caption} ({year})"))

        var query = NearQuery(target: .init(vector: "text", .text("a")))
        query.limit = 2
        let answer = try await generator.answer(
            task: "What do these have in common?",
            query: query,
            in: collection,
            imageProperties: ["photo"]
        )

        // "a" is nearest to "aaaa harbour" (cosine 1), then "abab lighthouse" (cosine 1/√2); "bbbb" is orthogonal.
        #expect(answer.sourceIDs == [ids[0].uuidString, ids[2].uuidString])
        #expect(answer.citedSourceIDs == [ids[0].uuidString])
        #expect(answer.unknownCitations == [3])
        #expect(answer.usage == TokenUsage(inputTokens: 120, outputTokens: 9, totalTokens: 129))

        let sent = try body(transport.requests.first)
        #expect(sent["messages"][0]["content"] == .string(GroundedPrompt.defaultSystem))
        let parts = try #require(sent["messages"][1]["content"].array)
        let expectedText =
            "Sources:\n[1] aaaa harbour (1921)\n[2] abab lighthouse (1934)\n\nTask: What do these have in common?"
        let image1 = "data:image/png;base64,\(Data(Self.photo(10)).base64EncodedString())"
        let image2 = "data:image/png;base64,\(Data(Self.photo(30)).base64EncodedString())"
        #expect(
            parts == [
                ["type": "text", "text": .string(expectedText)], ["type": "text", "text": "Image from source [1]:"],
                ["type": "image_url", "image_url": ["url": .string(image1)]],
                ["type": "text", "text": "Image from source [2]:"],
                ["type": "image_url", "image_url": ["url": .string(image2)]],
            ]
        )
    }

    /// What the pipeline gives over `collection` for the same question: the sources, the cited ones, the prompt.
    private func ask(_ collection: MultimodalCollection) async throws -> ([String], [String], [UInt8]) {
        let reply =
            #"{"id":"c2","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"The harbour [1] and the lighthouse [3]."},"finish_reason":"stop"}]}"#
        let transport = ScriptedStreamTransport([.body(Array(reply.utf8))])
        let model = OpenAIChatModel(model: "gpt-4o", apiKey: "k", imagePolicy: ImagePolicy(), transport: transport)
        let generator = GroundedGenerator(model: model, prompt: GroundedPrompt(sourceTemplate: "{caption} ({year})"))
        var query = NearQuery(target: .init(vector: "text", .text("aab")))
        query.limit = 3
        query.filter = .greaterThan("year", .integer(1920))
        let answer = try await generator.answer(
            task: "Which of these face the sea?",
            query: query,
            in: collection,
            imageProperties: ["photo"]
        )
        return (answer.sourceIDs, answer.citedSourceIDs, try #require(transport.requests.first?.body))
    }

    @Test(
        "a collection on a Chroma server gives the same sources, prompt and citations as the embedded one",
        .enabled(if: ProcessInfo.processInfo.environment["MMRAG_CHROMA_URL"] != nil, "needs MMRAG_CHROMA_URL")
    )
    func sameCitationsOverChroma() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["MMRAG_CHROMA_URL"].flatMap(URL.init(string:)))
        let schema = try CollectionSchema(
            properties: [Property("caption", .text), Property("year", .integer), Property("photo", .blob)],
            vectors: [NamedVector("text", embedder: LetterEmbedder(), sources: [VectorSource("caption")])]
        )
        let objects = [
            ("aaaa harbour", 1921), ("bbbb railway", 1930), ("abab lighthouse", 1934), ("aaab quay", 1911),
            ("cccc mill", 1925), ("aabc pier", 1950),
        ].enumerated().map { i, object in
            ObjectInput(
                id: UUID(uuid: (0xE2, 0xE0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(i))),
                properties: ["caption": .text(object.0), "year": .integer(Int64(object.1))],
                blobs: ["photo": Self.photo(UInt8(10 * i))]
            )
        }
        let embedded = try await MultimodalCollection.create(at: nil, schema: schema)
        _ = try await embedded.insert(objects)
        let configuration = ChromaVectorStore.Configuration(
            baseURL: url,
            database: "swift-tests",
            collection: "rag-" + UUID().uuidString.lowercased()
        )
        let store = try await ChromaVectorStore.connect(configuration, schema: schema)
        let remote = MultimodalCollection(schema: schema, store: store, blobs: MemoryBlobStore())
        _ = try await remote.insert(objects)
        defer { Task { try? await store.deleteCollections() } }

        let (sources, cited, prompt) = try await ask(embedded)
        // Letter counts (a, b, c) against "aab" = (2, 1, 0): "aaab quay" (4, 1, 0) is nearest but filtered out (1911);
        // then "aaaa harbour" (5, 1, 0) 0.965, "abab lighthouse" (2, 2, 0) 0.949, "aabc pier" (2, 1, 1) 0.913.
        #expect(sources == [0, 2, 5].map { objects[$0].id!.uuidString })
        #expect(cited == [0, 5].map { objects[$0].id!.uuidString })
        let (remoteSources, remoteCited, remotePrompt) = try await ask(remote)
        #expect(remoteSources == sources)
        #expect(remoteCited == cited)
        #expect(remotePrompt == prompt)
    }

    @Test func queryResultsBecomeSourcesWithTextProperties() async throws {
        let schema = try CollectionSchema(
            properties: [
                Property("caption", .text), Property("tags", .textArray), Property("score", .double),
                Property("seen", .bool), Property("photo", .blob), Property("notes", .blob),
            ],
            vectors: [NamedVector("text", embedder: LetterEmbedder(), sources: [VectorSource("caption")])]
        )
        let collection = try await MultimodalCollection.create(at: nil, schema: schema)
        let id = try await collection.insert(
            ObjectInput(
                properties: [
                    "caption": .text("abc"), "tags": .textArray(["sea", "night"]), "score": .double(0.5),
                    "seen": .bool(true),
                ],
                blobs: ["photo": Self.photo(1), "notes": Array("plain text".utf8)]
            )
        )
        var query = NearQuery(target: .init(vector: "text", .text("abc")))
        query.includeBlobs = ["photo", "notes"]
        let result = try #require(try await collection.search(query).first)
        let source = GroundingSource(result, imageProperties: ["photo", "notes"])
        #expect(source.id == id.uuidString)
        #expect(source.properties == ["caption": "abc", "tags": "sea, night", "score": "0.5", "seen": "true"])
        #expect(source.images == [ChatImage(data: Self.photo(1), mediaType: "image/png")])  // notes is not an image
    }
}
