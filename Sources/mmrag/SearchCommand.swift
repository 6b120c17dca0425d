// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// `mmrag search`: one query against a collection, as a ranked table or JSON lines.
enum SearchCommand {
    static let spec = CommandSpec(
        name: "search",
        abstract: "Search a collection with a text, an image, a sound, a video or a stored object.",
        options: [
            .value("collection", "DIR", "The collection folder (made by 'mmrag index')."),
            .value("text", "TEXT", "Find what matches this text."),
            .value("image", "FILE", "Find what looks like this image."),
            .value("audio", "FILE", "Find what matches this sound (needs a model that embeds audio)."),
            .value("video", "FILE", "Find what matches this video clip."),
            .value("vector-of", "ID", "Find what is near a stored object (its id, or its name)."),
            .value("limit", "N", "How many results (default 10)."),
            .value("vector", "NAME", "The named vector to search (default: the collection's first)."),
            .value(
                "model",
                "ID_OR_PATH",
                "The model to embed the query (default: the one the collection was built with)."
            ),
            .flag("json", "Print one JSON object per result instead of a table."),
            .value("where", "EXPR", "Filter by properties (not available yet)."),
            .value("hybrid", "TEXT", "Fuse keyword and vector search (not available yet)."),
            .value("alpha", "A", "Weight of the vector search in --hybrid (not available yet)."),
        ],
        synopsis:
            "--collection DIR (--text TEXT | --image FILE | --audio FILE | --video FILE | --vector-of ID) [--limit N] "
            + "[--vector NAME] [--model ID_OR_PATH] [--json]"
    )

    static let queryOptions = ["text", "image", "audio", "video", "vector-of"]

    static func run(_ arguments: ParsedArguments, console: Console) async throws(ToolError) {
        let folder = try arguments.required("collection", "DIR")
        let given = queryOptions.filter { arguments.values[$0] != nil }
        guard given.count == 1, let kind = given.first else {
            throw .usage("give exactly one of --text, --image, --audio, --video, --vector-of")
        }
        for option in ["where", "hybrid", "alpha"] where arguments.values[option] != nil {
            throw .failure(
                "--\(option) is not available yet: collection queries take no property filters or keyword fusion yet"
            )
        }
        let limit = try arguments.integer("limit", default: 10, in: 1...10_000)
        let query = arguments.values[kind]!
        var collection = try await CollectionAccess.open(folder)
        let vector = try CollectionAccess.vector(arguments.values["vector"], in: collection)
        let results: [QueryResult]
        do {
            if kind == "vector-of" {
                results = try await collection.near(
                    object: try await objectID(query, in: collection),
                    in: vector.name,
                    limit: limit
                )
            } else {
                let model = try modelName(arguments.values["model"], vector: vector)
                let embedder = try await ModelLoader(console: console).load(model)
                collection = try CollectionAccess.attaching(embedder, to: vector.name, in: collection)
                switch kind {
                case "text": results = try await collection.near(text: query, in: vector.name, limit: limit)
                case "image":
                    results = try await collection.near(
                        image: try decode(query) { try $0.decodeImage($1) },
                        in: vector.name,
                        limit: limit
                    )
                case "audio":
                    results = try await collection.near(
                        audio: try decode(query) { try $0.decodeAudio($1) },
                        in: vector.name,
                        limit: limit
                    )
                default:
                    results = try await collection.near(
                        video: try decode(query) { try $0.decodeVideo($1) },
                        in: vector.name,
                        limit: limit
                    )
                }
            }
        } catch let error as ToolError {
            throw error
        } catch let error as RetrievalError where error.code == .unsupportedModality {
            throw .failure(error.message)
        } catch {
            throw .failure("the search failed", underlying: error)
        }
        let table = ResultTable(results)
        if arguments.flags.contains("json") {
            for line in table.jsonLines() { console.print(line) }
        } else {
            for line in table.lines(indent: 0) { console.print(line) }
        }
    }

    /// The model to embed queries with: `--model`, else the hub repository the collection's space names.
    static func modelName(_ given: String?, vector: NamedVector) throws(ToolError) -> String {
        if let given { return given }
        let id = vector.space.modelID
        guard id.contains("/") else {
            throw .failure(
                "the collection was built with a local model folder named '\(id)'; pass it with --model PATH"
            )
        }
        return id
    }

    /// The id of the object `text` names: a UUID, or the name of an indexed file.
    static func objectID(_ text: String, in collection: MultimodalCollection) async throws -> UUID {
        if let id = UUID(uuidString: text) { return id }
        var cursor: UUID?
        while true {
            let page = try await collection.objects(after: cursor, limit: 1000)
            if let match = page.first(where: { $0.properties[IndexSchema.name]?.text == text }) { return match.id }
            guard let last = page.last else { break }
            cursor = last.id
        }
        throw ToolError.failure("no object with id or name '\(text)' in the collection")
    }

    /// Reads and decodes a query file.
    static func decode<T>(_ path: String, _ body: (MediaDecoder, [UInt8]) throws -> T) throws(ToolError) -> T {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw .failure("cannot read \(path)", underlying: error)
        }
        do { return try body(MediaDecoder(), bytes) } catch {
            throw .failure("cannot decode \(path)", underlying: error)
        }
    }
}
