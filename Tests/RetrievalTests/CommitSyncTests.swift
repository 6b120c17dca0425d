// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

@testable import Retrieval

/// What a failed sync of the log does.
///
/// A commit applies its batch in memory while the disk writes the batch's record. When the sync fails, memory
/// holds a batch the disk may not, so the store closes: no read is answered from it, and opening the folder again
/// finds every batch acknowledged before, and not the failed one.
@Suite struct CommitSyncTests {
    @Test("a failed sync closes the store; reopening finds the acknowledged batches and not the failed one")
    func failedSyncClosesTheStore() async throws {
        let folder = temporaryFolder()
        var collection: MultimodalCollection? = try await MultimodalCollection.create(
            at: folder,
            schema: try captionSchema()
        )
        let kept = try await collection!.insert(numberedObjects(10, from: 0))
        (collection!.store as! LocalVectorStore).failLogSyncs()

        await expectCode(.fileSystem) { _ = try await collection!.insert(numberedObjects(5, from: 10)) }
        await expectCode(.closed) { _ = try await collection!.count() }
        await expectCode(.closed) { _ = try await collection!.object(kept[0]) }
        await expectCode(.closed) { _ = try await collection!.near(vector: [1, 1, 0, 0], in: "given", limit: 1) }
        await expectCode(.closed) { _ = try await collection!.insert(numberedObjects(1, from: 15)) }
        collection = nil

        // The folder's lock was released with the failure, and the failed batch's record was cut off.
        let reopened = try await MultimodalCollection.open(at: folder)
        #expect(try await reopened.count() == 10)
        for id in kept { #expect(try await reopened.object(id) != nil) }
        #expect(try await reopened.bm25("object", limit: 20).count == 10)
        let more = try await reopened.insert(numberedObjects(1, from: 20))
        #expect(try await reopened.object(more[0])?.properties["rank"] == .integer(20))
    }
}
