// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import MediaDecoding
import Retrieval
import Testing
import VectorIndex

func temporaryFolder() -> String {
    "/tmp/rag-retrieval-\(UUID().uuidString)"
}

/// A two-property schema with one text vector (toy embedder) and one caller-supplied vector.
func captionSchema(_ embedder: ToyEmbedder = ToyEmbedder(), index: VectorIndexKind = .flat) throws -> CollectionSchema {
    try CollectionSchema(
        properties: [
            Property("caption", .text), Property("rank", .integer), Property("photo", .blob),
            Property("tags", .textArray), Property("score", .double),
        ],
        vectors: [
            NamedVector("text", embedder: embedder, sources: [VectorSource("caption")]),
            NamedVector(
                "given",
                space: EmbeddingSpace(modelID: "given", dimension: 4, normalization: .none),
                index: index,
                metric: .squaredL2
            ),
        ]
    )
}

/// Objects `start..<start + count` for ``captionSchema(_:index:)``: caption "object i", rank i, and the supplied
/// vector `[i, 1, 0, 0]`.
func numberedObjects(_ count: Int, from start: Int) -> [ObjectInput] {
    (start..<start + count).map { i in
        ObjectInput(
            properties: ["caption": .text("object \(i)"), "rank": .integer(Int64(i))],
            vectors: ["given": [Float(i), 1, 0, 0]]
        )
    }
}

func expectCode(
    _ code: RetrievalError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as RetrievalError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected RetrievalError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct MultimodalCollectionTests {
    @Test("schemas with a bad name, a repeated name, a source of the wrong type or no sources are refused")
    func schemaValidation() {
        let toy = ToyEmbedder()
        #expect(throws: RetrievalError.self) { try CollectionSchema(properties: [Property("1a", .text)], vectors: []) }
        #expect(throws: RetrievalError.self) {
            try CollectionSchema(
                properties: [Property("a", .text), Property("a", .integer)],
                vectors: [NamedVector("v", embedder: toy, sources: [VectorSource("a")])]
            )
        }
        #expect(throws: RetrievalError.self) {
            try CollectionSchema(
                properties: [Property("n", .integer)],
                vectors: [NamedVector("v", embedder: toy, sources: [VectorSource("n")])]
            )
        }
        #expect(throws: RetrievalError.self) {
            try CollectionSchema(
                properties: [Property("a", .text)],
                vectors: [NamedVector("v", embedder: toy, sources: [])]
            )
        }
        #expect(throws: RetrievalError.self) {
            try CollectionSchema(
                properties: [Property("a", .text)],
                vectors: [NamedVector("v", embedder: toy, sources: [VectorSource("a", weight: -1)])]
            )
        }
    }

    @Test("insert, get, update, delete and count, in memory and in a folder, and everything survives reopening")
    func crud() async throws {
        for folder in [nil, temporaryFolder()] {
            let toy = ToyEmbedder()
            let (id, updated) = try await crudSteps(folder: folder, toy: toy)
            if let folder {
                let reopened = try await MultimodalCollection.open(at: folder, embedders: ["text": toy])
                let again = try #require(try await reopened.object(id))
                #expect(again.properties == updated.properties && again.vectors == updated.vectors)
                #expect(try await reopened.delete([id, UUID()]) == 1)
                #expect(try await reopened.count() == 0)
            }
        }
    }

    /// Inserts and updates one object; the collection is released (and its folder unlocked) on return.
    private func crudSteps(folder: String?, toy: ToyEmbedder) async throws -> (UUID, CollectionObject) {
        let collection = try await MultimodalCollection.create(at: folder, schema: try captionSchema(toy))
        let id = try await collection.insert(
            ObjectInput(
                properties: ["caption": .text("aaa"), "rank": .integer(3), "tags": .textArray(["x", "y"])],
                vectors: ["given": [1, 2, 3, 4]]
            )
        )
        let stored = try #require(try await collection.object(id))
        #expect(stored.properties["rank"] == .integer(3))
        #expect(stored.vectors["given"] == [1, 2, 3, 4])
        // "aaa" → bucket 97 % 8 = 1, unit length.
        #expect(stored.vectors["text"] == [0, 1, 0, 0, 0, 0, 0, 0])
        #expect(try await collection.count() == 1)

        // Changing only `rank` does not re-embed; changing the caption does.
        let before = toy.calls.value
        try await collection.update(id, properties: ["rank": .integer(4)])
        #expect(toy.calls.value == before)
        try await collection.update(id, properties: ["caption": .text("bb")])
        #expect(toy.calls.value == before + 1)
        let updated = try #require(try await collection.object(id))
        #expect(updated.vectors["text"] == [0, 0, 1, 0, 0, 0, 0, 0])
        #expect(updated.properties["rank"] == .integer(4) && updated.createdAt == stored.createdAt)
        if folder == nil {
            #expect(try await collection.delete([id]) == 1)
            #expect(try await collection.object(id) == nil)
        }
        return (id, updated)
    }

    @Test("bad objects are refused with a code naming the problem, and nothing is stored")
    func badObjects() async throws {
        let collection = try await MultimodalCollection.create(at: nil, schema: try captionSchema())
        await expectCode(.unknownProperty) {
            try await collection.insert(ObjectInput(properties: ["nope": .integer(1)]))
        }
        await expectCode(.typeMismatch) { try await collection.insert(ObjectInput(properties: ["rank": .text("3")])) }
        await expectCode(.typeMismatch) { try await collection.insert(ObjectInput(blobs: ["caption": [1, 2]])) }
        await expectCode(.dimensionMismatch) { try await collection.insert(ObjectInput(vectors: ["given": [1, 2]])) }
        await expectCode(.unknownVector) { try await collection.insert(ObjectInput(vectors: ["other": [1, 2]])) }
        await expectCode(.invalidObject) {
            try await collection.insert(ObjectInput(properties: ["score": .double(.nan)]))
        }
        let id = UUID()
        try await collection.insert(ObjectInput(id: id, properties: ["rank": .integer(1)]))
        await expectCode(.duplicateID) { try await collection.insert(ObjectInput(id: id)) }
        await expectCode(.duplicateID) {
            try await collection.insert([
                ObjectInput(id: UUID(uuidString: "00000000-0000-0000-0000-000000000001")),
                ObjectInput(id: UUID(uuidString: "00000000-0000-0000-0000-000000000001")),
            ])
        }
        #expect(try await collection.count() == 1)
    }

    @Test("a failing embedder names the object and leaves the collection as it was")
    func allOrNothing() async throws {
        let collection = try await MultimodalCollection.create(at: temporaryFolder(), schema: try captionSchema())
        try await collection.insert(ObjectInput(properties: ["caption": .text("first")]))
        do {
            try await collection.insert([
                ObjectInput(properties: ["caption": .text("fine")], blobs: ["photo": Array("payload".utf8)]),
                ObjectInput(properties: ["caption": .text("this will FAIL")]),
            ])
            Issue.record("the batch should have failed")
        } catch {
            #expect(error.code == .embeddingFailed)
            #expect(error.message.hasPrefix("object 1"))
        }
        #expect(try await collection.count() == 1)
        // The blob of the refused batch was not kept.
        #expect(try await collection.blobs.keys().isEmpty)
    }

    @Test("blobs are content-addressed, shared, and removed when no object references them")
    func blobs() async throws {
        let folder = temporaryFolder()
        let collection = try await MultimodalCollection.create(at: folder, schema: try captionSchema())
        let bytes = Array("the same bytes".utf8)
        let a = try await collection.insert(ObjectInput(blobs: ["photo": bytes]))
        let b = try await collection.insert(ObjectInput(blobs: ["photo": bytes]))
        let keys = try await collection.blobs.keys()
        // SHA-256 of "the same bytes", as `shasum -a 256` prints it.
        #expect(keys == ["7d95d9eeb9c191ad25da1c2014f6985c9a3094bf5065029ea0a79767f0522ce6"])
        guard case .blob(let reference)? = try await collection.object(a)?.properties["photo"] else {
            Issue.record("no blob reference")
            return
        }
        #expect(reference.byteCount == bytes.count)
        #expect(try await collection.blob(reference) == bytes)
        try await collection.delete([a])
        #expect(try await collection.blobs.keys().count == 1)
        try await collection.delete([b])
        #expect(try await collection.blobs.keys().isEmpty)
        // Keys that could name paths outside the store are refused.
        #expect(throws: RetrievalError.self) { try BlobReference(key: "../../etc/passwd", byteCount: 1) }
    }

    @Test("opening with an embedder of another space names both spaces; a second writer is locked out")
    func spacesAndLocks() async throws {
        let folder = temporaryFolder()
        var collection: MultimodalCollection? = try await MultimodalCollection.create(
            at: folder,
            schema: try captionSchema()
        )
        await expectCode(.locked) { _ = try await MultimodalCollection.open(at: folder) }
        _ = collection
        collection = nil
        do {
            _ = try await MultimodalCollection.open(at: folder, embedders: ["text": ToyEmbedder(dimension: 16)])
            Issue.record("expected a space mismatch")
        } catch {
            #expect(error.code == .spaceMismatch)
            #expect(error.message.contains("toy@1 (8, l2)") && error.message.contains("toy@1 (16, l2)"))
        }
        await expectCode(.unknownVector) {
            _ = try await MultimodalCollection.open(at: folder, embedders: ["x": ToyEmbedder()])
        }
        await expectCode(.notFound) { _ = try await MultimodalCollection.open(at: temporaryFolder()) }
        // Without the embedder the text vector can still be searched by vector, not by text.
        let plain = try await MultimodalCollection.open(at: folder)
        await expectCode(.unsupportedModality) { _ = try await plain.near(text: "a", in: "text") }
        _ = try await plain.near(vector: [1, 0, 0, 0, 0, 0, 0, 0], in: "text")
    }

    @Test("iterating by cursor visits every object once, in id order")
    func cursor() async throws {
        let collection = try await MultimodalCollection.create(at: nil, schema: try captionSchema())
        let ids = try await collection.insert((0..<25).map { ObjectInput(properties: ["rank": .integer(Int64($0))]) })
        var seen: [UUID] = []
        var cursor: UUID?
        while true {
            let page = try await collection.objects(after: cursor, limit: 7)
            if page.isEmpty { break }
            seen += page.map(\.id)
            cursor = page.last?.id
        }
        #expect(seen.count == 25 && Set(seen) == Set(ids))
        #expect(seen == seen.sorted { $0.uuidString < $1.uuidString })
    }

    @Test("batch inserts report progress up to the total")
    func progress() async throws {
        let collection = try await MultimodalCollection.create(at: nil, schema: try captionSchema())
        let seen = CallCounter()
        let last = CallCounter()
        try await collection.insert((0..<70).map { ObjectInput(properties: ["caption": .text("item \($0)")]) }) { p in
            #expect(p.total == 70 && p.completed <= 70)
            seen.add(1)
            if p.completed == 70 { last.add(1) }
        }
        #expect(seen.value >= 3 && last.value >= 1)
    }

    @Test("closing snapshots the logged writes, releases the folder at once, and refuses every later call")
    func closing() async throws {
        let folder = temporaryFolder()
        let collection = try await MultimodalCollection.create(at: folder, schema: try captionSchema())
        let ids = try await collection.insert(
            (0..<40).map { ObjectInput(properties: ["caption": .text("photo \($0)"), "rank": .integer(Int64($0))]) }
        )
        let logBefore = try #require(try FileManager.default.attributesOfItem(atPath: folder + "/log")[.size] as? Int)
        #expect(logBefore > 32)  // the 32-byte header and the batch
        try await collection.close()
        // The batch moved into the snapshot: the log is a bare header again.
        #expect(try FileManager.default.attributesOfItem(atPath: folder + "/log")[.size] as? Int == 32)
        await expectCode(.closed) { _ = try await collection.count() }
        await expectCode(.closed) { _ = try await collection.object(ids[0]) }
        await expectCode(.closed) { _ = try await collection.near(text: "photo 3", limit: 1) }
        await expectCode(.closed) { try await collection.insert(ObjectInput(properties: ["rank": .integer(1)])) }
        // Refused before its blob is written: the folder is no longer this collection's to write to.
        await expectCode(.closed) { try await collection.insert(ObjectInput(blobs: ["photo": [9, 9, 9]])) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/blobs").isEmpty)
        await expectCode(.closed) { try await (collection.store as! LocalVectorStore).checkpoint() }
        try await collection.close()  // a second close does nothing

        // The lock went with the close (the collection value is still alive here, and a held lock would fail
        // this open with `locked`), and nothing was lost.
        let reopened = try await MultimodalCollection.open(at: folder, embedders: ["text": ToyEmbedder()])
        #expect(try await reopened.count() == 40)
        #expect(try await reopened.object(ids[7])?.properties["rank"] == .integer(7))
        let snapshot = try Data(contentsOf: URL(fileURLWithPath: folder + "/snapshot"))
        // Nothing was written since: closing again leaves the snapshot as it is.
        try await reopened.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/snapshot")) == snapshot)
        withExtendedLifetime(collection) {}
    }
}
