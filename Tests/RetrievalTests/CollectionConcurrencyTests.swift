// SPDX-License-Identifier: Apache-2.0

import Foundation
import Retrieval
import Testing

@Suite struct CollectionConcurrencyTests {
    @Test("Concurrency: readers searching during batch commits see every batch whole or not at all")
    func readersSeeWholeBatches() async throws {
        let collection = try await MultimodalCollection.create(at: temporaryFolder(), schema: try captionSchema())
        let batches = 30
        let size = 7
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for b in 0..<batches {
                    try await collection.insert(
                        (0..<size).map { i in
                            ObjectInput(
                                properties: ["rank": .integer(Int64(b))],
                                vectors: ["given": [Float(b), Float(i), 0, 1]]
                            )
                        }
                    )
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
}
