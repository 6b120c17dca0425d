// SPDX-License-Identifier: Apache-2.0

import Foundation
import Retrieval
import Testing

/// Snapshots triggered by the log's growth are written in the background while commits go on into a new log;
/// whatever happens to that snapshot, no acknowledged write is lost and the files return to one snapshot and
/// one log. (The crash test kills writers in the middle of such snapshots too: its threshold is 24 KB.)
@Suite struct BackgroundSnapshotTests {
    private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test("writes made while background snapshots land are all kept, and close leaves one snapshot and one log")
    func writesDuringSnapshots() async throws {
        let folder = temporaryFolder()
        // A 1 KB threshold: nearly every batch starts a snapshot, or finds one still being written.
        let options = LocalVectorStore.Options(snapshotThreshold: 1 << 10)
        let collection = try await MultimodalCollection.create(
            at: folder,
            schema: try captionSchema(),
            options: options
        )
        var ids: [UUID] = []
        for batch in 0..<40 { ids += try await collection.insert(numberedObjects(25, from: batch * 25)) }
        try await collection.delete([ids[0]])
        try await collection.close()
        #expect(!exists(folder + "/log.previous"))
        #expect((try FileManager.default.attributesOfItem(atPath: folder + "/log")[.size] as? Int) == 32)

        let reopened = try await MultimodalCollection.open(at: folder, options: options)
        #expect(try await reopened.count() == 999)
        #expect(try await reopened.object(ids[0]) == nil)
        #expect(try await reopened.object(ids[998])?.properties["rank"] == .integer(998))
        let nearest = try await reopened.near(vector: [517, 1, 0, 0], in: "given", limit: 1)
        #expect(nearest.first?.object.id == ids[517])
    }

    @Test("a background snapshot that fails leaves both logs, which the next open replays and the next snapshot folds")
    func failedSnapshotKeepsBothLogs() async throws {
        let folder = temporaryFolder()
        // Between one batch of 20 objects (over it) and one object (under it).
        let options = LocalVectorStore.Options(snapshotThreshold: 2 << 10)
        var collection: MultimodalCollection? = try await MultimodalCollection.create(
            at: folder,
            schema: try captionSchema(),
            options: options
        )
        // A folder where the snapshot file was makes every snapshot write fail at its rename.
        let snapshot = try Data(contentsOf: URL(fileURLWithPath: folder + "/snapshot"))
        try FileManager.default.removeItem(atPath: folder + "/snapshot")
        try FileManager.default.createDirectory(atPath: folder + "/snapshot/blocked", withIntermediateDirectories: true)

        let first = try await collection!.insert(numberedObjects(20, from: 0))  // starts the background snapshot
        let second = try await collection!.insert(numberedObjects(1, from: 20))  // goes to the new log
        // A checkpoint waits for the background snapshot, then fails itself: nothing is lost either way.
        await expectCode(.fileSystem) { try await (collection!.store as! LocalVectorStore).checkpoint() }
        #expect(exists(folder + "/log.previous"))
        collection = nil  // as if the process ended here

        try FileManager.default.removeItem(atPath: folder + "/snapshot")
        try snapshot.write(to: URL(fileURLWithPath: folder + "/snapshot"))
        let reopened = try await MultimodalCollection.open(at: folder, options: options)
        #expect(try await reopened.count() == 21)
        for id in first + second { #expect(try await reopened.object(id) != nil) }
        let third = try await reopened.insert(numberedObjects(1, from: 21))

        try await reopened.close()  // folds both logs into a new snapshot
        #expect(!exists(folder + "/log.previous"))
        let again = try await MultimodalCollection.open(at: folder, options: options)
        #expect(try await again.count() == 22)
        #expect(try await again.object(third[0])?.properties["rank"] == .integer(21))
    }

    @Test("a previous log that the snapshot already covers is removed at open, not replayed")
    func obsoletePreviousLog() async throws {
        let folder = temporaryFolder()
        let collection = try await MultimodalCollection.create(at: folder, schema: try captionSchema())
        let ids = try await collection.insert(numberedObjects(3, from: 0))
        // The log of generation 0 holds the three inserts; keep a copy, then fold them into snapshot 1.
        let log = try Data(contentsOf: URL(fileURLWithPath: folder + "/log"))
        try await collection.delete([ids[1]])
        try await collection.close()
        try log.write(to: URL(fileURLWithPath: folder + "/log.previous"))

        let reopened = try await MultimodalCollection.open(at: folder)
        #expect(!exists(folder + "/log.previous"))
        #expect(try await reopened.count() == 2)
        #expect(try await reopened.object(ids[1]) == nil, "the old log's insert is not replayed over the delete")
    }
}
