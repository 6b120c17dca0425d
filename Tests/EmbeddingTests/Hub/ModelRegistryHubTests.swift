// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGHTTP
import _RAGTestSupport

/// ``ModelRegistry/embedder(hubModel:revision:hub:progress:)`` against a fake hub serving a tiny random BERT: the
/// embedder's space names the repository and the commit the hub served.
@Suite final class ModelRegistryHubTests {
    let cache: URL

    init() throws {
        cache = FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: cache) }

    static let repo = "tiny-org/tiny-bert"

    /// The tensors of a one-layer BERT (hidden size 4, two heads, six-word vocabulary) with seeded random values.
    static func tinyBERTTensors(seed: UInt64) -> [(name: String, shape: [Int], values: [Float])] {
        var generator = SeededGenerator(seed: seed)
        var tensors: [(name: String, shape: [Int], values: [Float])] = []
        func add(_ name: String, _ shape: [Int]) {
            let count = shape.reduce(1, *)
            tensors.append((name, shape, (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }))
        }
        add("embeddings.word_embeddings.weight", [6, 4])
        add("embeddings.position_embeddings.weight", [8, 4])
        add("embeddings.token_type_embeddings.weight", [2, 4])
        let layer = "encoder.layer.0."
        let norms = ["embeddings.LayerNorm", layer + "attention.output.LayerNorm", layer + "output.LayerNorm"]
        for norm in norms {
            add(norm + ".weight", [4])
            add(norm + ".bias", [4])
        }
        for linear in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
            add(layer + linear + ".weight", [4, 4])
            add(layer + linear + ".bias", [4])
        }
        add(layer + "intermediate.dense.weight", [8, 4])
        add(layer + "intermediate.dense.bias", [8])
        add(layer + "output.dense.weight", [4, 8])
        add(layer + "output.dense.bias", [4])
        return tensors
    }

    /// A safetensors file holding `tensors`.
    static func safetensors(_ tensors: some Sequence<(name: String, shape: [Int], values: [Float])>) -> [UInt8] {
        var builder = SafetensorsBuilder()
        for tensor in tensors { builder.add(tensor.name, shape: tensor.shape, floats: tensor.values) }
        return [UInt8](builder.data())
    }

    /// The configuration and vocabulary of the tiny BERT.
    static let tinyBERTConfiguration: [FakeHub.File] = [
        FakeHub.File(
            path: "config.json",
            bytes: Array(
                """
                {"model_type": "bert", "vocab_size": 6, "hidden_size": 4, "num_hidden_layers": 1,
                 "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 8, "type_vocab_size": 2}
                """.utf8
            ),
            isLFS: false
        ),
        FakeHub.File(path: "vocab.txt", bytes: Array("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n".utf8), isLFS: false),
    ]

    /// The files of the tiny BERT with its weights in `model.safetensors`.
    static func tinyBERTFiles(seed: UInt64) -> [FakeHub.File] {
        tinyBERTConfiguration + [
            FakeHub.File(path: "model.safetensors", bytes: safetensors(tinyBERTTensors(seed: seed)), isLFS: true)
        ]
    }

    func client(_ hub: FakeHub, policy: HubConfiguration.CachePolicy = .preferCache) -> HubClient {
        HubClient(
            configuration: HubConfiguration(
                endpoint: hub.endpoint,
                cacheDirectory: cache,
                cachePolicy: policy,
                requestTimeout: .seconds(10)
            ),
            transport: URLSessionTransport()
        )
    }

    @Test func hubModelSpaceRecordsTheServedCommit() async throws {
        let commit = "c0ffee0000000000000000000000000000000001"
        let hub = FakeHub(repo: Self.repo, files: Self.tinyBERTFiles(seed: 1), commit: commit)
        try hub.start()
        defer { hub.stop() }
        let embedder = try await ModelRegistry.standard.embedder(hubModel: Self.repo, hub: client(hub))
        #expect(embedder is SentenceEmbedder)
        #expect(embedder.space.revision == commit)
        #expect(
            embedder.space
                == EmbeddingSpace(modelID: Self.repo, revision: commit, dimension: 4, normalization: .l2)
        )
        #expect(embedder.space.description == "tiny-org/tiny-bert@\(commit) (4, l2)")
        let vector = try await embedder.embed(.text("hello"))
        #expect(vector.count == 4)

        // Loading the snapshot folder directly names the model the same way.
        let snapshot = cache.appendingPathComponent("models--tiny-org--tiny-bert/snapshots/\(commit)")
        #expect(try await SentenceEmbedder(directory: snapshot).space == embedder.space)
        #expect(try await BERTModel(directory: snapshot).revision == commit)
    }

    @Test func aNewCommitChangesTheSpaceAndTheCacheKeys() async throws {
        let first = FakeHub(
            repo: Self.repo,
            files: Self.tinyBERTFiles(seed: 1),
            commit: "1111111111111111111111111111111111111111"
        )
        try first.start()
        let before = try await ModelRegistry.standard.embedder(hubModel: Self.repo, hub: client(first))
        first.stop()

        // The repository moves on: `main` now points to a commit with retrained weights.
        let second = FakeHub(
            repo: Self.repo,
            files: Self.tinyBERTFiles(seed: 2),
            commit: "2222222222222222222222222222222222222222"
        )
        try second.start()
        defer { second.stop() }
        let after = try await ModelRegistry.standard.embedder(
            hubModel: Self.repo,
            hub: client(second, policy: .revalidate)
        )
        #expect(before.space.revision == first.commit)
        #expect(after.space.revision == second.commit)
        #expect(before.space.modelID == after.space.modelID)
        #expect(before.space != after.space)
        let input = EmbeddingInput.text("hello")
        #expect(
            try EmbeddingCacheKey(space: before.space, input: input)
                != EmbeddingCacheKey(space: after.space, input: input)
        )
    }

    @Test func onlyHubSnapshotFoldersNameARevision() async throws {
        let files = Self.tinyBERTFiles(seed: 3)
        func folder(_ relative: String) throws -> URL {
            let url = cache.appendingPathComponent(relative, isDirectory: true)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            for file in files { try Data(file.bytes).write(to: url.appendingPathComponent(file.path)) }
            return url
        }
        let sha = "0123456789abcdef0123456789abcdef01234567"
        // A huggingface_hub cache written by Python, with a legacy repository id that has no namespace.
        let legacy = try await BERTModel(directory: folder("models--bert-base-uncased/snapshots/\(sha)"))
        #expect(legacy.modelID == "bert-base-uncased" && legacy.revision == sha)
        // Not a commit hash, not a snapshots folder, not a models-- folder: named by the folder, at the digest of
        // its weights.
        let weights = try #require(files.first { $0.path == "model.safetensors" })
        let digest = "sha256:" + SHA256.hash(weights.bytes).hexString
        let tag = try await BERTModel(directory: folder("models--org--name/snapshots/v1.0"))
        #expect(tag.modelID == "v1.0" && tag.revision == digest)
        let plain = try await BERTModel(directory: folder("models--org--name/checkouts/\(sha)"))
        #expect(plain.modelID == sha && plain.revision == digest)
        let other = try await BERTModel(directory: folder("datasets--org--name/snapshots/\(sha)"))
        #expect(other.modelID == sha && other.revision == digest)
    }

    /// The storage paths the fake hub served: one `/lfs/<etag>` per blob download.
    private func downloadedBlobs(_ hub: FakeHub) -> Set<String> {
        Set(hub.storage.requests.filter { $0.method == "GET" }.map(\.path))
    }

    @Test("only model.safetensors (or the variant asked for) is downloaded, not other weight files")
    func downloadsOneWeightFile() async throws {
        let tensors = Self.tinyBERTTensors(seed: 4)
        let weights = FakeHub.File(path: "model.safetensors", bytes: Self.safetensors(tensors), isLFS: true)
        let reordered = Self.safetensors(tensors.reversed())
        let half = FakeHub.File(path: "model.fp16.safetensors", bytes: reordered, isLFS: true)
        let pickle = FakeHub.File(path: "pytorch_model.bin", bytes: Array(repeating: 7, count: 4096), isLFS: true)
        let onnx = FakeHub.File(path: "onnx/model.safetensors", bytes: Array(repeating: 9, count: 2048), isLFS: true)
        let hub = FakeHub(repo: Self.repo, files: Self.tinyBERTConfiguration + [weights, half, pickle, onnx])
        try hub.start()
        defer { hub.stop() }
        let plain = try await ModelRegistry.standard.embedder(hubModel: Self.repo, hub: client(hub))
        #expect(downloadedBlobs(hub) == ["/lfs/\(weights.etag)"])
        let fp16 = try await ModelRegistry.standard.embedder(hubModel: Self.repo, variant: "fp16", hub: client(hub))
        #expect(downloadedBlobs(hub) == ["/lfs/\(weights.etag)", "/lfs/\(half.etag)"])
        // Same tensors in another order: the same embedding.
        #expect(try await plain.embed(.text("hello")) == fp16.embed(.text("hello")))
    }

    @Test("a sharded checkpoint downloads exactly the shards its index names and embeds as the single file does")
    func downloadsTheIndexedShards() async throws {
        let tensors = Self.tinyBERTTensors(seed: 5)
        let first = FakeHub.File(
            path: "model-00001-of-00002.safetensors",
            bytes: Self.safetensors(tensors.prefix(7)),
            isLFS: true
        )
        let second = FakeHub.File(
            path: "model-00002-of-00002.safetensors",
            bytes: Self.safetensors(tensors.dropFirst(7)),
            isLFS: true
        )
        let stray = FakeHub.File(path: "model-old.safetensors", bytes: Array(repeating: 1, count: 512), isLFS: true)
        let map = tensors.enumerated().map { i, t in "\"\(t.name)\": \"\(i < 7 ? first.path : second.path)\"" }
        let index = FakeHub.File(
            path: "model.safetensors.index.json",
            bytes: Array("{\"metadata\": {}, \"weight_map\": {\(map.joined(separator: ", "))}}".utf8),
            isLFS: false
        )
        let hub = FakeHub(repo: Self.repo, files: Self.tinyBERTConfiguration + [index, first, second, stray])
        try hub.start()
        defer { hub.stop() }
        let sharded = try await ModelRegistry.standard.embedder(hubModel: Self.repo, hub: client(hub))
        #expect(downloadedBlobs(hub) == ["/lfs/\(first.etag)", "/lfs/\(second.etag)"])

        let single = FakeHub(
            repo: "tiny-org/tiny-bert-single",
            files: Self.tinyBERTConfiguration + [
                FakeHub.File(path: "model.safetensors", bytes: Self.safetensors(tensors), isLFS: true)
            ]
        )
        try single.start()
        defer { single.stop() }
        let whole = try await ModelRegistry.standard.embedder(hubModel: single.repo, hub: client(single))
        #expect(try await sharded.embed(.text("hello")) == whole.embed(.text("hello")))
    }

    @Test("a repository without safetensors gets pytorch_model.bin (or its indexed shards), and embeds the same")
    func fallsBackToPyTorchWeights() async throws {
        let tensors = Self.tinyBERTTensors(seed: 6)
        let bin = FakeHub.File(
            path: "pytorch_model.bin",
            bytes: [UInt8](PyTorchArchiveBuilder.floats(tensors).data()),
            isLFS: true
        )
        let onnx = FakeHub.File(path: "onnx/model.onnx", bytes: Array(repeating: 9, count: 2048), isLFS: true)
        let hub = FakeHub(repo: Self.repo, files: Self.tinyBERTConfiguration + [bin, onnx])
        try hub.start()
        defer { hub.stop() }
        let fromBin = try await ModelRegistry.standard.embedder(hubModel: Self.repo, hub: client(hub))
        #expect(downloadedBlobs(hub) == ["/lfs/\(bin.etag)"])

        let first = FakeHub.File(
            path: "pytorch_model-00001-of-00002.bin",
            bytes: [UInt8](PyTorchArchiveBuilder.floats(Array(tensors.prefix(7))).data()),
            isLFS: true
        )
        let second = FakeHub.File(
            path: "pytorch_model-00002-of-00002.bin",
            bytes: [UInt8](PyTorchArchiveBuilder.floats(Array(tensors.dropFirst(7))).data()),
            isLFS: true
        )
        let map = tensors.enumerated().map { i, t in "\"\(t.name)\": \"\(i < 7 ? first.path : second.path)\"" }
        let index = FakeHub.File(
            path: "pytorch_model.bin.index.json",
            bytes: Array("{\"weight_map\": {\(map.joined(separator: ", "))}}".utf8),
            isLFS: false
        )
        let sharded = FakeHub(
            repo: "tiny-org/tiny-bert-shards",
            files: Self.tinyBERTConfiguration + [index, first, second]
        )
        try sharded.start()
        defer { sharded.stop() }
        let fromShards = try await ModelRegistry.standard.embedder(hubModel: sharded.repo, hub: client(sharded))
        #expect(downloadedBlobs(sharded) == ["/lfs/\(first.etag)", "/lfs/\(second.etag)"])

        let single = FakeHub(
            repo: "tiny-org/tiny-bert-single",
            files: Self.tinyBERTConfiguration + [
                FakeHub.File(path: "model.safetensors", bytes: Self.safetensors(tensors), isLFS: true)
            ]
        )
        try single.start()
        defer { single.stop() }
        let reference = try await ModelRegistry.standard.embedder(hubModel: single.repo, hub: client(single))
        let expected = try await reference.embed(.text("hello"))
        #expect(try await fromBin.embed(.text("hello")) == expected)
        #expect(try await fromShards.embed(.text("hello")) == expected)
    }
}
