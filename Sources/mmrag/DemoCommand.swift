// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// `mmrag demo`: loads a contrastive model, indexes the shipped samples and answers queries across modalities.
enum DemoCommand {
    static let spec = CommandSpec(
        name: "demo",
        abstract: "Index the sample photos, clip and texts, then search them across modalities.",
        options: [
            .value(
                "model",
                "ID_OR_PATH",
                "A hub model id or a local checkpoint folder (default \(ModelLoader.defaultModel))."
            ),
            .value(
                "keep",
                "DIR",
                "Build the collection in DIR and keep it (default: a temporary folder, removed after)."
            ),
        ],
        synopsis: "[--model ID_OR_PATH] [--keep DIR]",
        discussion: """
            The model is downloaded once into the Hugging Face cache (HF_HOME or HF_HUB_CACHE; HF_ENDPOINT for a mirror);
            offline, pass --model with a local checkpoint folder.
            """
    )

    /// One demo query: what is asked, and which modality the answers should have.
    enum Query {
        case text(String, want: String)
        case image(String, want: String)
        case video(String, want: String)
    }

    /// The fixed queries (paths relative to the samples folder).
    static let queries: [Query] = [
        .text("a photo of a cat", want: "image"),
        .text("a rocket launch", want: "image"),
        .text("a cup of coffee", want: "image"),
        .image("queries/cat-closeup.jpg", want: "image"),
        .image("collection/rocket.jpg", want: "text"),
        .video("collection/cat-pan.y4m", want: "image"),
    ]

    /// Refuses, before anything is indexed, a model that cannot embed both texts and images: every query table
    /// needs both.
    static func requireTextAndImages(_ embedder: any Embedder, model: String) throws(ToolError) {
        let missing = [Modality.text, .image].filter { !embedder.modalities.contains($0) }
        guard !missing.isEmpty else { return }
        var message =
            "the demo searches texts and images, but \(model) does not embed "
            + missing.map { $0 == .text ? "texts" : "images" }.joined(separator: " or ")
        if missing.contains(.text) {
            message += " (its folder has no tokenizer: vocab.json and merges.txt, or tokenizer.json)"
        }
        throw .failure(message)
    }

    static func run(_ arguments: ParsedArguments, console: Console) async throws(ToolError) {
        let samples = try SampleFiles.folder(environment: console.environment)
        let clock = ContinuousClock()
        let model = arguments.values["model"] ?? ModelLoader.defaultModel
        let loadStart = clock.now
        let embedder = try await ModelLoader(console: console).load(model)
        let loadSeconds = Indexer.seconds(clock.now - loadStart)
        try requireTextAndImages(embedder, model: model)
        let folder: String
        let temporary = arguments.values["keep"] == nil
        if let keep = arguments.values["keep"] {
            folder = keep
        } else {
            folder =
                FileManager.default.temporaryDirectory.appendingPathComponent("mmrag-demo-\(UUID().uuidString)").path
        }
        defer { if temporary { try? FileManager.default.removeItem(atPath: folder) } }
        let summary: Indexer.Summary
        let collection: MultimodalCollection
        do {
            collection = try await CollectionAccess.openOrCreate(
                folder,
                vector: IndexSchema.defaultVector,
                embedder: embedder
            )
            summary = try await Indexer(
                console: console,
                embedder: embedder,
                collection: collection,
                vector: IndexSchema.defaultVector
            ).run(folder: samples.appendingPathComponent("collection"))
        }
        if summary.interrupted { throw ToolError(.interrupted, "interrupted") }
        let total: Int
        do { total = try await collection.count() } catch {
            throw .failure("cannot count the collection", underlying: error)
        }
        let kinds = summary.added.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        console.print("model       \(describe(embedder.space)) — loaded in \(String(format: "%.1f", loadSeconds)) s")
        console.print(
            "collection  \(temporary ? "(temporary) " : "")\(folder) — \(total) objects"
                + (kinds.isEmpty ? "" : " (added \(kinds))")
                + " indexed in \(String(format: "%.2f", summary.seconds)) s"
        )
        for query in queries {
            console.print()
            let (title, results) = try await answer(query, collection: collection, samples: samples, limit: total)
            console.print(title)
            let want: String
            switch query {
            case .text(_, let w), .image(_, let w), .video(_, let w): want = w
            }
            for line in ResultTable(results, modality: want, limit: 3).lines() { console.print(line) }
        }
        if !temporary {
            console.print()
            console.print(
                "kept the collection in \(folder); try: mmrag search --collection \(folder) --text \"a horse\""
            )
        }
    }

    /// A space with its revision shortened: `clip-tiny@sha256:8322701140d7… (32, l2)`.
    static func describe(_ space: EmbeddingSpace) -> String {
        let revision = space.revision.count > 19 ? space.revision.prefix(19) + "…" : Substring(space.revision)
        return space.modelID + (revision.isEmpty ? "" : "@" + revision)
            + " (\(space.dimension), \(space.normalization.rawValue))"
    }

    private static func answer(
        _ query: Query,
        collection: MultimodalCollection,
        samples: URL,
        limit: Int
    ) async throws(ToolError) -> (String, [QueryResult]) {
        do {
            switch query {
            case .text(let text, let want):
                return ("text → \(want): \"\(text)\"", try await collection.near(text: text, limit: limit))
            case .image(let path, let want):
                let image = try SearchCommand.decode(samples.appendingPathComponent(path).path) {
                    try $0.decodeImage($1)
                }
                return ("image → \(want): \(path)", try await collection.near(image: image, limit: limit))
            case .video(let path, let want):
                let clip = try SearchCommand.decode(samples.appendingPathComponent(path).path) {
                    try $0.decodeVideo($1)
                }
                return ("video → \(want): \(path)", try await collection.near(video: clip, limit: limit))
            }
        } catch let error as ToolError {
            throw error
        } catch {
            throw .failure("a demo query failed", underlying: error)
        }
    }
}
