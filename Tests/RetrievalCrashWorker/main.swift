// SPDX-License-Identifier: Apache-2.0

// The process the crash test kills: it inserts, updates and deletes objects (with blobs) in a collection, printing
// `begin …` before and `ack` after every write, so the test knows what was acknowledged when it struck. It writes
// for at most MILLISECONDS after `ready` (by its own clock) and then waits to be killed: the test kills it well
// before that, but a test process slowed down by a busy machine (its sleep before the kill running long) then
// cannot let a trial's collection, and the checks after it, grow without bound.
// Usage: RetrievalCrashWorker FOLDER SEED [MILLISECONDS]

import Embedding
import Foundation
import Retrieval
import VectorIndex

/// The schema every crash trial uses: an integer, a blob and a caller-supplied 4-d vector compared by squared L2.
func crashSchema() throws -> CollectionSchema {
    try CollectionSchema(
        properties: [Property("n", .integer), Property("photo", .blob)],
        vectors: [
            NamedVector(
                "v",
                space: EmbeddingSpace(modelID: "crash", dimension: 4, normalization: .none),
                metric: .squaredL2
            )
        ]
    )
}

/// The blob and vector of an object with number `n`: a function of the id and `n`, so the test can check them.
func content(_ id: UUID, _ n: Int) -> (blob: [UInt8], vector: [Float]) {
    let blob = Array(String(repeating: "\(id.uuidString)-\(n);", count: 1 + n % 40).utf8)
    return (blob, [Float(n), Float(n % 7), Float(n % 11), 1])
}

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let arguments = CommandLine.arguments
guard (3...4).contains(arguments.count), let seed = UInt64(arguments[2]),
    let milliseconds = arguments.count == 4 ? Int(arguments[3]) : Int.max / 2
else {
    FileHandle.standardError.write(Data("usage: RetrievalCrashWorker FOLDER SEED [MILLISECONDS]\n".utf8))
    exit(2)
}
let folder = arguments[1]
let options = LocalVectorStore.Options(snapshotThreshold: 24 << 10)
let collection =
    FileManager.default.fileExists(atPath: folder + "/snapshot")
    ? try await MultimodalCollection.open(at: folder, options: options)
    : try await MultimodalCollection.create(at: folder, schema: try crashSchema(), options: options)
var live: [UUID] = []
var cursor: UUID?
while true {
    let page = try await collection.objects(after: cursor, limit: 500)
    if page.isEmpty { break }
    live += page.map(\.id)
    cursor = page.last?.id
}
var random = Generator(state: seed)
say("ready")
let deadline = ContinuousClock.now + .milliseconds(milliseconds)
while ContinuousClock.now < deadline {
    let roll = Int.random(in: 0..<100, using: &random)
    let n = Int.random(in: 0..<1_000_000, using: &random)
    if roll < 15 || live.isEmpty {
        let batch = (0..<Int.random(in: 2...5, using: &random)).map { i in (UUID(), n + i) }
        say("begin batch " + batch.map { "\($0.0.uuidString):\($0.1)" }.joined(separator: ","))
        try await collection.insert(
            batch.map { id, n in
                let (blob, vector) = content(id, n)
                return ObjectInput(
                    id: id,
                    properties: ["n": .integer(Int64(n))],
                    blobs: ["photo": blob],
                    vectors: ["v": vector]
                )
            }
        )
        live += batch.map(\.0)
    } else if roll < 55 {
        let id = UUID()
        say("begin insert \(id.uuidString):\(n)")
        let (blob, vector) = content(id, n)
        try await collection.insert(
            ObjectInput(id: id, properties: ["n": .integer(Int64(n))], blobs: ["photo": blob], vectors: ["v": vector])
        )
        live.append(id)
    } else if roll < 80 {
        let id = live[Int.random(in: 0..<live.count, using: &random)]
        say("begin update \(id.uuidString):\(n)")
        let (blob, vector) = content(id, n)
        try await collection.update(
            id,
            properties: ["n": .integer(Int64(n))],
            blobs: ["photo": blob],
            vectors: ["v": vector]
        )
    } else {
        let index = Int.random(in: 0..<live.count, using: &random)
        let id = live.remove(at: index)
        say("begin delete \(id.uuidString)")
        try await collection.delete([id])
    }
    say("ack")
}
while true { try await Task.sleep(for: .seconds(60)) }
