// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import VectorIndex
import _RAGInternals

@testable import Retrieval

/// Snapshots store the vectors as blocks and the derived indexes (format 3); older snapshots still open, and the
/// stored indexes answer exactly as indexes rebuilt from the objects.
@Suite("Snapshot format")
struct SnapshotFormatTests {
    private let filters: [Filter] = [
        .greaterThanOrEqual("year", .integer(2020)) && .containsAny("tags", [.text("red")]),
        .equal("category", .text("birds")) || .isNull("price", true),
        !.lessThan("price", .double(40)),
        .like("title", "item 1*"),
        .containsAll("tags", [.text("wild"), .text("city")]),
        .equal("inStock", .bool(true)) && .notEqual("category", .text("boats")),
    ]
    private let keywordQueries = ["birds", "item 3 boats", "béton bikes", "city wild"]

    /// What a collection answers: every filter's ids, and every keyword query's (id, score) ranking.
    private func answers(_ collection: MultimodalCollection) async throws -> ([[UUID]], [[String]]) {
        var filtered: [[UUID]] = []
        for filter in filters { filtered.append(try await collection.objects(where: filter, limit: .max).map(\.id)) }
        var ranked: [[String]] = []
        for query in keywordQueries {
            ranked.append(
                try await collection.bm25(query, limit: 20).map { "\($0.object.id) \($0.keywordScore ?? .nan)" }
            )
        }
        return (filtered, ranked)
    }

    /// The same objects (properties and vectors) written into a new collection in memory: its indexes are built
    /// one write at a time, never read from a file.
    private func rebuilt(from objects: [CollectionObject]) async throws -> MultimodalCollection {
        let fresh = try await MultimodalCollection.create(at: nil, schema: try catalogSchema())
        _ = try await fresh.insert(
            objects.map { ObjectInput(id: $0.id, properties: $0.properties, vectors: $0.vectors) }
        )
        return fresh
    }

    private func temporaryFolder(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID())").path
    }

    @Test("a format-2 snapshot (objects with inline vectors, no stored indexes) opens, and rewrites as format 3")
    func formatTwoOpens() async throws {
        let folder = temporaryFolder("snapshot-v2")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/snapshot-v2", withExtension: nil))
        try FileManager.default.copyItem(atPath: fixture.path, toPath: folder)
        let snapshotBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/snapshot")))
        #expect(snapshotBytes[8] == 2)

        let objects: [CollectionObject]
        let expected: ([[UUID]], [[String]])
        do {
            let collection = try await MultimodalCollection.open(at: folder)
            objects = try await collection.objects(limit: .max)
            // 40 objects snapshotted, then the log deletes 5 and 6 and inserts 100...103.
            let numbers = (0..<40).filter { $0 != 5 && $0 != 6 } + Array(100..<104)
            let inputs = Dictionary(uniqueKeysWithValues: numbers.map { (catalogID($0), catalogObject($0)) })
            #expect(Set(objects.map(\.id)) == Set(inputs.keys))
            for object in objects {
                #expect(object.properties == inputs[object.id]?.properties)
                #expect(object.vectors == inputs[object.id]?.vectors)
            }
            expected = try await answers(try await rebuilt(from: objects))
            for (filter, ids) in zip(filters, expected.0) {
                #expect(Set(ids) == Set(objects.filter { ReferenceFilter.passes(filter, $0) }.map(\.id)))
            }
            #expect(try await answers(collection) == expected)

            try await (collection.store as! LocalVectorStore).checkpoint()
            let rewritten = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/snapshot")))
            #expect(rewritten[8] == UInt8(Snapshot.version))
        }
        let reopened = try await MultimodalCollection.open(at: folder)
        #expect(try await answers(reopened) == expected)
        #expect(try await reopened.objects(limit: .max).map(\.vectors) == objects.map(\.vectors))
    }

    @Test("stored derived indexes, with a log replayed over them, answer as indexes rebuilt from the objects")
    func storedIndexesMatchRebuiltOnes() async throws {
        let folder = temporaryFolder("snapshot-v3")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let expected: ([[UUID]], [[String]])
        do {
            let collection = try await MultimodalCollection.create(at: folder, schema: try catalogSchema())
            _ = try await collection.insert((0..<300).map { catalogObject($0) })
            try await (collection.store as! LocalVectorStore).checkpoint()
            // The log then deletes, replaces, inserts, and touches one key twice (update, then delete).
            _ = try await collection.delete([catalogID(3), catalogID(4), catalogID(250)])
            try await collection.update(catalogID(10), properties: ["title": .text("birds of city"), "price": nil])
            try await collection.update(catalogID(11), properties: ["tags": .textArray(["wild", "city"])])
            try await collection.update(catalogID(12), properties: ["category": .text("boats")])
            _ = try await collection.delete([catalogID(12)])
            _ = try await collection.insert((400..<420).map { catalogObject($0, seed: 7) })
            expected = try await answers(collection)
            let objects = try await collection.objects(limit: .max)
            #expect(try await answers(try await rebuilt(from: objects)) == expected)
        }
        let reopened = try await MultimodalCollection.open(at: folder)
        #expect(try await answers(reopened) == expected)
        // Once more without a log: the indexes come from the snapshot alone.
        try await (reopened.store as! LocalVectorStore).checkpoint()
        _ = consume reopened
        #expect(try await answers(try await MultimodalCollection.open(at: folder)) == expected)
    }

    @Test("a cut derived-index section is an error; a whole one reads back to the same bytes")
    func derivedSectionsRoundTrip() throws {
        var index = PropertyIndex()
        let objects = (0..<30).map { i in
            let input = catalogObject(i)
            return (
                CollectionObject(
                    id: catalogID(i),
                    properties: input.properties,
                    vectors: [:],
                    createdAt: .now,
                    updatedAt: .now
                ),
                UInt64(i)
            )
        }
        index.update(removing: [], adding: objects)
        var keyword = try #require(try KeywordSettings(properties: ["title", "category", "tags"]).makeIndex())
        for (object, key) in objects {
            keyword.upsert(
                key,
                textArrays: object.properties.compactMapValues { value in
                    switch value {
                    case .text(let text): [text]
                    case .textArray(let texts): texts
                    default: nil
                    }
                }
            )
        }
        _ = keyword.remove(4)
        var writer = BinaryWriter()
        index.append(to: &writer)
        keyword.append(to: &writer)
        let bytes = writer.bytes
        for cut in 0..<bytes.count {
            var reader = BinaryReader(bytes[..<cut], path: "cut")
            #expect(throws: FileError.self) {
                _ = try PropertyIndex(reading: &reader)
                var empty = try #require(try KeywordSettings(properties: ["title", "category", "tags"]).makeIndex())
                try empty.read(&reader)
            }
        }
        var reader = BinaryReader(bytes[...], path: "whole")
        let properties = try PropertyIndex(reading: &reader)
        var back = try #require(try KeywordSettings(properties: ["title", "category", "tags"]).makeIndex())
        try back.read(&reader)
        #expect(reader.isAtEnd)
        var again = BinaryWriter()
        properties.append(to: &again)
        back.append(to: &again)
        #expect(again.bytes == bytes)
        #expect(back.count == 29)
        #expect(
            try back.search(KeywordQuery("birds wild")).map(\.key)
                == keyword.search(KeywordQuery("birds wild")).map(\.key)
        )
    }
}
