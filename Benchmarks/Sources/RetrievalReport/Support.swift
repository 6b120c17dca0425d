// SPDX-License-Identifier: Apache-2.0

// Inputs, clocks, memory and disk measures for retrieval-report.

import BenchmarkSupport
import Dispatch
import Embedding
import Foundation
import Retrieval

/// One object of the benchmark set: the properties every system stores beside the vector.
struct BenchObject {
    let package: String
    let summary: String
    let rank: Int64
    let category: String
}

/// The files `Benchmarks/Scripts/retrieval_data.py` writes, for one size.
struct BenchData {
    let count: Int
    let base: [Float]
    let queries: [Float]
    let truth: [Int]
    let truthWidth: Int
    let objects: [BenchObject]
    static let dimension = 384

    init(folder: String, count: Int) throws {
        self.count = count
        let base = try VectorFile(path: "\(folder)/retrieval-\(count).base.fvecs")
        let queries = try VectorFile(path: "\(folder)/retrieval.query.fvecs")
        let truth = try VectorFile(path: "\(folder)/retrieval-\(count).groundtruth.ivecs", integers: true)
        precondition(base.width == Self.dimension && base.count == count, "unexpected base file")
        self.base = base.floats
        self.queries = queries.floats
        self.truth = truth.integers
        self.truthWidth = truth.width
        let text = try String(contentsOfFile: "\(folder)/retrieval-\(count).objects.jsonl", encoding: .utf8)
        var objects: [BenchObject] = []
        objects.reserveCapacity(count)
        for line in text.split(separator: "\n") {
            let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            objects.append(
                BenchObject(
                    package: json["package"] as! String,
                    summary: json["summary"] as! String,
                    rank: Int64(json["rank"] as! Int),
                    category: json["category"] as! String
                )
            )
        }
        precondition(objects.count == count, "unexpected objects file")
        self.objects = objects
    }

    var queryCount: Int { queries.count / Self.dimension }

    func query(_ i: Int) -> [Float] { Array(queries[i * Self.dimension..<(i + 1) * Self.dimension]) }

    func vector(_ i: Int) -> [Float] { Array(base[i * Self.dimension..<(i + 1) * Self.dimension]) }

    /// |found ∩ true top-10| / 10 averaged over the queries.
    func recallAt10(_ found: [[Int]]) -> Double {
        var hits = 0
        for (q, ids) in found.enumerated() {
            let truthTop = Set(truth[q * truthWidth..<q * truthWidth + 10])
            hits += ids.prefix(10).filter { truthTop.contains($0) }.count
        }
        return Double(hits) / Double(found.count * 10)
    }

    /// The insert inputs, in batches of `batchSize`.
    func batches(of batchSize: Int) -> [[ObjectInput]] {
        stride(from: 0, to: count, by: batchSize).map { start in
            (start..<min(count, start + batchSize)).map { i in
                let o = objects[i]
                return ObjectInput(
                    id: objectID(i),
                    properties: [
                        "package": .text(o.package), "summary": .text(o.summary), "rank": .integer(o.rank),
                        "category": .text(o.category), "bucket": .integer(o.rank % 100),
                    ],
                    vectors: ["minilm": vector(i)]
                )
            }
        }
    }
}

/// The id of object `i`: its number in the last eight bytes, so ids sort like the rows.
func objectID(_ i: Int) -> UUID {
    let b = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(i) >> (56 - 8 * $0)) }
    return UUID(uuid: (0, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, b[2], b[3], b[4], b[5], b[6], b[7]))
}

/// The row number an id of ``objectID(_:)`` stands for.
func rowNumber(_ id: UUID) -> Int {
    let u = id.uuid
    return [u.10, u.11, u.12, u.13, u.14, u.15].reduce(0) { $0 << 8 | Int($1) }
}

/// The benchmark schema: four properties and one caller-supplied 384-d named vector.
func benchSchema(index: VectorIndexKind) throws -> CollectionSchema {
    let space = EmbeddingSpace(
        modelID: "sentence-transformers/all-MiniLM-L6-v2",
        dimension: BenchData.dimension,
        normalization: .l2
    )
    return try CollectionSchema(
        properties: [
            Property("package", .text), Property("summary", .text), Property("rank", .integer),
            Property("category", .text), Property("bucket", .integer),
        ],
        vectors: [NamedVector("minilm", space: space, index: index)]
    )
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func seconds(since start: UInt64) -> Double { Double(now() - start) / 1e9 }

/// The resident set size of this process, in bytes.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

/// The bytes of every file under `folder`.
func diskBytes(_ folder: String) -> Int {
    let manager = FileManager.default
    guard let walker = manager.enumerator(atPath: folder) else { return 0 }
    var total = 0
    while let name = walker.nextObject() as? String {
        let attributes = try? manager.attributesOfItem(atPath: folder + "/" + name)
        if attributes?[.type] as? FileAttributeType == .typeRegular {
            total += (attributes?[.size] as? Int) ?? 0
        }
    }
    return total
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// The `p`-th percentile (nearest rank) of `values`.
func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(sorted.count - 1, max(0, rank - 1))]
}

func format(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

/// The load average over the last minute.
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
        .joined(separator: " ") ?? "?"
}

/// Writes a line to standard output at once (a crash or a pipe loses nothing already said).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// CPU seconds every thread of this process has used.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
