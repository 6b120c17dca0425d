// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGHTTP
import _RAGTestSupport

/// Downloads the shared fixture checkpoints through a fake hub and loads a tokenizer from the snapshot.
@Suite(.enabled(if: Fixtures.hasShared, "set MMRAG_FIXTURES to the shared fixture folder"))
final class HubClientFixtureTests {
    let cache: URL

    init() throws {
        cache = FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-hubfx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: cache) }

    /// A fake repository holding every file of a fixture folder; `*.safetensors` and `*.npy` are LFS files.
    static func repository(_ folder: String, as repo: String) throws -> FakeHub {
        let root = try Fixtures.shared("models/" + folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        let files = try names.map { name in
            FakeHub.File(
                path: name,
                bytes: try [UInt8](Data(contentsOf: root.appendingPathComponent(name))),
                isLFS: name.hasSuffix(".safetensors") || name.hasSuffix(".npy")
            )
        }
        return FakeHub(repo: repo, files: files)
    }

    @Test(arguments: [("clip-tiny-gelu-p16", "mmrag/clip-tiny-gelu-p16"), ("bert-tiny", "mmrag/bert-tiny")])
    func checkpointSnapshotMatchesTheFixture(folder: String, repo: String) async throws {
        let hub = try Self.repository(folder, as: repo)
        try hub.start()
        defer { hub.stop() }
        let client = HubClient(
            configuration: HubConfiguration(
                endpoint: hub.endpoint,
                cacheDirectory: cache,
                requestTimeout: .seconds(10)
            ),
            transport: URLSessionTransport()
        )
        let patterns = ["*.json", "*.safetensors", "*.txt"]
        let snapshot = try await client.snapshot(repo, matching: patterns)
        let wanted = hub.files.filter { file in patterns.contains { file.path.hasSuffix($0.dropFirst()) } }
        #expect(wanted.contains { $0.path == "model.safetensors" })
        for file in wanted {
            #expect(
                try [UInt8](Data(contentsOf: snapshot.appendingPathComponent(file.path))) == file.bytes,
                "\(file.path)"
            )
        }
        let present = try FileManager.default.contentsOfDirectory(atPath: snapshot.path).sorted()
        #expect(present == wanted.map(\.path).sorted())
        #expect(hub.storage.requests.count == wanted.filter(\.isLFS).count)

        // A second client finds everything in the cache.
        hub.hub.clearRequests()
        #expect(try await client.snapshot(repo, matching: patterns) == snapshot)
        #expect(hub.hub.requests.isEmpty)

        if folder == "bert-tiny" {
            let tokenizer = try WordPieceTokenizer(directory: snapshot)
            let reference = try WordPieceTokenizer(directory: try Fixtures.shared("models/bert-tiny"))
            let text = "Hello, hub-downloaded tokenizers!"
            #expect(tokenizer.encode(text) == reference.encode(text))

            // Download → load → embed: the snapshot feeds the native sentence embedder, which gives the goldens.
            let embedder = try await SentenceEmbedder(directory: snapshot)
            let golden = try snakeCaseDecoder.decode(
                SentenceEmbedderTests.Golden.self,
                from: Data(contentsOf: try Fixtures.shared("models/bert-tiny/embedding_golden.json"))
            )
            let out = try await embedder.embed(golden.sentences.map { .text($0) })
            for s in 0..<golden.sentences.count {
                Compare.expectClose(out[s], golden.embeddings[s], tolerance: 1e-4, "hub snapshot, sentence \(s)")
            }
            // One call: repo id → cached snapshot → embedder, through the registry.
            let oneLine = try await ModelRegistry.standard.embedder(hubModel: repo, hub: client)
            #expect(oneLine is SentenceEmbedder && oneLine.space == embedder.space)
            let missing = await #expect(throws: EmbeddingError.self) {
                try await ModelRegistry.standard.embedder(hubModel: "mmrag/no-such-model", hub: client)
            }
            // The hub's own error comes through as it is: an unknown repository is `notFound`, named in the message.
            #expect(missing?.code == .notFound && missing?.underlying == nil)
            #expect(missing?.message.contains("mmrag/no-such-model") == true)
        }
        if folder == "clip-tiny-gelu-p16" {
            // The CLIP checkpoint loads from the snapshot through the registry by its model_type.
            let embedder = try await ModelRegistry.standard.embedder(directory: snapshot)
            #expect(embedder is CLIPEmbedder)
            #expect(embedder.space.dimension > 0)
        }
    }
}
