// SPDX-License-Identifier: Apache-2.0

import Foundation
import Retrieval
import Testing

@Suite struct CollectionConcurrencyTests {
    /// Batch `b`: `size` objects with the properties `properties(i)` and the vector (b, i, 0, 1).
    private func batch(_ b: Int, size: Int, properties: (Int) -> [String: PropertyValue]) -> [ObjectInput] {
        (0..<size).map { i in ObjectInput(properties: properties(i), vectors: ["given": [Float(b), Float(i), 0, 1]]) }
    }

    @Test("Concurrency: readers searching during batch commits see every batch whole or not at all")
    func readersSeeWholeBatches() async throws {
        let collection = try await MultimodalCollection.create(at: temporaryFolder(), schema: try captionSchema())
        let batches = 30
        let size = 7
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for b in 0..<batches {
                    try await collection.insert(batch(b, size: size) { _ in ["rank": .integer(Int64(b))] })
                }
            }
            for _ in 0..<3 {
                group.addTask {
                    for _ in 0..<40 {
                        var query = NearQuery(target: .init(vector: "given", .vector([0, 0, 0, 0])))
                        query.limit = batches * size
                        let results = try await collection.search(query)
                        var perBatch: [PropertyValue: Int] = [:]
                        for result in results { perBatch[result.object.properties["rank"]!, default: 0] += 1 }
                        #expect(perBatch.values.allSatisfy { $0 == size }, "a reader saw part of a batch: \(perBatch)")
                        let count = try await collection.count()
                        #expect(count % size == 0)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await collection.count() == batches * size)
    }

    @Test("Concurrency: filtered, keyword and hybrid readers during commits see whole batches that pass the filter")
    func filteredReadersSeeWholeBatches() async throws {
        let collection = try await MultimodalCollection.create(at: temporaryFolder(), schema: try captionSchema())
        let batches = 20
        let size = 5
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for b in 0..<batches {
                    try await collection.insert(
                        batch(b, size: size) { _ in
                            ["rank": .integer(Int64(b)), "caption": .text("batch \(b % 2 == 0 ? "even" : "odd")")]
                        }
                    )
                }
            }
            group.addTask {
                for _ in 0..<30 {
                    var query = NearQuery(target: .init(vector: "given", .vector([0, 0, 0, 0])))
                    query.filter = .greaterThanOrEqual("rank", .integer(4)) && .like("caption", "*even")
                    query.limit = batches * size
                    let results = try await collection.search(query)
                    var perBatch: [Int64: Int] = [:]
                    for result in results {
                        guard case .integer(let rank)? = result.object.properties["rank"] else { continue }
                        perBatch[rank, default: 0] += 1
                    }
                    #expect(perBatch.keys.allSatisfy { $0 >= 4 && $0 % 2 == 0 })
                    #expect(perBatch.values.allSatisfy { $0 == size }, "a reader saw part of a batch: \(perBatch)")
                }
            }
            group.addTask {
                for _ in 0..<30 {
                    let keyword = try await collection.bm25("odd", limit: batches * size)
                    #expect(keyword.count % size == 0)
                    #expect(keyword.allSatisfy { $0.object.properties["caption"] == .text("batch odd") })
                    var hybrid = HybridQuery("even", vector: NearQuery.Target(vector: "given", .vector([1, 1, 0, 1])))
                    hybrid.limit = 3
                    _ = try await collection.search(hybrid)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await collection.objects(where: .like("caption", "*odd"), limit: 1_000).count == batches / 2 * size)
    }

    @Test(
        "Concurrency: large batches are indexed for filters and keywords behind the commits, yet every read sees them"
    )
    func largeBatchesAreVisibleToFilterAndKeywordReads() async throws {
        let collection = try await MultimodalCollection.create(at: temporaryFolder(), schema: try captionSchema())
        // Batches over the size that splits index maintenance across two threads.
        let batches = 4
        let size = 9_000
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for b in 0..<batches {
                    try await collection.insert(
                        batch(b, size: size) { i in
                            ["rank": .integer(Int64(b)), "caption": .text("word\(b) item\(i % 3)")]
                        }
                    )
                    // The writer's own reads see its batch at once.
                    #expect(
                        try await collection.objects(where: .equal("rank", .integer(Int64(b))), limit: size).count
                            == size
                    )
                    #expect(try await collection.bm25("word\(b)", limit: size + 1).count == size)
                }
            }
            group.addTask {
                for round in 0..<20 {
                    let b = round % batches
                    let filtered = try await collection.objects(where: .equal("rank", .integer(Int64(b))), limit: size)
                    #expect(filtered.count == 0 || filtered.count == size, "a filter saw \(filtered.count) of a batch")
                    let keyword = try await collection.bm25("word\(b)", limit: size + 1)
                    #expect(keyword.count == 0 || keyword.count == size, "a keyword search saw \(keyword.count)")
                }
            }
            try await group.waitForAll()
        }
        // Every third object of a batch has "item2": the ranking is exact, those score higher than the rest.
        let ranked = try await collection.bm25("word1 item2", limit: size)
        #expect(ranked.prefix(size / 3).allSatisfy { $0.object.properties["caption"] == .text("word1 item2") })
        #expect(
            try await collection.objects(where: .greaterThanOrEqual("rank", .integer(2)), limit: 2 * size + 1).count
                == 2 * size
        )
    }
}
