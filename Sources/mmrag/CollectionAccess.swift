// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG

/// Opening and creating the collections `mmrag` works on, with errors that say what to do.
enum CollectionAccess {
    /// Whether `folder` holds a collection (a snapshot written by ``MultimodalCollection/create(at:schema:options:)``).
    static func exists(_ folder: String) -> Bool {
        FileManager.default.fileExists(atPath: folder + "/snapshot")
    }

    /// Opens the collection in `folder` with `embedder` attached to `vector`, or creates it there.
    static func openOrCreate(
        _ folder: String,
        vector: String,
        embedder: any Embedder
    ) async throws(ToolError) -> MultimodalCollection {
        do {
            if exists(folder) {
                let collection = try await MultimodalCollection.open(at: folder, embedders: [vector: embedder])
                try IndexSchema.check(collection.schema, folder: folder)
                return collection
            }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return try await MultimodalCollection.create(
                at: folder,
                schema: try IndexSchema.make(vector: vector, embedder: embedder)
            )
        } catch let error as ToolError {
            throw error
        } catch {
            throw explain(error, folder: folder)
        }
    }

    /// Opens the collection in `folder` without embedders.
    static func open(_ folder: String) async throws(ToolError) -> MultimodalCollection {
        guard exists(folder) else { throw .failure("no collection in \(folder) (make one with 'mmrag index')") }
        do {
            return try await MultimodalCollection.open(at: folder)
        } catch {
            throw explain(error, folder: folder)
        }
    }

    /// The named vector `name`, or the collection's first.
    static func vector(_ name: String?, in collection: MultimodalCollection) throws(ToolError) -> NamedVector {
        guard let name else { return collection.schema.vectors[0] }
        guard let vector = collection.schema.vector(named: name) else {
            let names = collection.schema.vectors.map(\.name).joined(separator: ", ")
            throw .failure("the collection has no named vector '\(name)' (it has: \(names))")
        }
        return vector
    }

    /// The same collection with `embedder` attached to the named vector `name`.
    static func attaching(
        _ embedder: any Embedder,
        to name: String,
        in collection: MultimodalCollection
    ) throws(ToolError) -> MultimodalCollection {
        let vectors = collection.schema.vectors.map { vector in
            var vector = vector
            if vector.name == name { vector.embedder = embedder }
            return vector
        }
        guard let target = vectors.first(where: { $0.name == name }), target.space == embedder.space else {
            let stored = collection.schema.vector(named: name).map { "\($0.space)" } ?? "?"
            throw .failure(
                "the collection's vector '\(name)' holds vectors of \(stored), the model given makes \(embedder.space); "
                    + "pass the model it was built with (--model)"
            )
        }
        do {
            let schema = try CollectionSchema(properties: collection.schema.properties, vectors: vectors)
            return MultimodalCollection(schema: schema, store: collection.store, blobs: collection.blobs)
        } catch {
            throw .failure("cannot attach the model to '\(name)'", underlying: error)
        }
    }

    /// A one-line error for a failure to open or create `folder`.
    static func explain(_ error: any Error, folder: String) -> ToolError {
        guard let error = error as? RetrievalError else { return .failure("cannot open \(folder)", underlying: error) }
        switch error.code {
        case .locked:
            return .failure("another process is writing to the collection in \(folder); wait for it to finish")
        case .spaceMismatch:
            return .failure("\(error.message); pass the model the collection was built with (--model)")
        default:
            return .failure("cannot open the collection in \(folder)", underlying: error)
        }
    }
}
