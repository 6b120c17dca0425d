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
            .value(
                "where",
                "EXPR",
                "Keep only objects that match, e.g. 'modality = image and bytes > 100000' or 'name like \"*cat*\"'."
            ),
            .value(
                "hybrid",
                "TEXT",
                "Fuse a keyword search for TEXT with the vector search (the vector search embeds TEXT when no other "
                    + "query is given)."
            ),
            .value("alpha", "A", "Weight of the vector search in --hybrid, 0…1 (default 0.75; 0 = keywords only)."),
        ],
        synopsis:
            "--collection DIR (--text TEXT | --image FILE | --audio FILE | --video FILE | --vector-of ID | --hybrid "
            + "TEXT) [--where EXPR] [--hybrid TEXT [--alpha A]] [--limit N] [--vector NAME] [--model ID_OR_PATH] "
            + "[--json]"
    )

    static let queryOptions = ["text", "image", "audio", "video", "vector-of"]

    static func run(_ arguments: ParsedArguments, console: Console) async throws(ToolError) {
        let folder = try arguments.required("collection", "DIR")
        let hybridText = arguments.values["hybrid"]
        let given = queryOptions.filter { arguments.values[$0] != nil }
        guard given.count == 1 || (given.isEmpty && hybridText != nil) else {
            throw .usage("give exactly one of --text, --image, --audio, --video, --vector-of (or --hybrid alone)")
        }
        let kind = given.first ?? "text"
        let query = arguments.values[kind] ?? hybridText!
        let alpha = try arguments.values["alpha"].map { (text) throws(ToolError) -> Double in
            guard hybridText != nil else { throw .usage("--alpha weighs the legs of --hybrid; give --hybrid TEXT") }
            guard let alpha = Double(text), (0...1).contains(alpha) else {
                throw .usage("--alpha must be a number from 0 to 1, not '\(text)'")
            }
            return alpha
        }
        let limit = try arguments.integer("limit", default: 10, in: 1...10_000)
        var collection = try await CollectionAccess.open(folder)
        let filter = try arguments.values["where"].map { (text) throws(ToolError) in
            try FilterExpression.parse(text, schema: collection.schema)
        }
        let vector = try CollectionAccess.vector(arguments.values["vector"], in: collection)
        let results: [QueryResult]
        do {
            let concept: Concept
            if kind == "vector-of" {
                concept = .object(try await objectID(query, in: collection))
            } else {
                // Attach the embedder unless only keywords count (--alpha 0 with --hybrid alone).
                if !(given.isEmpty && alpha == 0) {
                    let model = try modelName(arguments.values["model"], vector: vector)
                    let embedder = try await ModelLoader(console: console).load(model)
                    collection = try CollectionAccess.attaching(embedder, to: vector.name, in: collection)
                }
                switch kind {
                case "text": concept = .text(query)
                case "image": concept = .image(try decode(query) { try $0.decodeImage($1) })
                case "audio": concept = .audio(try decode(query) { try $0.decodeAudio($1) })
                default: concept = .video(try decode(query) { try $0.decodeVideo($1) })
                }
            }
            let target = NearQuery.Target(vector: vector.name, concept)
            if let hybridText {
                var hybrid = HybridQuery(hybridText, vector: target)
                hybrid.alpha = alpha ?? HybridFusion.defaultAlpha
                hybrid.filter = filter
                hybrid.limit = limit
                results = try await collection.search(hybrid)
            } else {
                var near = NearQuery(target: target)
                near.filter = filter
                near.limit = limit
                results = try await collection.search(near)
            }
        } catch let error as ToolError {
            throw error
        } catch let error as RetrievalError
            where [.unsupportedModality, .unknownProperty, .typeMismatch, .invalidQuery, .unsupported].contains(
                error.code
            )
        {
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
