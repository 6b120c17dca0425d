// SPDX-License-Identifier: Apache-2.0

public import Foundation
import VectorIndex
import _RAGHTTP

extension ChromaVectorStore {
    // MARK: - Writes

    /// Writes the batch: deletes (of the deleted ids and of the stored objects the puts replace), then the vectors,
    /// then the records.
    ///
    /// Every request is idempotent, so a retried request or a re-applied batch cannot duplicate anything. The
    /// batch is checked in full before the first request (known named vectors, dimensions, finite values, no
    /// zero vector under cosine, no `rag:` property names); a later put of the same id replaces an earlier one.
    /// - Throws: ``RetrievalError``: a check's code before anything is sent; `duplicateID` for an `insertsOnly`
    ///   batch with a stored id (checked just before writing, not atomically with it); `store` when a request
    ///   fails, after which part of the batch may be applied.
    public func apply(_ batch: VectorStoreBatch) async throws {
        var puts: [CollectionObject] = []
        var position: [UUID: Int] = [:]
        for object in batch.puts {
            if let at = position[object.id] {
                puts[at] = object
            } else {
                position[object.id] = puts.count
                puts.append(object)
            }
        }
        try validate(puts)
        let deletes = Array(Set(batch.deletes).subtracting(position.keys))
        // Chroma's upsert merges metadata into a stored record instead of replacing it, so a replaced object is
        // deleted first (or a property it no longer has would still match filters).
        let stored = puts.isEmpty ? [] : try await storedIDs(puts.map(\.id))
        if batch.insertsOnly, let first = stored.first {
            throw RetrievalError(.duplicateID, "an object with id \(first) is already stored")
        }
        let removed = deletes + stored
        try await delete(removed, from: recordsID)
        for vector in layout {
            if let collection = vectorIDs[vector.name] { try await delete(removed, from: collection) }
        }
        let metadata = puts.map { ChromaRows.metadata($0).encoded() }
        let ids = puts.map { ChromaJSON.string($0.id.uuidString).encoded() }
        let documents = puts.map { object -> [UInt8] in
            guard let name = configuration.documentProperty, case .text(let text)? = object.properties[name] else {
                return Array("null".utf8)
            }
            return ChromaJSON.string(text).encoded()
        }
        for vector in layout {
            guard let collection = vectorIDs[vector.name] else { continue }
            var rows: [ChromaRows.Row] = []
            for (i, object) in puts.enumerated() {
                guard let values = object.vectors[vector.name] else { continue }
                rows.append(
                    ChromaRows.Row(
                        id: ids[i],
                        embedding: ChromaRows.base64(values).encoded(),
                        metadata: metadata[i],
                        document: documents[i]
                    )
                )
            }
            try await upsert(rows, into: collection)
        }
        let placeholder = ChromaRows.base64([0]).encoded()
        let records = puts.indices.map { i in
            ChromaRows.Row(id: ids[i], embedding: placeholder, metadata: metadata[i], document: documents[i])
        }
        try await upsert(records, into: recordsID)
    }

    private func validate(_ puts: [CollectionObject]) throws(RetrievalError) {
        let slots = Dictionary(layout.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for object in puts {
            if let name = object.properties.keys.first(where: { $0.hasPrefix(ChromaRows.reservedPrefix) }) {
                throw RetrievalError(
                    .invalidObject,
                    "object \(object.id): property \"\(name)\" uses the prefix `rag:` that the Chroma adapter reserves"
                )
            }
            for (name, vector) in object.vectors {
                guard let slot = slots[name] else {
                    throw RetrievalError(
                        .unknownVector,
                        "object \(object.id) has a vector for \"\(name)\", which is not declared"
                    )
                }
                try slot.check(vector, object: object.id)
            }
        }
    }

    private func upsert(_ rows: [ChromaRows.Row], into collection: String) async throws(RetrievalError) {
        let bodies = try ChromaRows.upsertBodies(
            rows,
            maxCount: maxRecords,
            maxBytes: configuration.maxRequestBytes
        )
        for body in bodies { _ = try await client.call(.post, path(collection, "upsert"), body: body) }
    }

    private func delete(_ ids: [UUID], from collection: String) async throws(RetrievalError) {
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(start + maxRecords, ids.count)]
            let body = ChromaJSON.object([("ids", .array(chunk.map { .string($0.uuidString) }))])
            _ = try await client.call(.post, path(collection, "delete"), body: body.encoded())
            start += chunk.count
        }
    }

    // MARK: - Reads

    /// The objects under `ids`, with their vectors (`nil` for unknown ids).
    public func objects(_ ids: [UUID]) async throws -> [CollectionObject?] {
        var found: [UUID: CollectionObject] = [:]
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + maxRecords, ids.count)])
            let answer = try await get(recordsID, ids: chunk, include: ["metadatas"])
            let metadatas = answer["metadatas"] as? [Any] ?? []
            for metadata in metadatas {
                let object = try ChromaRows.object(fromMetadata: metadata)
                found[object.id] = object
            }
            start += chunk.count
        }
        try await attachVectors(&found)
        return ids.map { found[$0] }
    }

    /// Adds every named vector to the objects, one `get` per named vector.
    func attachVectors(_ objects: inout [UUID: CollectionObject]) async throws(RetrievalError) {
        guard !objects.isEmpty else { return }
        let ids = Array(objects.keys)
        for vector in layout {
            for (id, values) in try await vectors(ids, in: vector.name) { objects[id]?.vectors[vector.name] = values }
        }
    }

    /// The stored vectors of `ids` in one named vector (ids without one are left out).
    func vectors(_ ids: [UUID], in name: String) async throws(RetrievalError) -> [(UUID, [Float])] {
        guard let collection = vectorIDs[name] else { return [] }
        var found: [(UUID, [Float])] = []
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + maxRecords, ids.count)])
            let answer = try await get(collection, ids: chunk, include: ["embeddings"])
            let returned = answer["ids"] as? [String] ?? []
            let embeddings = answer["embeddings"] as? [Any] ?? []
            for (id, embedding) in zip(returned, embeddings) {
                guard let uuid = UUID(uuidString: id), let values = ChromaRows.vector(embedding) else { continue }
                found.append((uuid, values))
            }
            start += chunk.count
        }
        return found
    }

    /// Up to `limit` objects in ascending id order after `cursor`.
    ///
    /// Chroma has no sorted scan, so this lists every id (O(n) per page).
    public func objects(after cursor: UUID?, limit: Int) async throws -> [CollectionObject] {
        try await page(where: .all, after: cursor, limit: limit)
    }

    /// Up to `limit` objects passing `filter`, in ascending id order after `cursor`.
    public func objects(matching filter: Filter, after cursor: UUID?, limit: Int) async throws -> [CollectionObject] {
        try await page(where: try translator.translate(filter), after: cursor, limit: limit)
    }

    private func page(where clause: ChromaWhere, after cursor: UUID?, limit: Int) async throws -> [CollectionObject] {
        guard limit > 0 else { return [] }
        if case .none = clause { return [] }
        var ids: [UUID] = []
        let pageSize = 10_000
        while true {
            var fields: [(String, ChromaJSON)] = [
                ("include", .array([])), ("limit", .int(Int64(pageSize))), ("offset", .int(Int64(ids.count))),
            ]
            if case .clause(let json) = clause { fields.append(("where", json)) }
            let answer = try await client.call(.post, path(recordsID, "get"), body: ChromaJSON.object(fields).encoded())
            let page = (answer as? [String: Any])?["ids"] as? [String] ?? []
            ids += page.compactMap(UUID.init(uuidString:))
            if page.count < pageSize { break }
        }
        ids.sort(by: UUID.precedes)
        let start = cursor.map { cursor in ids.partitionPoint { UUID.precedes(cursor, $0) } } ?? 0
        let chosen = Array(ids[start..<min(start + limit, ids.count)])
        return try await objects(chosen).compactMap { $0 }
    }

    /// The number of objects.
    public func count() async throws -> Int {
        let answer = try await client.call(.get, path(recordsID, "count"))
        guard let count = (answer as? NSNumber)?.intValue else {
            throw RetrievalError(.store, "Chroma answered a count with something other than a number")
        }
        return count
    }

    /// Which of `keys` some object references (one small `get` per key).
    public func referencedBlobs(among keys: [String]) async throws -> Set<String> {
        var referenced = Set<String>()
        for key in Set(keys) {
            let body = ChromaJSON.object([
                ("where", .object([(ChromaRows.blobsKey, .object([("$contains", .string(key))]))])),
                ("limit", .int(1)), ("include", .array([])),
            ])
            let answer = try await client.call(.post, path(recordsID, "get"), body: body.encoded())
            if let ids = (answer as? [String: Any])?["ids"] as? [String], !ids.isEmpty { referenced.insert(key) }
        }
        return referenced
    }

    /// The ids among `ids` that have a record.
    func storedIDs(_ ids: [UUID]) async throws(RetrievalError) -> [UUID] {
        var stored: [UUID] = []
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + maxRecords, ids.count)])
            let answer = try await get(recordsID, ids: chunk, include: [])
            stored += (answer["ids"] as? [String] ?? []).compactMap(UUID.init(uuidString:))
            start += chunk.count
        }
        return stored
    }

    func get(_ collection: String, ids: [UUID], include: [String]) async throws(RetrievalError) -> [String: Any] {
        let body = ChromaJSON.object([
            ("ids", .array(ids.map { .string($0.uuidString) })),
            ("include", .array(include.map(ChromaJSON.string))),
        ])
        let answer = try await client.call(.post, path(collection, "get"), body: body.encoded())
        guard let fields = answer as? [String: Any] else {
            throw RetrievalError(.store, "Chroma answered a get with something other than an object")
        }
        return fields
    }
}
