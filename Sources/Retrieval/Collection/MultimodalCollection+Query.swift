// SPDX-License-Identifier: Apache-2.0

import Embedding
public import MediaDecoding
import VectorIndex

public import struct Foundation.UUID

extension MultimodalCollection {
    // MARK: - One concept

    /// The objects nearest to a text, in `vector` (the first named vector when `nil`).
    ///
    /// - Throws: ``RetrievalError/Code/unsupportedModality`` when the named vector's embedder does not embed
    ///   text, and what ``search(_:)-(NearQuery)`` throws.
    public func near(
        text: String,
        in vector: String? = nil,
        limit: Int = 10
    ) async throws(RetrievalError) -> [QueryResult] {
        try await near(.text(text), in: vector, limit: limit)
    }

    /// The objects nearest to an image.
    public func near(
        image: Image,
        in vector: String? = nil,
        limit: Int = 10
    ) async throws(RetrievalError) -> [QueryResult] {
        try await near(.image(image), in: vector, limit: limit)
    }

    /// The objects nearest to a sound.
    public func near(
        audio: AudioBuffer,
        in vector: String? = nil,
        limit: Int = 10
    ) async throws(RetrievalError) -> [QueryResult] {
        try await near(.audio(audio), in: vector, limit: limit)
    }

    /// The objects nearest to a video clip.
    public func near(
        video: VideoClip,
        in vector: String? = nil,
        limit: Int = 10
    ) async throws(RetrievalError) -> [QueryResult] {
        try await near(.video(video), in: vector, limit: limit)
    }

    /// The objects nearest to a vector of the named vector's space.
    public func near(
        vector: [Float],
        in name: String? = nil,
        limit: Int = 10
    ) async throws(RetrievalError) -> [QueryResult] {
        try await near(.vector(vector), in: name, limit: limit)
    }

    /// The objects nearest to a stored object (the object itself comes first).
    public func near(
        object: UUID,
        in vector: String? = nil,
        limit: Int = 10
    ) async throws(RetrievalError) -> [QueryResult] {
        try await near(.object(object), in: vector, limit: limit)
    }

    private func near(_ concept: Concept, in vector: String?, limit: Int) async throws(RetrievalError) -> [QueryResult]
    {
        var query = NearQuery(target: .init(vector: vector, concept))
        query.limit = limit
        return try await search(query)
    }

    // MARK: - Any query

    /// Runs a vector query: embeds each target's concepts, searches every target among the objects that pass the
    /// filter, joins their distances, then applies the distance and certainty limits, reranking, diversity, the
    /// offset, the limit and autocut.
    ///
    /// - Throws: ``RetrievalError/Code/invalidQuery`` for no targets, a repeated target, a negative limit or
    ///   offset, or a weight that is not finite; ``RetrievalError/Code/unknownVector``;
    ///   ``RetrievalError/Code/unsupportedModality`` naming what the embedder accepts;
    ///   ``RetrievalError/Code/dimensionMismatch`` for a vector of another length; ``RetrievalError/Code/notFound``
    ///   for a `.object` concept whose object (or its vector) does not exist; ``RetrievalError/Code/unknownProperty``
    ///   or ``RetrievalError/Code/typeMismatch`` for a filter that does not fit the schema.
    public func search(_ query: NearQuery) async throws(RetrievalError) -> [QueryResult] {
        let shaping = try ResultShaping(query)
        if let filter = query.filter { try schema.validate(filter) }
        let targets = try await resolve(query.targets)
        guard query.limit > 0 else { return [] }
        let candidates = try await vectorCandidates(
            targets,
            join: query.join,
            k: shaping.pool,
            filter: query.filter,
            includeVectors: shaping.fetchesVectors,
            maxDistance: query.maxDistance,
            certainty: query.certainty
        )
        return try await finish(
            candidates,
            shaping,
            queryText: query.targets.lazy.compactMap(\.firstText).first,
            queryVector: targets.first.map { ($0.vector, $0.query) }
        )
    }

    /// The query vector of each target, checked: at least one target, each named vector once.
    func resolve(_ targets: [NearQuery.Target]) async throws(RetrievalError) -> [VectorStoreSearch.Target] {
        guard !targets.isEmpty else { throw RetrievalError(.invalidQuery, "a query needs at least one target") }
        var resolved: [VectorStoreSearch.Target] = []
        for target in targets {
            let vector = try namedVector(target.vector)
            guard !resolved.contains(where: { $0.vector == vector.name }) else {
                throw RetrievalError(.invalidQuery, "named vector \"\(vector.name)\" is targeted twice")
            }
            resolved.append(
                VectorStoreSearch.Target(vector: vector.name, query: try await queryVector(target, in: vector))
            )
        }
        return resolved
    }

    /// The `k` best objects of a vector search among those passing `filter`, best first, joined over the
    /// targets and cut by distance and certainty.
    func vectorCandidates(
        _ targets: [VectorStoreSearch.Target],
        join strategy: TargetJoin,
        k: Int,
        filter: Filter?,
        includeVectors: Bool,
        maxDistance: Float?,
        certainty: Float?
    ) async throws(RetrievalError) -> [QueryResult] {
        guard k > 0 else { return [] }
        let hits = try await rethrowing {
            try await self.store.search(
                VectorStoreSearch(targets: targets, k: k, includeVectors: includeVectors, filter: filter)
            )
        }
        let names = targets.map(\.vector)
        let allCosine = names.allSatisfy { name in schema.vector(named: name)?.layout.reportedMetric == .cosine }
        var joined = try join(hits, targets: names, strategy: strategy)
        joined.sort {
            $0.distance < $1.distance
                || ($0.distance == $1.distance && UUID.precedes($0.hit.object.id, $1.hit.object.id))
        }
        if let maxDistance { joined.removeAll { $0.distance > maxDistance } }
        if let certainty {
            guard allCosine else { throw RetrievalError(.invalidQuery, "certainty needs cosine distances") }
            joined.removeAll { 1 - $0.distance / 2 < certainty }
        }
        return joined.prefix(k).map { entry in
            QueryResult(
                object: entry.hit.object,
                score: allCosine ? 1 - entry.distance : -entry.distance,
                distance: entry.distance,
                certainty: allCosine ? 1 - entry.distance / 2 : nil,
                distances: entry.hit.distances,
                matchedTarget: entry.hit.distances.min { $0.value < $1.value }?.key ?? names[0]
            )
        }
    }

    /// One query vector for a target.
    ///
    /// In an `.l2`-normalised space: the weighted sum of the unit-length concept
    /// vectors, scaled to unit length. Otherwise the weighted mean of the concept vectors as they are.
    func queryVector(_ target: NearQuery.Target, in vector: NamedVector) async throws(RetrievalError) -> [Float] {
        guard !target.concepts.isEmpty else { throw RetrievalError(.invalidQuery, "a target needs a concept") }
        let normalised = vector.space.normalization == .l2
        var sum = [Double](repeating: 0, count: vector.space.dimension)
        var totalWeight = 0.0
        for (concept, weight) in target.concepts {
            guard weight.isFinite else { throw RetrievalError(.invalidQuery, "a concept weight is \(weight)") }
            let values = try await conceptVector(concept, in: vector)
            let scale = normalised ? weight / max(Self.norm(values), .leastNonzeroMagnitude) : weight
            for (j, value) in values.enumerated() { sum[j] += Double(value) * scale }
            totalWeight += weight
        }
        if normalised { return Self.unitLength(sum.map { Float($0) }) }
        guard totalWeight != 0 else { throw RetrievalError(.invalidQuery, "the concept weights sum to zero") }
        return sum.map { Float($0 / totalWeight) }
    }

    private func conceptVector(_ concept: Concept, in vector: NamedVector) async throws(RetrievalError) -> [Float] {
        let input: EmbeddingInput
        switch concept {
        case .vector(let values):
            guard values.count == vector.space.dimension else {
                throw RetrievalError(
                    .dimensionMismatch,
                    "the query vector has \(values.count) values; \"\(vector.name)\" holds \(vector.space)"
                )
            }
            guard values.allSatisfy(\.isFinite) else {
                throw RetrievalError(.invalidQuery, "the query vector is not finite")
            }
            return values
        case .object(let id):
            guard let object = try await object(id) else { throw RetrievalError(.notFound, "no object \(id)") }
            guard let stored = object.vectors[vector.name] else {
                throw RetrievalError(.notFound, "object \(id) has no vector in \"\(vector.name)\"")
            }
            return stored
        case .text(let text): input = .text(text)
        case .image(let image): input = .image(image)
        case .audio(let audio): input = .audio(audio)
        case .depth(let map): input = .depth(map)
        case .thermal(let map): input = .thermal(map)
        case .imu(let series): input = .imu(series)
        case .video(let clip):
            do { input = try Self.videoInput(clip) } catch {
                throw RetrievalError(.invalidQuery, "the query video cannot be decoded", underlying: error)
            }
        }
        guard let embedder = vector.embedder else {
            throw RetrievalError(
                .unsupportedModality,
                "named vector \"\(vector.name)\" has no embedder attached; query it by vector or by object"
            )
        }
        guard embedder.modalities.contains(input.modality) else {
            throw RetrievalError(
                .unsupportedModality,
                "named vector \"\(vector.name)\" cannot embed \(input.modality); its embedder accepts "
                    + embedder.modalities.map(\.rawValue).sorted().joined(separator: ", ")
            )
        }
        do {
            return Array(try await embedder.embed([input]).values)
        } catch {
            throw RetrievalError(.embeddingFailed, "the query could not be embedded", underlying: error)
        }
    }

    /// Joins each hit's per-target distances into one.
    func join(
        _ hits: [VectorStoreHit],
        targets: [String],
        strategy: TargetJoin
    ) throws(RetrievalError) -> [(hit: VectorStoreHit, distance: Float)] {
        if targets.count == 1 {
            return hits.compactMap { hit in hit.distances[targets[0]].map { (hit, $0) } }
        }
        let complete = hits.filter { hit in targets.allSatisfy { hit.distances[$0] != nil } }
        func weight(_ weights: [String: Double], _ name: String) throws(RetrievalError) -> Double {
            guard let w = weights[name], w.isFinite else {
                throw RetrievalError(.invalidQuery, "no finite weight for target \"\(name)\"")
            }
            return w
        }
        switch strategy {
        case .minimum:
            return complete.map { hit in (hit, targets.map { hit.distances[$0]! }.min()!) }
        case .sum:
            return complete.map { hit in (hit, targets.map { hit.distances[$0]! }.reduce(0, +)) }
        case .average:
            return complete.map { hit in (hit, targets.map { hit.distances[$0]! }.reduce(0, +) / Float(targets.count)) }
        case .manualWeights(let weights):
            var joined: [(hit: VectorStoreHit, distance: Float)] = []
            for hit in complete {
                var total = 0.0
                for name in targets { total += try weight(weights, name) * Double(hit.distances[name]!) }
                joined.append((hit, Float(total)))
            }
            return joined
        case .relativeScore(let weights):
            var ranges: [String: (low: Float, high: Float)] = [:]
            for name in targets {
                let values = complete.map { $0.distances[name]! }
                ranges[name] = (values.min() ?? 0, values.max() ?? 0)
            }
            var joined: [(hit: VectorStoreHit, distance: Float)] = []
            for hit in complete {
                var total = 0.0
                for name in targets {
                    let (low, high) = ranges[name]!
                    let normalised = high > low ? Double((hit.distances[name]! - low) / (high - low)) : 0
                    total += try weight(weights, name) * normalised
                }
                joined.append((hit, Float(total)))
            }
            return joined
        }
    }
}
