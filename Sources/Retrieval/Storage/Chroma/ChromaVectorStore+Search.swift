// SPDX-License-Identifier: Apache-2.0

import Foundation
import VectorIndex
import _RAGHTTP

extension ChromaVectorStore {
    /// Candidates for a vector query: one Chroma `query` per target (with the filter as `where`), then, for several
    /// targets, one more per target for the distances of the other targets' candidates (restricted by `ids`).
    public func search(_ request: VectorStoreSearch) async throws -> [VectorStoreHit] {
        let slots = Dictionary(layout.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for target in request.targets {
            guard let slot = slots[target.vector] else {
                throw RetrievalError(.unknownVector, "the store has no named vector \"\(target.vector)\"")
            }
            guard target.query.count == slot.dimension else {
                throw RetrievalError(
                    .dimensionMismatch,
                    "the query for \"\(target.vector)\" has \(target.query.count) values, the space has "
                        + "\(slot.dimension)"
                )
            }
            guard target.query.allSatisfy(\.isFinite) else {
                throw RetrievalError(.invalidQuery, "the query for \"\(target.vector)\" is not finite")
            }
        }
        guard request.k > 0, !request.targets.isEmpty else { return [] }
        let clause = try request.filter.map { filter throws(RetrievalError) in try translator.translate(filter) }
        if case .none? = clause { return [] }
        var objects: [UUID: CollectionObject] = [:]
        var distances: [UUID: [String: Float]] = [:]
        var answered: [String: Set<UUID>] = [:]
        for target in request.targets {
            let hits = try await query(target, slot: slots[target.vector]!, clause: clause, ids: nil, n: request.k)
            for hit in hits {
                objects[hit.object.id] = hit.object
                distances[hit.object.id, default: [:]][target.vector] = hit.distance
                answered[target.vector, default: []].insert(hit.object.id)
            }
        }
        if request.targets.count > 1 {
            // Distances of other targets' candidates, computed here from their stored vectors: a Chroma `query`
            // restricted by `ids` fails with HTTP 500 ("Error finding id") when one of the ids has no vector there.
            for target in request.targets {
                let missing = objects.keys.filter { !(answered[target.vector]?.contains($0) ?? false) }
                guard !missing.isEmpty, let slot = slots[target.vector] else { continue }
                for (id, vector) in try await vectors(Array(missing), in: target.vector) {
                    distances[id, default: [:]][target.vector] = Self.distance(target.query, vector, slot.metric)
                }
            }
        }
        if request.includeVectors { try await attachVectors(&objects) }
        return objects.map { id, object in VectorStoreHit(object: object, distances: distances[id] ?? [:]) }
    }

    /// The distance in `metric` between a query and a stored vector, as the embedded store computes it.
    static func distance(_ query: [Float], _ vector: [Float], _ metric: Metric) -> Float {
        var dot = 0.0
        var queryNorm = 0.0
        var vectorNorm = 0.0
        var squared = 0.0
        for (a, b) in zip(query, vector) {
            let x = Double(a)
            let y = Double(b)
            dot += x * y
            queryNorm += x * x
            vectorNorm += y * y
            squared += (x - y) * (x - y)
        }
        switch metric {
        case .squaredL2: return Float(squared)
        case .innerProduct: return Float(-dot)
        case .cosine:
            let norms = (queryNorm * vectorNorm).squareRoot()
            return norms > 0 ? Float(max(1 - dot / norms, 0)) : 1
        }
    }

    private func query(
        _ target: VectorStoreSearch.Target,
        slot: VectorLayout,
        clause: ChromaWhere?,
        ids: [UUID]?,
        n: Int
    ) async throws(RetrievalError) -> [(object: CollectionObject, distance: Float)] {
        guard let collection = vectorIDs[target.vector] else { return [] }
        var fields: [(String, ChromaJSON)] = [
            ("query_embeddings", .array([.array(target.query.map(ChromaJSON.float))])),
            ("n_results", .int(Int64(n))),
            ("include", .array([.string("metadatas"), .string("distances")])),
        ]
        if case .clause(let json)? = clause { fields.append(("where", json)) }
        if let ids { fields.append(("ids", .array(ids.map { .string($0.uuidString) }))) }
        let answer = try await client.call(.post, path(collection, "query"), body: ChromaJSON.object(fields).encoded())
        guard let body = answer as? [String: Any],
            let metadatas = (body["metadatas"] as? [Any])?.first as? [Any],
            let distances = (body["distances"] as? [Any])?.first as? [Any],
            metadatas.count == distances.count
        else { throw RetrievalError(.store, "Chroma answered a query without matching metadatas and distances") }
        var hits: [(object: CollectionObject, distance: Float)] = []
        for (metadata, distance) in zip(metadatas, distances) {
            guard let distance = (distance as? NSNumber)?.doubleValue else {
                throw RetrievalError(.store, "Chroma answered a query with a distance that is not a number")
            }
            hits.append(
                (
                    try ChromaRows.object(fromMetadata: metadata),
                    ChromaRows.distance(chroma: distance, metric: slot.metric)
                )
            )
        }
        return hits
    }
}
