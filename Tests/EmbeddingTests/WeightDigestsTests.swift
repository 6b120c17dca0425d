// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing
import _RAGTestSupport

/// Local checkpoints get a revision from a digest of their weights, remembered across opens until a file changes.
@Suite struct WeightDigestsTests {
    private let scratch = FileManager.default.temporaryDirectory
        .appendingPathComponent("weight-digests-\(UUID().uuidString)", isDirectory: true)

    /// A copy of the bundled `clip-tiny-gelu-p16` (config and weights) at `scratch/<parent>/<name>`.
    private func copyCheckpoint(to parent: String, name: String = "clip") throws -> URL {
        let folder = scratch.appendingPathComponent(parent, isDirectory: true).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(
                at: ModelFixture.geluP16.appendingPathComponent(file),
                to: folder.appendingPathComponent(file)
            )
        }
        return folder
    }

    /// A file holding `bytes` at `scratch/<name>`.
    private func file(_ name: String, _ bytes: [UInt8]) throws -> URL {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let url = scratch.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test("a single file's digest is its SHA-256 (FIPS 180-4 example); shards hash their sorted digests")
    func digestValues() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let digests = WeightDigests(store: nil, settlingTime: 0)
        let abc = try file("abc", Array("abc".utf8))
        #expect(try digests.digest(of: abc) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let empty = try file("empty", [])
        #expect(try digests.digest(of: empty) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // Larger than one read chunk (1 MiB), so chunks are joined correctly: the FIPS "million a" example.
        let million = try file("million", [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(try digests.digest(of: million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")

        let a = String(repeating: "a", count: 64)
        let b = String(repeating: "b", count: 64)
        #expect(WeightDigests.combine([a]) == a)
        let both = SHA256.hash(Array((a + "\n" + b + "\n").utf8)).hexString
        #expect(WeightDigests.combine([b, a]) == both)
        #expect(WeightDigests.combine([a, b]) == both)
    }

    @Test("a second open is served from memory, and a new process from the store's file, without rehashing")
    func secondOpenDoesNotRehash() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let weights = try file("model.safetensors", Array("weights".utf8))
        let store = scratch.appendingPathComponent("cache/weight-digests")
        let first = WeightDigests(store: store, settlingTime: 0)
        let digest = try first.digest(of: weights)
        #expect(digest == SHA256.hash(Array("weights".utf8)).hexString)
        #expect(first.timesHashed(weights) == 1)
        #expect(try first.digest(of: weights) == digest)
        #expect(first.timesHashed(weights) == 1)

        let text = try String(contentsOf: store, encoding: .utf8)
        #expect(text.hasPrefix("mmrag weight digests 1\n" + digest + " "))
        let later = WeightDigests(store: store, settlingTime: 0)  // another process, same store
        #expect(try later.digest(of: weights) == digest)
        #expect(later.timesHashed(weights) == 0)
        // The folder's revision is the digest of its one weight file.
        #expect(try later.revision(ofWeightsIn: scratch, variant: nil) == "sha256:" + digest)
        #expect(later.timesHashed(weights) == 0)
    }

    @Test("a file rewritten in place, given a new time, or replaced is hashed again")
    func changedFileIsRehashed() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let url = try file("model.safetensors", Array("weights-1".utf8))
        let store = scratch.appendingPathComponent("weight-digests")
        let digests = WeightDigests(store: store, settlingTime: 0)
        let original = try digests.digest(of: url)

        // Same size, same inode, new content: the modification time (set well apart) tells it apart.
        let handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: Array("weights-2".utf8))
        try handle.close()
        let modified = try #require(
            FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date
        )
        try FileManager.default.setAttributes(
            [.modificationDate: modified.addingTimeInterval(10)],
            ofItemAtPath: url.path
        )
        let rewritten = try digests.digest(of: url)
        #expect(rewritten == SHA256.hash(Array("weights-2".utf8)).hexString)
        #expect(rewritten != original)
        #expect(digests.timesHashed(url) == 2)

        // Replaced by another file with the same size: a new inode.
        try Data("weights-3".utf8).write(to: url, options: .atomic)
        #expect(try digests.digest(of: url) == SHA256.hash(Array("weights-3".utf8)).hexString)
        #expect(digests.timesHashed(url) == 3)

        // The store's file keeps only the entry for the file as it is now.
        let lines = try String(contentsOf: store, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix(SHA256.hash(Array("weights-3".utf8)).hexString))
    }

    @Test("a file changed within the settling time is not remembered; the store's damaged lines are ignored")
    func unsettledAndDamaged() throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let url = try file("model.safetensors", Array("fresh".utf8))
        let store = scratch.appendingPathComponent("weight-digests")
        let cautious = WeightDigests(store: store, settlingTime: 3600)
        _ = try cautious.digest(of: url)
        _ = try cautious.digest(of: url)
        #expect(cautious.timesHashed(url) == 2)
        #expect(!FileManager.default.fileExists(atPath: store.path))

        try Data("mmrag weight digests 1\nnot a line\n\(String(repeating: "z", count: 64)) 1 2 3\n".utf8)
            .write(to: store)
        let digests = WeightDigests(store: store, settlingTime: 0)
        #expect(try digests.digest(of: url) == SHA256.hash(Array("fresh".utf8)).hexString)
        #expect(digests.timesHashed(url) == 1)
        #expect(try String(contentsOf: store, encoding: .utf8).split(separator: "\n").count == 2)
    }

    @Test("a missing weight file is notFound with the errno kept as a POSIXError")
    func missingFile() throws {
        let digests = WeightDigests(store: nil)
        expectError(.notFound, mentioning: "cannot open") {
            _ = try digests.digest(of: scratch.appendingPathComponent("absent"))
        }
        do {
            _ = try digests.revision(ofWeightsIn: scratch, variant: nil)
            Issue.record("expected an error")
        } catch {
            #expect((error.underlying as? POSIXError)?.code == .ENOENT)
            #expect(error.description.contains("(underlying: "), "\(error)")
        }
    }

    @Test("two checkpoint folders with one name and different weights are different spaces; equal weights, equal")
    func folderNameIsNotIdentity() async throws {
        defer { try? FileManager.default.removeItem(at: scratch) }
        let a = try copyCheckpoint(to: "a")
        let b = try copyCheckpoint(to: "b")
        let c = try copyCheckpoint(to: "c")
        // Change one weight of b: the low byte of its last element (a mantissa byte in F32, F16 and BF16).
        var bytes = try [UInt8](Data(contentsOf: b.appendingPathComponent("model.safetensors")))
        bytes[bytes.count - 4] ^= 1
        try Data(bytes).write(to: b.appendingPathComponent("model.safetensors"))

        let modelA = try await CLIPModel(directory: a)
        let modelB = try await CLIPModel(directory: b)
        let modelC = try await CLIPModel(directory: c)
        #expect(modelA.modelID == "clip" && modelB.modelID == "clip")
        let original = ModelFixture.geluP16.appendingPathComponent("model.safetensors")
        let expected = try SHA256.hash(Data(contentsOf: original))
        #expect(modelA.revision == "sha256:" + expected.hexString)
        #expect(modelB.revision == "sha256:" + SHA256.hash(bytes).hexString)
        #expect(modelA.space != modelB.space)
        #expect(modelA.space == modelC.space)
        #expect(modelA.space.description.contains("@sha256:"))
    }

    @Test(
        "opening a checkpoint again does not read its weights again",
        .enabled(if: Fixtures.hasShared, "set \(Fixtures.environmentVariable) to the shared fixtures folder")
    )
    func reopenedModelIsNotRehashed() async throws {
        // Shared fixtures are old, read-only files, so their digests settle at once.
        let folder = try Fixtures.shared("models/bert-tiny")
        let weights = folder.appendingPathComponent("model.safetensors")
        let before = WeightDigests.shared.timesHashed(weights)
        let first = try await BERTModel(directory: folder)
        // Hashed now, or not at all when an earlier run left the digest in the store's file.
        let count = WeightDigests.shared.timesHashed(weights)
        #expect(count <= before + 1)
        let second = try await BERTModel(directory: folder)
        #expect(WeightDigests.shared.timesHashed(weights) == count)
        #expect(first.space == second.space)
        #expect(first.revision == "sha256:" + (try SHA256.hash(Data(contentsOf: weights)).hexString))
    }
}
