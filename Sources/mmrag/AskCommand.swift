// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// `mmrag ask`: retrieve from a collection, stream a chat model's answer grounded in what was found, then list the
/// sources it cited.
enum AskCommand {
    static let spec = CommandSpec(
        name: "ask",
        abstract: "Answer a question from a collection with a chat model, citing the sources it used.",
        arguments: [("QUESTION", "What to ask.")],
        options: [
            .value("collection", "DIR", "The collection folder (made by 'mmrag index')."),
            .value("image", "FILE", "Retrieve with this image instead of the question's text."),
            .value("limit", "N", "How many sources to retrieve (default 5)."),
            .value("vector", "NAME", "The named vector to search (default: the collection's first)."),
            .value("model", "ID_OR_PATH", "The embedding model (default: the one the collection was built with)."),
        ] + ChatProvider.commandOptions,
        synopsis:
            "QUESTION --collection DIR [--image FILE] [--limit N] [--chat PROVIDER[/MODEL]] [--base-url URL] "
            + "[--timeout SECONDS] [--vector NAME] [--model ID_OR_PATH]",
        discussion:
            "Hosted providers read their key from OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY / "
            + "GOOGLE_API_KEY; ollama reads OLLAMA_HOST (default http://localhost:11434)."
    )

    static func run(
        _ arguments: ParsedArguments,
        console: Console,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(ToolError) {
        let question = arguments.positionals[0]
        let folder = try arguments.required("collection", "DIR")
        let chat = try ChatProvider(arguments, environment: environment)
        let limit = try arguments.integer("limit", default: 5, in: 1...50)
        let (collection, vector) = try await Retrieve.prepare(folder, arguments, console: console)
        let concept: Concept =
            if let image = arguments.values["image"] {
                .image(try SearchCommand.decode(image) { try $0.decodeImage($1) })
            } else {
                .text(question)
            }
        var query = NearQuery(target: .init(vector: vector, concept))
        query.limit = limit
        let generator = GroundedGenerator(model: chat.chatModel())
        let what = "the chat model (\(chat.provider)/\(chat.model))"
        let sources: [GroundingSource]
        var text = ""
        do {
            sources = try await Retrieve.sources(query, in: collection)
            guard !sources.isEmpty else { throw ToolError.failure("the collection has nothing to answer from") }
            for try await event in generator.stream(task: question, sources: sources) {
                if case .text(let piece) = event {
                    text += piece
                    console.write(piece)
                }
            }
            if Task.isCancelled { throw ToolError(.interrupted, "interrupted") }
        } catch {
            if !text.isEmpty { console.write("\n") }
            throw ChatProvider.failure(error, doing: what)
        }
        console.write("\n")
        let citations = Citations(parsing: text, sourceCount: sources.count)
        console.print()
        console.print("Sources:")
        for (index, source) in sources.enumerated() {
            let cited = citations.cited.contains(index + 1) ? "cited" : "     "
            let name = source.properties[IndexSchema.name] ?? source.id
            let modality = source.properties[IndexSchema.modality] ?? "?"
            console.print(
                "  [\(index + 1)] \(cited)  \(modality.padding(toLength: 6, withPad: " ", startingAt: 0)) \(name)"
            )
        }
        if !citations.unknown.isEmpty {
            console.note(
                "note: the answer cites [\(citations.unknown.map(String.init).joined(separator: "], ["))], which name no source"
            )
        }
    }
}

/// What `ask` and `imagine` share: open the collection and attach the query embedder.
enum Retrieve {
    /// The collection with its embedder attached, and the name of the vector to search.
    static func prepare(
        _ folder: String,
        _ arguments: ParsedArguments,
        console: Console
    ) async throws(ToolError) -> (MultimodalCollection, String) {
        var collection = try await CollectionAccess.open(folder)
        let vector = try CollectionAccess.vector(arguments.values["vector"], in: collection)
        let model = try SearchCommand.modelName(arguments.values["model"], vector: vector)
        let embedder = try await ModelLoader(console: console).load(model)
        collection = try CollectionAccess.attaching(embedder, to: vector.name, in: collection)
        return (collection, vector.name)
    }

    /// The results of `query` as grounding sources; indexed images are read from where they were indexed and
    /// attached (files that moved or changed since are left out).
    static func sources(_ query: NearQuery, in collection: MultimodalCollection) async throws -> [GroundingSource] {
        try await collection.search(query).map { result in
            var source = GroundingSource(result)
            if result.object.properties[IndexSchema.modality]?.text == "image",
                let path = result.object.properties[IndexSchema.path]?.text,
                let bytes = try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path))),
                let mediaType = ChatImage.sniffMediaType(bytes)
            {
                source.images = [ChatImage(data: bytes, mediaType: mediaType)]
            }
            return source
        }
    }
}
