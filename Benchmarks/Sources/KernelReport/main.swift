// SPDX-License-Identifier: Apache-2.0

// Prints medians of the distance kernels and the flat index in the units the peer benchmarks report:
// M vectors/s and GB/s of database read for scans, GFLOP/s for the 64-query batch, queries/s for search.
// Usage: swift run -c release --package-path Benchmarks kernel-report [--quick] [--cpu-time] [--storage]
// --storage prints only the FlatIndex storage table (Float32, Float16, 8-bit: bytes/vector and one-query scan
// speed at 100,000 × 384; peers: python Benchmarks/Scripts/storage_peers.py).
// --cpu-time times one-thread rows in process CPU time (for a machine shared with other jobs; two-thread rows
// stay wall clock). MMRAG_ISA=baseline|avx2|avx512 picks the kernels' instruction set (the first line says which).

import BenchmarkSupport
import Dispatch
import VectorIndex

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if DEBUG
fatalError("build with -c release: debug numbers mean nothing")
#endif

let quick = CommandLine.arguments.contains("--quick")
let rounds = quick ? 3 : 7
let cpuTime = CommandLine.arguments.contains("--cpu-time")
print("instruction set: \(InstructionSet.active) (supported: \(InstructionSet.supported.map(\.rawValue)))")

/// Nanoseconds of process CPU time (with `cpu`, where available) or of wall clock.
func now(cpu: Bool) -> UInt64 {
    #if canImport(Glibc)
    if cpu {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }
    #endif
    return DispatchTime.now().uptimeNanoseconds
}

/// Median seconds per call of `body`, each sample repeating it enough to take about 0.1 s; `cpu` measures
/// process CPU time instead of wall clock (only meaningful when `body` runs on one thread).
func median(cpu: Bool = cpuTime, _ body: () -> Void) -> Double {
    var reps = 1
    while true {
        let start = now(cpu: cpu)
        for _ in 0..<reps { body() }
        let elapsed = Double(now(cpu: cpu) - start) / 1e9
        if elapsed >= 0.1 || reps >= 1 << 20 { break }
        reps *= 2
    }
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = now(cpu: cpu)
        for _ in 0..<reps { body() }
        samples.append(Double(now(cpu: cpu) - start) / 1e9 / Double(reps))
    }
    return samples.sorted()[samples.count / 2]
}

func format(_ x: Double, _ digits: Int = 1) -> String {
    let scale = [1.0, 10, 100, 1000][digits]
    let rounded = (x * scale).rounded() / scale
    return "\(rounded)"
}

let dimensions = quick ? [128, 768] : [128, 384, 512, 768, 1536]
var sink: Float = 0

/// One-query scans of a 100,000 × 384 flat index in each storage: bytes per vector and M vectors/s (k = 10).
@MainActor func storageTable() throws {
    let n = quick ? 20_000 : 100_000
    let d = 384
    let base = randomMatrix(n, d, seed: 11)
    let queries = randomMatrix(16, d, seed: 12)
    let ids = (0..<UInt64(n)).map { $0 }
    print("## FlatIndex storage, 1 × \(n) × \(d), k = 10, one thread: M vectors/s (× Float32)")
    print("| storage | vector bytes | bytes/vector (footprint, ids and id map included) | inner product | squared L2 |")
    print("|---|---|---|---|---|")
    var float32Speed: [Metric: Double] = [:]
    for storage in VectorStorage.allCases {
        var cells: [String] = []
        var footprint = 0
        for metric in [Metric.innerProduct, .squaredL2] {
            let index = try FlatIndex(dimension: d, metric: metric, storage: storage)
            try index.train(base)
            try index.add(base, ids: ids)
            footprint = index.memoryFootprint
            var q = 0
            let seconds = median {
                sink += (try? index.search(Array(queries[q & 15]), k: 10))?.first?.score ?? 0
                q += 1
            }
            let speed = Double(n) / seconds / 1e6
            if storage == .float32 { float32Speed[metric] = speed }
            cells.append("\(format(speed, 1)) (\(format(speed / float32Speed[metric]!, 2))×)")
        }
        print(
            "| \(storage) | \(d * storage.bytesPerComponent) | \(format(Double(footprint) / Double(n), 1)) | "
                + cells.joined(separator: " | ") + " |"
        )
    }
}

if CommandLine.arguments.contains("--storage") {
    try storageTable()
    print("\n(checksum \(sink))")
    exit(0)
}

print("## Single query scans: M vectors/s (GB/s)")
print("| kernel | rows | " + dimensions.map { "d=\($0)" }.joined(separator: " | ") + " |")
print("|---|---|" + dimensions.map { _ in "---" }.joined(separator: "|") + "|")
for rows in [1000, quick ? 20_000 : 100_000] {
    var cells: [Metric: [String]] = [:]
    var stored: [Metric: [String]] = [:]
    for d in dimensions {
        let matrix = randomMatrix(rows, d, seed: UInt64(d))
        let query = ContiguousArray(randomMatrix(1, d, seed: 7).values)
        var scores = ContiguousArray<Float>(repeating: 0, count: rows)
        for metric in Metric.allCases {
            let seconds = median {
                var out = scores.mutableSpan
                metric.scores(query: query.span, rows: matrix, into: &out)
            }
            sink += scores[rows - 1]
            let vectorsPerSecond = Double(rows) / seconds
            let bytesPerSecond = vectorsPerSecond * Double(d * 4)
            cells[metric, default: []].append("\(format(vectorsPerSecond / 1e6)) (\(format(bytesPerSecond / 1e9)))")
            // The same rows in a flat index (stored 64-byte aligned), searched for the top 10.
            guard rows > 1000, metric != .cosine else { continue }
            let index = try FlatIndex(dimension: d, metric: metric)
            try index.add(matrix, ids: (0..<UInt64(rows)).map { $0 })
            let searchSeconds = median { sink += (try? index.search(Array(query), k: 10))?.first?.score ?? 0 }
            stored[metric, default: []].append(format(Double(rows) / searchSeconds / 1e6))
        }
        scores[0] = sink
    }
    for metric in Metric.allCases {
        print("| \(metric) | 1 × \(rows) | " + cells[metric]!.joined(separator: " | ") + " |")
    }
    for metric in Metric.allCases {
        guard let row = stored[metric] else { continue }
        print("| FlatIndex search, \(metric), k = 10 | 1 × \(rows) | " + row.joined(separator: " | ") + " |")
    }
}

print("\n## 64 queries × rows, matrix-product kernel (inner product): GFLOP/s")
let batchRows = quick ? 20_000 : 100_000
print("| threads | " + dimensions.map { "d=\($0)" }.joined(separator: " | ") + " |")
print("|---|" + dimensions.map { _ in "---" }.joined(separator: "|") + "|")
for threads in [1, 2] {
    var cells: [String] = []
    for d in dimensions {
        let matrix = randomMatrix(batchRows, d, seed: UInt64(d))
        let queries = randomMatrix(64, d, seed: 3)
        let seconds = median(cpu: cpuTime && threads == 1) {
            let out = Metric.innerProduct.scores(queries: queries, rows: matrix, threads: threads)
            sink += out.values[0]
        }
        cells.append(format(2 * 64 * Double(batchRows) * Double(d) / seconds / 1e9))
    }
    print("| \(threads) | " + cells.joined(separator: " | ") + " |")
}

print("\n## FlatIndex search, \(batchRows) × 384, k = 10: queries/s")
print("| metric | one query at a time (1 thread) | batch of 64, 1 thread | batch of 64, 2 threads |")
print("|---|---|---|---|")
for metric in Metric.allCases {
    let d = 384
    guard let index = try? FlatIndex(dimension: d, metric: metric) else { fatalError("index") }
    let base = randomMatrix(batchRows, d, seed: 11)
    try index.add(base, ids: (0..<UInt64(batchRows)).map { $0 })
    let queries = randomMatrix(64, d, seed: 12)
    let single = median {
        for i in 0..<8 { sink += (try? index.search(Array(queries[i]), k: 10))?.first?.score ?? 0 }
    }
    let batch1 = median { sink += (try? index.search(queries, k: 10, threads: 1))?[0].first?.score ?? 0 }
    let batch2 = median(cpu: false) { sink += (try? index.search(queries, k: 10, threads: 2))?[0].first?.score ?? 0 }
    print("| \(metric) | \(format(8 / single, 0)) | \(format(64 / batch1, 0)) | \(format(64 / batch2, 0)) |")
}
print("")
try storageTable()
print("\n(checksum \(sink))")
