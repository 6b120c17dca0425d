// SPDX-License-Identifier: Apache-2.0

import Foundation
import Retrieval
import Testing
import _RAGInternals

/// Every byte of a small log and snapshot flipped (several masks) and every truncation: opening gives a typed
/// error or a correct collection (the acknowledged state, or with a torn tail that state minus its last
/// batch) — never a trap and never other contents.
@Suite struct DamagedFileTests {
    /// A folder with a snapshot of two objects and a log of two more batches.
    private func sample() async throws -> (
        folder: String, full: Set<UUID>, withoutLastBatch: Set<UUID>, snapshotted: Set<UUID>
    ) {
        let folder = temporaryFolder()
        let collection = try await MultimodalCollection.create(at: folder, schema: try captionSchema())
        let first = try await collection.insert([
            ObjectInput(properties: ["rank": .integer(1)], vectors: ["given": [1, 0, 0, 0]]),
            ObjectInput(
                properties: ["rank": .integer(2)],
                blobs: ["photo": [1, 2, 3]],
                vectors: ["given": [0, 1, 0, 0]]
            ),
        ])
        try await (collection.store as! LocalVectorStore).checkpoint()
        let second = try await collection.insert(ObjectInput(properties: ["caption": .text("x")]))
        let third = try await collection.insert(ObjectInput(properties: ["rank": .integer(3)]))
        return (folder, Set(first + [second, third]), Set(first + [second]), Set(first))
    }

    /// Replaces a file's bytes without syncing (the test damages thousands of files; durability is not the point).
    private func overwrite(_ path: String, _ bytes: [UInt8]) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    /// Opening must fail with a typed error or give a prefix of the committed batches (a cut can remove whole
    /// batches from the end, never part of one, never one in the middle).
    private func check(_ folder: String, _ prefixes: [Set<UUID>], _ what: String) async {
        do {
            let collection = try await MultimodalCollection.open(at: folder)
            let ids = Set(try await collection.objects(limit: 100).map(\.id))
            #expect(prefixes.contains(ids), "\(what): opened with other contents")
        } catch {
            #expect([.corruptFile, .unsupportedVersion].contains(error.code), "\(what): \(error)")
        }
    }

    @Test("damaged or cut logs and snapshots are reported or repaired, never trusted blindly")
    func flipsAndCuts() async throws {
        let (folder, full, withoutLast, snapshotted) = try await sample()
        let prefixes = [full, withoutLast, snapshotted]
        for file in ["log", "snapshot"] {
            let path = folder + "/" + file
            let original = try Files.read(path)
            for offset in 0..<original.count {
                for mask: UInt8 in [0x01, 0x80, 0xFF] {
                    var damaged = original
                    damaged[offset] ^= mask
                    overwrite(path, damaged)
                    await check(
                        folder,
                        file == "log" ? [full, withoutLast] : [full],
                        "\(file) byte \(offset) ^ \(mask)"
                    )
                }
            }
            for length in 0..<original.count {
                overwrite(path, Array(original[..<length]))
                await check(folder, file == "log" ? prefixes : [full], "\(file) cut to \(length)")
            }
            try Files.writeAtomically(original, to: path)
        }
        // The untouched files open to the full contents.
        let collection = try await MultimodalCollection.open(at: folder)
        #expect(Set(try await collection.objects(limit: 100).map(\.id)) == full)
    }

    @Test("a cut log tail is truncated and reported; the earlier commits remain")
    func tornTail() async throws {
        let (folder, _, withoutLast, _) = try await sample()
        let log = try Files.read(folder + "/log")
        try Files.writeAtomically(Array(log.dropLast(3)), to: folder + "/log")
        let collection = try await MultimodalCollection.open(at: folder)
        #expect((collection.store as! LocalVectorStore).truncatedLogBytes > 0)
        #expect(Set(try await collection.objects(limit: 100).map(\.id)) == withoutLast)
    }
}
