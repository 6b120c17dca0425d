// SPDX-License-Identifier: Apache-2.0

import Embedding
public import Foundation
import MediaDecoding

/// How far a batch insert has come: objects done out of the total.
public struct BatchProgress: Sendable, Hashable {
    /// Objects embedded so far.
    public var completed: Int
    /// Objects in the batch.
    public var total: Int
}

extension MultimodalCollection {
    /// How many inputs go to an embedder in one call.
    static let embeddingBatchSize = 32

    // MARK: - Insert

    /// Inserts one object and returns its id.
    ///
    /// - Throws: See ``insert(_:progress:)``.
    @discardableResult
    public func insert(_ input: ObjectInput) async throws(RetrievalError) -> UUID {
        try await insert([input])[0]
    }

    /// Inserts a batch of objects, all or nothing, and returns their ids in order.
    ///
    /// Vectors are embedded per named vector in batches; `progress` is called as objects are embedded. Blobs
    /// are stored first, then the batch is committed to the log in one durable write.
    ///
    /// - Throws: ``RetrievalError`` with ``RetrievalError/Code/unknownProperty``,
    ///   ``RetrievalError/Code/typeMismatch``, ``RetrievalError/Code/duplicateID``,
    ///   ``RetrievalError/Code/dimensionMismatch``, or ``RetrievalError/Code/embeddingFailed`` naming the object;
    ///   the collection is then as it was before the call.
    @discardableResult
    public func insert(
        _ inputs: [ObjectInput],
        progress: (@Sendable (BatchProgress) -> Void)? = nil
    ) async throws(RetrievalError) -> [UUID] {
        try checkOpen()  // before any embedding or blob is written
        let now = Date()
        var objects: [CollectionObject] = []
        var seen = Set<UUID>()
        for (i, input) in inputs.enumerated() {
            let id = input.id ?? UUID()
            guard seen.insert(id).inserted else {
                throw RetrievalError(.duplicateID, "object \(i): id \(id) appears twice in the batch")
            }
            try validate(input.properties, blobs: input.blobs, object: i)
            objects.append(
                CollectionObject(id: id, properties: input.properties, vectors: [:], createdAt: now, updatedAt: now)
            )
        }
        let media = try decodeMedia(inputs.map(\.blobs))
        try await embed(&objects, supplied: inputs.map(\.vectors), media: media, progress: progress)
        let references = try await storeBlobs(inputs.map(\.blobs))
        for i in objects.indices {
            for (name, reference) in references[i] { objects[i].properties[name] = .blob(reference) }
        }
        do {
            try await rethrowing { try await self.store.apply(VectorStoreBatch(puts: objects, insertsOnly: true)) }
        } catch {
            try? await collectUnreferencedBlobs(among: references.flatMap { $0.values.map(\.key) })
            throw error
        }
        return objects.map(\.id)
    }

    // MARK: - Update

    /// Changes an object: the given properties replace the stored ones (`nil` removes one), blobs replace blob
    /// properties, and only the named vectors whose sources changed are embedded again (or set from `vectors`).
    ///
    /// - Throws: ``RetrievalError/Code/notFound`` for an unknown id, otherwise as ``insert(_:progress:)``.
    public func update(
        _ id: UUID,
        properties: [String: PropertyValue?] = [:],
        blobs newBlobs: [String: [UInt8]] = [:],
        vectors: [String: [Float]] = [:]
    ) async throws(RetrievalError) {
        guard var object = try await object(id) else { throw RetrievalError(.notFound, "no object \(id)") }
        try validate(properties.compactMapValues { $0 }, blobs: newBlobs, object: 0)
        var changed = Set(newBlobs.keys)
        for (name, value) in properties {
            if object.properties[name] != value { changed.insert(name) }
            object.properties[name] = value
        }
        for name in newBlobs.keys { object.properties[name] = nil }
        let stale = schema.vectors.filter { vector in
            vectors[vector.name] == nil && vector.embedder != nil
                && vector.sources.contains { changed.contains($0.property) }
        }
        for vector in stale { object.vectors[vector.name] = nil }
        let media = try decodeMedia([newBlobs])
        // Re-embed from the object's sources, reading stored blobs that did not change.
        var sourcesMedia = media[0]
        for vector in stale {
            for source in vector.sources where sourcesMedia[source.property] == nil {
                if case .blob(let reference)? = object.properties[source.property] {
                    sourcesMedia[source.property] = try decode(
                        try await blob(reference),
                        property: source.property,
                        object: 0
                    )
                }
            }
        }
        var objects = [object]
        try await embed(
            &objects,
            supplied: [vectors],
            media: [sourcesMedia],
            only: Set(stale.map(\.name)),
            progress: nil
        )
        object = objects[0]
        let references = try await storeBlobs([newBlobs])
        for (name, reference) in references[0] { object.properties[name] = .blob(reference) }
        object.updatedAt = Date()
        let replaced = object
        try await rethrowing { try await self.store.apply(VectorStoreBatch(puts: [replaced])) }
        try await collectUnreferencedBlobs(among: [])
    }

    // MARK: - Delete

    /// Deletes the objects under `ids` (unknown ids are skipped) and the blobs no other object references.
    ///
    /// - Returns: How many objects were deleted.
    @discardableResult
    public func delete(_ ids: [UUID]) async throws(RetrievalError) -> Int {
        let existing = try await rethrowing { try await self.store.objects(ids) }.compactMap { $0 }
        try await rethrowing { try await self.store.apply(VectorStoreBatch(deletes: existing.map(\.id))) }
        try await collectUnreferencedBlobs(among: existing.flatMap(\.blobKeys))
        return existing.count
    }

    // MARK: - Helpers

    func collectUnreferencedBlobs(among keys: [String]) async throws(RetrievalError) {
        guard !keys.isEmpty else { return }
        try await rethrowing {
            let referenced = try await self.store.referencedBlobs(among: keys)
            try await self.blobs.remove(Array(Set(keys).subtracting(referenced)))
        }
    }

    func validate(
        _ properties: [String: PropertyValue],
        blobs: [String: [UInt8]],
        object: Int
    ) throws(RetrievalError) {
        for (name, value) in properties {
            guard let property = schema.property(named: name) else {
                throw RetrievalError(.unknownProperty, "object \(object): no property \"\(name)\" in the schema")
            }
            guard property.type == value.type else {
                throw RetrievalError(
                    .typeMismatch,
                    "object \(object): property \"\(name)\" is \(property.type), the value is \(value.type)"
                )
            }
            if case .blob = value {
                throw RetrievalError(.invalidObject, "object \(object): give blob \"\(name)\"'s bytes in `blobs`")
            }
            if case .double(let number) = value, !number.isFinite {
                throw RetrievalError(.invalidObject, "object \(object): property \"\(name)\" is \(number)")
            }
        }
        for name in blobs.keys {
            guard let property = schema.property(named: name) else {
                throw RetrievalError(.unknownProperty, "object \(object): no property \"\(name)\" in the schema")
            }
            guard property.type == .blob else {
                throw RetrievalError(
                    .typeMismatch,
                    "object \(object): property \"\(name)\" is \(property.type), not blob"
                )
            }
        }
    }

    func storeBlobs(_ all: [[String: [UInt8]]]) async throws(RetrievalError) -> [[String: BlobReference]] {
        var references: [[String: BlobReference]] = []
        for blobs in all {
            var refs: [String: BlobReference] = [:]
            for (name, bytes) in blobs {
                refs[name] = try await rethrowing { try await self.blobs.put(bytes) }
            }
            references.append(refs)
        }
        return references
    }

    /// Each object's blobs decoded for the embedders that read them, by property.
    func decodeMedia(_ all: [[String: [UInt8]]]) throws(RetrievalError) -> [[String: EmbeddingInput]] {
        let mediaSources = Set(schema.vectors.filter { $0.embedder != nil }.flatMap { $0.sources.map(\.property) })
        var decoded: [[String: EmbeddingInput]] = []
        for (i, blobs) in all.enumerated() {
            var inputs: [String: EmbeddingInput] = [:]
            for (name, bytes) in blobs where mediaSources.contains(name) {
                inputs[name] = try decode(bytes, property: name, object: i)
            }
            decoded.append(inputs)
        }
        return decoded
    }

    /// Decodes blob bytes as an image, a sound or a video, whichever they are.
    func decode(_ bytes: [UInt8], property: String, object: Int) throws(RetrievalError) -> EmbeddingInput {
        do {
            if decoder.canDecodeImage(bytes) { return .image(try decoder.decodeImage(bytes)) }
            if decoder.audioDecoder(for: bytes) != nil { return .audio(try decoder.decodeAudio(bytes)) }
            if decoder.videoDecoder(for: bytes) != nil { return try Self.videoInput(try decoder.decodeVideo(bytes)) }
        } catch {
            throw RetrievalError(
                .invalidObject,
                "object \(object): blob \"\(property)\" cannot be decoded",
                underlying: error
            )
        }
        throw RetrievalError(
            .invalidObject,
            "object \(object): blob \"\(property)\" is not an image, sound or video this library decodes"
        )
    }

    /// A video clip as an embedder input; the embedder samples and decodes the frames it uses (a
    /// `CLIPEmbedder` at most `maxVideoFrames`, 8 by default, at the clip's segment centres).
    static func videoInput(_ clip: VideoClip) throws -> EmbeddingInput {
        .video(clip)
    }
}
