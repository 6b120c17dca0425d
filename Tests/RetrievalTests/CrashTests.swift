// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Retrieval
import Testing
import VectorIndex

/// Kills a writer process with SIGKILL at random moments and checks what reopening finds.
///
/// The worker (`RetrievalCrashWorker`) prints `begin <op>` before and `ack` after every write. After each kill
/// the collection must hold every acknowledged write, and the one write in flight either entirely or not at
/// all; every referenced blob must exist with the right bytes, no unreferenced blob may remain, and the vector
/// index must agree with the objects. `MMRAG_CRASH_TRIALS` sets the number of trials (default 50; the
/// documented long run is 500).
@Suite struct CrashTests {
    /// The expected contents: id → n.
    typealias Model = [UUID: Int]

    enum Operation {
        case insert([(UUID, Int)])
        case update(UUID, Int)
        case delete(UUID)
    }

    static var workerPath: String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On Linux the test binary is <bin>/multimodal-ragPackageTests.xctest; on Apple platforms it sits inside
        // the .xctest bundle, three levels below <bin>.
        for _ in 0..<4
        where !FileManager.default.fileExists(atPath: folder.appendingPathComponent("RetrievalCrashWorker").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("RetrievalCrashWorker").path
    }

    static func parse(_ line: Substring) -> Operation? {
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[0] == "begin" else { return nil }
        func pair(_ text: Substring) -> (UUID, Int)? {
            let fields = text.split(separator: ":")
            guard fields.count == 2, let id = UUID(uuidString: String(fields[0])), let n = Int(fields[1]) else {
                return nil
            }
            return (id, n)
        }
        switch parts[1] {
        case "batch": return .insert(parts[2].split(separator: ",").compactMap(pair))
        case "insert": return pair(parts[2]).map { .insert([$0]) }
        case "update": return pair(parts[2]).map { .update($0.0, $0.1) }
        case "delete": return UUID(uuidString: String(parts[2])).map { .delete($0) }
        default: return nil
        }
    }

    static func apply(_ operation: Operation, to model: inout Model) {
        switch operation {
        case .insert(let pairs): for (id, n) in pairs { model[id] = n }
        case .update(let id, let n): model[id] = n
        case .delete(let id): model[id] = nil
        }
    }

    /// The blob and vector the worker stores for (id, n).
    static func content(_ id: UUID, _ n: Int) -> (blob: [UInt8], vector: [Float]) {
        let blob = Array(String(repeating: "\(id.uuidString)-\(n);", count: 1 + n % 40).utf8)
        return (blob, [Float(n), Float(n % 7), Float(n % 11), 1])
    }

    /// Whether the collection holds exactly `model`, with blobs and the index in agreement.
    static func matches(_ collection: MultimodalCollection, _ model: Model) async throws -> Bool {
        guard try await collection.count() == model.count else { return false }
        for (id, n) in model {
            guard let object = try await collection.object(id), object.properties["n"] == .integer(Int64(n)) else {
                return false
            }
            let (blob, vector) = content(id, n)
            guard object.vectors["v"] == vector, case .blob(let reference)? = object.properties["photo"],
                try await collection.blob(reference) == blob
            else { return false }
        }
        return true
    }

    @Test("acknowledged writes survive SIGKILL at random moments; nothing half-written remains")
    func killedWriter() async throws {
        let trials = ProcessInfo.processInfo.environment["MMRAG_CRASH_TRIALS"].flatMap(Int.init) ?? 50
        let folder = temporaryFolder()
        var model = Model()
        var generator = SeededRandom(seed: 42)
        var pendingApplied = 0
        var duringSnapshot = 0
        for trial in 0..<trials {
            let output = folder + "-out-\(trial)"
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.workerPath)
            // The worker stops writing 250 ms after the moment it is meant to be killed (by its own clock).
            let delay = Int.random(in: 5...120, using: &generator)
            process.arguments = [folder, String(trial), String(delay + 250)]
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            try process.run()
            // Wait until it has opened the collection, then let it write for a random while.
            let start = Date()
            while !(String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self).contains(
                "ready"
            )) {
                try #require(process.isRunning && Date().timeIntervalSince(start) < 60, "the worker did not start")
                try await Task.sleep(for: .milliseconds(2))
            }
            try await Task.sleep(for: .milliseconds(delay))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)

            let lines = String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false)
            var pending: Operation?
            for line in lines {
                if let operation = Self.parse(line) {
                    pending = operation
                } else if line == "ack", let operation = pending {
                    Self.apply(operation, to: &model)
                    pending = nil
                }
            }
            // Killed while a background snapshot was being written: both logs are there to replay.
            if FileManager.default.fileExists(atPath: folder + "/log.previous") { duringSnapshot += 1 }
            let collection = try await MultimodalCollection.open(at: folder)
            if try await Self.matches(collection, model) {
                // The write in flight was not applied.
            } else if let operation = pending {
                var withPending = model
                Self.apply(operation, to: &withPending)
                let applied = try await Self.matches(collection, withPending)
                #expect(
                    applied,
                    "trial \(trial): the collection holds neither the acknowledged state nor it plus the write in flight"
                )
                if applied {
                    model = withPending
                    pendingApplied += 1
                }
            } else {
                Issue.record("trial \(trial): the collection does not hold the acknowledged writes")
            }
            // Blobs: exactly the referenced ones (orphans were collected on open).
            var referenced = Set<String>()
            for object in try await collection.objects(limit: 1_000_000) {
                if case .blob(let reference)? = object.properties["photo"] { referenced.insert(reference.key) }
            }
            #expect(Set(try await collection.blobs.keys()) == referenced, "trial \(trial): blob store disagrees")
            // The index agrees with the objects: every object is found, at distance 0, by its own vector.
            var query = NearQuery(target: .init(vector: "v", .vector([0, 0, 0, 0])))
            query.limit = model.count + 10
            #expect(Set(try await collection.search(query).map(\.object.id)) == Set(model.keys))
            if let (id, n) = model.first {
                let hit = try await collection.near(vector: Self.content(id, n).vector, in: "v", limit: 1)
                #expect(hit.first?.distance == 0)
            }
            // The inverted property index agrees with the objects it was rebuilt from.
            if let (_, n) = model.first {
                let below = try await collection.objects(where: .lessThan("n", .integer(Int64(n))), limit: 1_000_000)
                #expect(Set(below.map(\.id)) == Set(model.filter { $0.value < n }.keys), "trial \(trial): filter")
            }
            try? FileManager.default.removeItem(atPath: output)
        }
        #expect(!model.isEmpty)
        print(
            "crash test: \(trials) kills, \(model.count) objects at the end, \(pendingApplied) in-flight writes applied, "
                + "\(duringSnapshot) kills during a background snapshot"
        )
    }
}

/// A small seeded generator for test timing (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
