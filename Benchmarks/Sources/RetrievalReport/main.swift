// SPDX-License-Identifier: Apache-2.0

// The retrieval benchmark of issue 11: a MultimodalCollection on disk with a caller-supplied 384-d named vector,
// measured in the units of the peer script (Benchmarks/Scripts/retrieval_peers.py, LanceDB and Chroma):
//   ingest objects/s (1,000-object batches, each one durable commit), near-vector top-10 latency p50/p99 (flat
//   and IVF-PQ with exact re-ranking) with recall@10, reopen seconds, resident bytes and disk bytes per object.
// Data: Benchmarks/Scripts/retrieval_data.py <fixtures>/ann <data>.
// Usage: swift run -c release --package-path Benchmarks retrieval-report <data> <work> [--n 100000] [--runs 3]
//          [--ivf LISTS,M,PROBES,REFINE] [--no-ivf] [--snapshot-mib N] [--no-sync] [--ingest-only]
//        retrieval-report --tune <data> [--n 100000] [--ivf LISTS,M]   (recall and latency of IVF-PQ settings)
//        retrieval-report --reopen <folder> <data>                      (one reopen, in a fresh process)
//        retrieval-report --close <folder>                              (open, then close: snapshots the log)
//        retrieval-report --search <data> <work> [--n 100000]          (filtered, keyword and hybrid queries)

import BenchmarkSupport
import Foundation
import Retrieval
import VectorIndex

#if DEBUG
fatalError("build with -c release: debug numbers mean nothing")
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
let positional = arguments.enumerated().filter { i, a in
    !a.hasPrefix("--") && (i == 0 || !["--n", "--runs", "--ivf", "--snapshot-mib"].contains(arguments[i - 1]))
}.map(\.element)
func value(_ flag: String) -> String? {
    arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
let count = Int(value("--n") ?? "") ?? 100_000
let runs = Int(value("--runs") ?? "") ?? 3
let ivfArguments = (value("--ivf") ?? "256,48,64,8").split(separator: ",").compactMap { Int($0) }
let batchSize = 1_000
/// `--snapshot-mib N`: the store's snapshot threshold; `--no-sync`: commits without `fsync` (the store's defaults
/// otherwise).
let storeOptions = LocalVectorStore.Options(
    snapshotThreshold: value("--snapshot-mib").flatMap { Int($0) }.map { $0 << 20 }
        ?? LocalVectorStore.Options().snapshotThreshold,
    syncOnCommit: !arguments.contains("--no-sync")
)
let passes = 3

// MARK: - One reopen (child process)

if arguments.first == "--reopen", positional.count >= 2 {
    let folder = positional[0]
    let queries = try VectorFile(path: "\(positional[1])/retrieval.query.fvecs")
    let before = residentBytes()
    let start = now()
    let collection = try await MultimodalCollection.open(at: folder)
    let opened = seconds(since: start)
    _ = try await collection.near(vector: Array(queries.floats[0..<BenchData.dimension]), limit: 10)
    let firstQuery = seconds(since: start)
    let objects = try await collection.count()
    say("REOPEN \(opened) \(firstQuery) \(residentBytes() - before) \(objects)")
    exit(0)
}

if arguments.first == "--close", let folder = positional.first {
    let start = now()
    try await MultimodalCollection.open(at: folder).close()
    say("open + close: \(format(seconds(since: start))) s")
    exit(0)
}

/// Reopens `folder` in `times` fresh processes: median open seconds, open + first query, resident bytes.
func reopen(_ folder: String, data: String, times: Int = 5) throws -> (open: Double, first: Double, bytes: Double) {
    var rows: [[Double]] = []
    for _ in 0..<times {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--reopen", folder, data]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("REOPEN") }) else {
            fatalError("reopen failed: \(output)")
        }
        rows.append(line.split(separator: " ").dropFirst().compactMap { Double($0) })
    }
    return (median(rows.map { $0[0] }), median(rows.map { $0[1] }), median(rows.map { $0[2] }))
}

// MARK: - IVF-PQ settings sweep (standalone index trained as the collection trains it)

if arguments.first == "--tune", let dataFolder = positional.first {
    let data = try BenchData(folder: dataFolder, count: count)
    let configuration = IVFPQConfiguration(listCount: ivfArguments[0], subquantizerCount: ivfArguments[1])
    let matrix = try VectorMatrix(values: data.base, dimension: BenchData.dimension)
    let index = try IVFPQIndex(dimension: BenchData.dimension, metric: .innerProduct, configuration: configuration)
    let exact = try FlatIndex(dimension: BenchData.dimension, metric: .innerProduct)
    var start = now()
    try index.train(matrix)
    say(
        "trained \(configuration.listCount) lists, M \(configuration.subquantizerCount) in \(format(seconds(since: start), 1)) s"
    )
    start = now()
    try index.add(matrix, ids: (0..<UInt64(data.count)).map { $0 })
    try exact.add(matrix, ids: (0..<UInt64(data.count)).map { $0 })
    say("added in \(format(seconds(since: start), 1)) s; load \(loadAverage())")
    say("| probes | refine | recall@10 | CPU p50 ms | CPU p99 ms |")
    for probes in [8, 16, 32, 64, 128] {
        for refine in [1, 4, 8, 16, 32] {
            var found: [[Int]] = []
            var latencies: [Double] = []
            for q in 0..<data.queryCount {
                let query = data.query(q)
                let t = processCPUSeconds()
                let coarse = try index.search(
                    query,
                    k: 10 * refine,
                    parameters: IVFPQSearchParameters(probeCount: probes, refineFactor: 1)
                )
                var rescored = coarse.compactMap { hit in exact.vector(for: hit.id).map { (hit.id, dot(query, $0)) } }
                rescored.sort { $0.1 > $1.1 }
                latencies.append((processCPUSeconds() - t) * 1e3)
                found.append(rescored.prefix(10).map { Int($0.0) })
            }
            say(
                "| \(probes) | \(refine) | \(format(data.recallAt10(found))) | \(format(percentile(latencies, 50))) "
                    + "| \(format(percentile(latencies, 99))) |"
            )
        }
    }
    exit(0)
}

func dot(_ a: [Float], _ b: [Float]) -> Float {
    var s: Float = 0
    for i in a.indices { s += a[i] * b[i] }
    return s
}

// MARK: - Filtered, keyword and hybrid queries

if arguments.first == "--search", positional.count >= 2 {
    try await searchReport(dataFolder: positional[0], work: positional[1], count: count, passes: passes)
    exit(0)
}

// MARK: - The run

guard positional.count >= 2 else {
    say("usage: retrieval-report <data> <work> [--n N] [--runs R] [--ivf LISTS,M,PROBES,REFINE] [--no-ivf]")
    exit(2)
}
let dataFolder = positional[0]
let work = positional[1]
try? FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
say("retrieval-report: n \(count), load \(loadAverage())")
let data = try BenchData(folder: dataFolder, count: count)
let batches = data.batches(of: batchSize)

/// Creates a collection in `folder` and inserts every batch: objects/s and the resident bytes it added.
///
/// The rate counts until the last commit returns. `ready` is the time from then until a filtered keyword query
/// answers: the filter and keyword indexes follow the commits and have caught up by then.
func ingest(
    _ folder: String,
    index: VectorIndexKind
) async throws -> (collection: MultimodalCollection, rate: Double, resident: Int, ready: Double, cpu: Double) {
    try? FileManager.default.removeItem(atPath: folder)
    let before = residentBytes()
    let collection = try await MultimodalCollection.create(
        at: folder,
        schema: try benchSchema(index: index),
        options: storeOptions
    )
    let start = now()
    let cpuStart = processCPUSeconds()
    for batch in batches { try await collection.insert(batch) }
    let committed = now()
    let rate = Double(count) / seconds(since: start)
    _ = try await collection.bm25("json parser", filter: .equal("bucket", .integer(7)), limit: 10)
    let cpu = processCPUSeconds() - cpuStart
    return (collection, rate, residentBytes() - before, seconds(since: committed), cpu)
}

/// Query latencies in ms: wall clock and process CPU time (every thread's, so a busy machine's waits for a core
/// are left out), median over the passes of the 50th and 99th percentiles; recall@10 of the first pass.
struct Latency {
    var p50 = 0.0
    var p99 = 0.0
    var cpuP50 = 0.0
    var cpuP99 = 0.0
    var recall = 0.0

    var line: String {
        "p50 \(format(p50)) ms, p99 \(format(p99)) ms (CPU p50 \(format(cpuP50)) ms, p99 \(format(cpuP99)) ms), "
            + "recall@10 \(format(recall))"
    }

    func json(_ prefix: String) -> [String: Any] {
        [
            "\(prefix)p50_ms": p50, "\(prefix)p99_ms": p99, "\(prefix)cpu_p50_ms": cpuP50,
            "\(prefix)cpu_p99_ms": cpuP99, "\(prefix)recall10": recall,
        ]
    }
}

/// Searches every query `passes` times, one query per call.
func queries(_ collection: MultimodalCollection) async throws -> Latency {
    for q in 0..<20 { _ = try await collection.near(vector: data.query(q), limit: 10) }
    var rows: [[Double]] = []
    var latency = Latency()
    for pass in 0..<passes {
        var wall: [Double] = []
        var cpu: [Double] = []
        var found: [[Int]] = []
        for q in 0..<data.queryCount {
            let query = data.query(q)
            let cpuStart = processCPUSeconds()
            let start = now()
            let results = try await collection.near(vector: query, limit: 10)
            wall.append(seconds(since: start) * 1e3)
            cpu.append((processCPUSeconds() - cpuStart) * 1e3)
            if pass == 0 { found.append(results.map { rowNumber($0.object.id) }) }
        }
        if pass == 0 { latency.recall = data.recallAt10(found) }
        rows.append([percentile(wall, 50), percentile(wall, 99), percentile(cpu, 50), percentile(cpu, 99)])
    }
    latency.p50 = median(rows.map { $0[0] })
    latency.p99 = median(rows.map { $0[1] })
    latency.cpuP50 = median(rows.map { $0[2] })
    latency.cpuP99 = median(rows.map { $0[3] })
    return latency
}

// `--chroma URL`: the same ingest and queries through ChromaVectorStore on a running server, then stop.
if let chromaURL = value("--chroma").flatMap(URL.init(string:)) {
    let schema = try benchSchema(index: .flat)
    let configuration = ChromaVectorStore.Configuration(baseURL: chromaURL, collection: "bench-\(count)-swift")
    var chromaRates: [Double] = []
    var collection: MultimodalCollection?
    for run in 0..<runs {
        let store = try await ChromaVectorStore.connect(configuration, schema: schema)
        try await store.deleteCollections()
        let fresh = try await ChromaVectorStore.connect(configuration, schema: schema)
        let chroma = MultimodalCollection(schema: schema, store: fresh, blobs: MemoryBlobStore())
        let start = now()
        for batch in batches { try await chroma.insert(batch) }
        chromaRates.append(Double(count) / seconds(since: start))
        say("chroma ingest run \(run + 1): \(Int(chromaRates.last!)) objects/s (load \(loadAverage()))")
        collection = chroma
    }
    let latency = try await queries(collection!)
    say("chroma adapter: ingest median \(Int(median(chromaRates))) objects/s; near-vector top-10: \(latency.line)")
    exit(0)
}

// Flat: ingest runs, then queries and reopen on the last one.
var rates: [Double] = []
var flat: MultimodalCollection?
var ingestResident = 0
var cpuSeconds: [Double] = []
for run in 0..<runs {
    flat = nil
    let (collection, rate, resident, ready, cpu) = try await ingest("\(work)/ours-flat", index: .flat)
    cpuSeconds.append(cpu)
    rates.append(rate)
    ingestResident = resident
    flat = collection
    say(
        "ingest run \(run + 1): \(Int(rate)) objects/s; filter and keyword indexes ready \(format(ready)) s after "
            + "the last commit; CPU \(format(cpu)) s, all threads (load \(loadAverage()))"
    )
}
if arguments.contains("--ingest-only") {
    say(
        "ingest median \(Int(median(rates))) objects/s (runs \(rates.map { Int($0) })); CPU median "
            + "\(format(median(cpuSeconds))) s"
    )
    exit(0)
}
let flatQueries = try await queries(flat!)
say("flat near-vector top-10: \(flatQueries.line) (load \(loadAverage()))")
flat = nil
let flatDisk = diskBytes("\(work)/ours-flat")
let flatReopen = try reopen("\(work)/ours-flat", data: dataFolder)
say(
    "flat reopen (log replayed, as after a crash): \(format(flatReopen.open)) s (with first query "
        + "\(format(flatReopen.first)) s), resident \(Int(flatReopen.bytes) / count) B/object (ingest process: "
        + "\(ingestResident / count)), disk \(flatDisk / count) B/object"
)
// A clean close moves the logged writes into the snapshot: the next open reads the snapshot alone.
let closeStart = now()
try await MultimodalCollection.open(at: "\(work)/ours-flat").close()
let closeSeconds = seconds(since: closeStart)
let cleanReopen = try reopen("\(work)/ours-flat", data: dataFolder)
say(
    "flat reopen after close(): \(format(cleanReopen.open)) s (with first query \(format(cleanReopen.first)) s); "
        + "open + close took \(format(closeSeconds)) s"
)
var result: [String: Any] = [
    "n": count, "ingest_objects_per_s": median(rates), "ingest_runs": rates,
    "reopen_s": flatReopen.open, "reopen_first_query_s": flatReopen.first,
    "reopen_after_close_s": cleanReopen.open, "reopen_after_close_first_query_s": cleanReopen.first,
    "memory_bytes_per_object": flatReopen.bytes / Double(count),
    "ingest_memory_bytes_per_object": Double(ingestResident) / Double(count),
    "disk_bytes_per_object": Double(flatDisk) / Double(count),
].merging(flatQueries.json("flat_")) { a, _ in a }

// IVF-PQ trained in the background once every object is in, with exact re-ranking by the refine factor.
func runIVFPQ() async throws -> [String: Any] {
    let configuration = IVFPQConfiguration(listCount: ivfArguments[0], subquantizerCount: ivfArguments[1])
    let search = IVFPQSearchParameters(probeCount: ivfArguments[2], refineFactor: ivfArguments[3])
    let folder = "\(work)/ours-ivfpq"
    let (rate, training, ivf) = try await {
        let (collection, rate, _, _, _) = try await ingest(
            folder,
            index: .automatic(threshold: count, configuration, search: search)
        )
        let store = collection.store as! LocalVectorStore
        let start = now()
        await store.waitForIndexing()
        let training = seconds(since: start)
        try await store.checkpoint()
        return (rate, training, try await queries(collection))
    }()
    say(
        "IVF-PQ (\(ivfArguments)) ingest \(Int(rate)) objects/s, trained in \(format(training, 1)) s; top-10: "
            + "\(ivf.line) (load \(loadAverage()))"
    )
    let disk = diskBytes(folder)
    let reopened = try reopen(folder, data: dataFolder)
    say(
        "IVF-PQ reopen: \(format(reopened.open)) s (with first query \(format(reopened.first)) s), resident "
            + "\(Int(reopened.bytes) / count) B/object, disk \(disk / count) B/object"
    )
    return [
        "lists": ivfArguments[0], "m": ivfArguments[1], "probes": ivfArguments[2], "refine": ivfArguments[3],
        "training_s": training,
        "ingest_objects_per_s": rate, "reopen_s": reopened.open, "reopen_first_query_s": reopened.first,
        "memory_bytes_per_object": reopened.bytes / Double(count),
        "disk_bytes_per_object": Double(disk) / Double(count),
    ].merging(ivf.json("")) { a, _ in a }
}
if !arguments.contains("--no-ivf") { result["ivfpq"] = try await runIVFPQ() }
let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
say("RESULT " + String(decoding: json, as: UTF8.self))
