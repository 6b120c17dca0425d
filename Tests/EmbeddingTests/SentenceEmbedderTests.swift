// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

/// `bert-tiny` end to end: raw sentences through the WordPiece tokenizer, the model, mean pooling and
/// normalisation, against `embedding_golden.json`.
@Suite(.enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder"))
struct SentenceEmbedderTests {
    struct Golden: Decodable {
        let sentences: [String]
        let embeddings: [[Float]]
    }

    let folder: URL
    let golden: Golden

    init() throws {
        folder = try ModelFixture.shared("bert-tiny")
        golden = try snakeCaseDecoder.decode(
            Golden.self,
            from: Data(contentsOf: folder.appendingPathComponent("embedding_golden.json"))
        )
    }

    @Test("a cancelled task stops before the first batch with cancelled")
    func cancellation() async throws {
        let embedder = try await SentenceEmbedder(directory: folder)
        let inputs = golden.sentences.map(EmbeddingInput.text)
        let task = Task { () async throws -> EmbeddingMatrix in
            while !Task.isCancelled { await Task.yield() }  // starts the work only once cancelled
            return try await embedder.embed(inputs)
        }
        task.cancel()
        await expectEmbeddingError(.cancelled, mentioning: "texts") { _ = try await task.value }
    }

    @Test("raw sentences give the golden embeddings, batched or one at a time")
    func rawSentences() async throws {
        let embedder = try await SentenceEmbedder(directory: folder)
        #expect(embedder.modalities == [.text] && embedder.maxLength == 512)
        let weights = try SHA256.hash(Data(contentsOf: folder.appendingPathComponent("model.safetensors")))
        let space = EmbeddingSpace(
            modelID: "bert-tiny",
            revision: "sha256:" + weights.hexString,
            dimension: 32,
            normalization: .l2
        )
        #expect(embedder.space == space)
        let out = try await embedder.embed(golden.sentences.map { .text($0) })
        var report = ErrorReport("bert-tiny")
        for s in 0..<golden.sentences.count {
            report.record("abs", Compare.expectClose(out[s], golden.embeddings[s], tolerance: 1e-4, "sentence \(s)"))
            #expect(Compare.cosine(Array(out[s]), golden.embeddings[s]) >= 0.9999)
        }
        report.print()
        var single = embedder
        single.batchSize = 1
        let one = try await single.embed(golden.sentences.map { .text($0) })
        Compare.expectClose(one.values, out.values, tolerance: 1e-5, "one at a time")
    }

    @Test("texts are truncated to maxLength; images are refused with unsupportedModality")
    func truncationAndModalities() async throws {
        let model = try await BERTModel(directory: folder)
        let tokenizer = try WordPieceTokenizer(directory: folder)
        let short = SentenceEmbedder(model: model, tokenizer: tokenizer, maxLength: 8)
        #expect(short.maxLength == 8)
        let long = String(repeating: "the cat sat on the mat. ", count: 200)
        let truncated = try await short.embed([.text(long)])
        let expected = try model.sentenceEmbeddings([tokenizer.encode(long, maxLength: 8)])
        Compare.expectClose(truncated.values, expected.values, tolerance: 1e-6, "truncated")
        // Without a limit the tokenizer's 512 applies, so a 1000-token text still embeds.
        let full = try await SentenceEmbedder(directory: folder).embed([.text(long)])
        #expect(full.count == 1)
        let image = Image(width: 1, height: 1, format: .gray, samples: .uint8([0]))
        await expectEmbeddingError(.unsupportedModality) { _ = try await short.embed([.text("a"), .image(image)]) }
        let registry = try await ModelRegistry.standard.embedder(directory: folder)
        #expect(registry is SentenceEmbedder && registry.space == short.space)
    }

    @Test("a bad or missing tokenizer fails the folder load with the tokenizer's own code and message")
    func tokenizerFailures() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mmrag-sentence-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for name in ["config.json", "model.safetensors"] {
            try FileManager.default.createSymbolicLink(
                at: scratch.appendingPathComponent(name),
                withDestinationURL: folder.appendingPathComponent(name)
            )
        }
        await expectEmbeddingError(.notFound, mentioning: "no tokenizer.json or vocab.txt") {
            _ = try await SentenceEmbedder(directory: scratch)
        }
        try Data("not json".utf8).write(to: scratch.appendingPathComponent("tokenizer.json"))
        await expectEmbeddingError(.malformedJSON, mentioning: "tokenizer.json") {
            _ = try await SentenceEmbedder(directory: scratch)
        }
    }
}
