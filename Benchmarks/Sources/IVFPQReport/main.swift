// SPDX-License-Identifier: Apache-2.0

// Recall and throughput of IVFPQIndex on the shared ANN fixtures, in the units and at the parameters of the
// FAISS peer script (Benchmarks/Scripts/ivfpq_faiss.py): R@1, 10-R@10, queries/s of one 1,000-query batch call
// on one thread (median of rounds, thread CPU time), the same on every core (wall time), training time on one
// thread (CPU time), bytes per vector.
// Usage: swift run -c release --package-path Benchmarks ivfpq-report <fixtures>/ann [--quick]
//   [--setups 0,1] [--lists 1024] [--no-refine] [--seed N] [--add-bench] [--faiss-index FILE]
//   [--save-trained FILE] [--stored float32|float16|sq8]
// `--stored` picks the vectors kept for the refine(4) columns (Float32 by default; `sq8` re-ranks from 8-bit codes).
// `--add-bench` instead times adds into a trained index that keeps Float32 vectors: the base set added one
// vector a call, in calls of 1,000, and in one call (process CPU time, median of 3), with bytes per vector after.
// `--faiss-index FILE` prints the recall of a FAISS IndexIVFPQ file (written by `faiss.write_index`) searched by
// this package, beside which the FAISS script's recall of the same file tells training from search.
// `<fixtures>/ann` is any folder with the fixtures' file names: the 100k MiniLM set the fixture generator
// writes with `--n-base 100000` (see Documentation/Benchmarks.md) runs as `<folder> --setups 0,1 --lists 1024`.

import BenchmarkSupport
import Dispatch
import Foundation
import VectorIndex

#if DEBUG
fatalError("build with -c release: debug numbers mean nothing")
#endif

let arguments = CommandLine.arguments.dropFirst()
guard let annPath = arguments.first(where: { !$0.hasPrefix("--") }) else {
    print("usage: ivfpq-report <fixtures>/ann [--quick]")
    exit(2)
}
let quick = arguments.contains("--quick")
let rounds = quick ? 3 : 5
/// `--probes 1,64` and `--setups 0,2` restrict the run (for profiling).
func list(after flag: String) -> [Int]? {
    guard let i = arguments.firstIndex(of: flag), arguments.index(after: i) < arguments.endIndex else { return nil }
    return arguments[arguments.index(after: i)].split(separator: ",").compactMap { Int($0) }
}
let probes = list(after: "--probes") ?? [1, 4, 8, 16, 32, 64]
let stored: IVFPQConfiguration.StoredVectors =
    switch arguments.firstIndex(of: "--stored").flatMap({ arguments[arguments.index(after: $0)...].first }) {
    case "float16": .float16
    case "sq8": .scalarQuantized8
    default: .float32
    }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// CPU seconds the calling thread (or with `CLOCK_PROCESS_CPUTIME_ID` the whole process) spends in `body`:
/// one-thread work measured this way does not count time the thread waited for a core, so it stays comparable
/// on a busy machine (the FAISS script measures the same way).
func cpuSeconds(_ clock: clockid_t = CLOCK_THREAD_CPUTIME_ID, _ body: () throws -> Void) rethrows -> Double {
    var start = timespec()
    var end = timespec()
    clock_gettime(clock, &start)
    try body()
    clock_gettime(clock, &end)
    return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
}

func format(_ x: Double, _ digits: Int = 3) -> String {
    String(format: "%.\(digits)f", x)
}

struct Setup {
    let name: String
    let base: String
    let truth: String
    let metric: Metric
    var lists: Int
    let m: Int
}

let setups = [
    Setup(
        name: "minilm-pypi",
        base: "minilm-pypi.base.fvecs",
        truth: "minilm-pypi.groundtruth.ivecs",
        metric: .innerProduct,
        lists: 256,
        m: 48
    ),
    Setup(
        name: "minilm-pypi",
        base: "minilm-pypi.base.fvecs",
        truth: "minilm-pypi.groundtruth.ivecs",
        metric: .innerProduct,
        lists: 256,
        m: 24
    ),
    Setup(
        name: "synthetic-clustered-20k",
        base: "synthetic-clustered-20k.base.fvecs",
        truth: "synthetic-clustered-20k.groundtruth.ivecs",
        metric: .squaredL2,
        lists: 256,
        m: 16
    ),
]

/// `--lists 1024` replaces every setup's list count.
let listOverride = list(after: "--lists")?.first

/// Times adding `data` into the trained, empty `index` in calls of `batch` vectors (median of `rounds`, the
/// index emptied between them) and returns the seconds and the bytes per vector the lists and id map hold after.
func timeAdds(_ index: IVFPQIndex, _ data: VectorMatrix, batch: Int, trained: Int) throws -> (Double, Double) {
    var times: [Double] = []
    for _ in 0..<3 {
        index.removeAll()
        times.append(
            try cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) {
                var start = 0
                while start < data.count {
                    let end = min(data.count, start + batch)
                    let values = Array(data.values[start * data.dimension..<end * data.dimension])
                    try index.add(
                        VectorMatrix(values: values, dimension: data.dimension),
                        ids: (UInt64(start)..<UInt64(end)).map { $0 }
                    )
                    start = end
                }
            }
        )
    }
    return (times.sorted()[1], Double(index.memoryFootprint - trained) / Double(data.count))
}

for (number, fixed) in setups.enumerated() where list(after: "--setups")?.contains(number) ?? true {
    var setup = fixed
    if let listOverride { setup.lists = listOverride }
    let base = try VectorFile(path: "\(annPath)/\(setup.base)")
    let queryName = setup.name.hasPrefix("synthetic") ? "synthetic-clustered.query.fvecs" : "\(setup.name).query.fvecs"
    let queryFile = try VectorFile(path: "\(annPath)/\(queryName)")
    let truth = try VectorFile(path: "\(annPath)/\(setup.truth)", integers: true)
    let d = base.width
    let n = base.count
    let data = try VectorMatrix(values: base.floats, dimension: d)
    let queries = try VectorMatrix(values: queryFile.floats, dimension: d)
    let ids = (0..<UInt64(n)).map { $0 }

    var configuration = IVFPQConfiguration(listCount: setup.lists, subquantizerCount: setup.m, storedVectors: stored)
    if let iterations = list(after: "--codebook-iterations")?.first { configuration.codebookIterations = iterations }
    if let iterations = list(after: "--coarse-iterations")?.first { configuration.coarseIterations = iterations }
    if let seed = list(after: "--seed")?.first { configuration.seed = UInt64(seed) }
    /// R@1 and 10-R@10 of one batch call on one thread.
    func recall(_ index: IVFPQIndex, _ parameters: IVFPQSearchParameters) throws -> (Double, Double) {
        let results = try index.search(queries, k: 10, parameters: parameters, threads: 1)
        var r1 = 0
        var r10 = 0
        for q in 0..<queries.count {
            let expected = truth.integers[q * truth.width..<q * truth.width + 10].map(UInt64.init)
            if results[q].first?.id == expected[0] { r1 += 1 }
            r10 += Set(results[q].prefix(10).map(\.id)).intersection(expected).count
        }
        return (Double(r1) / Double(queries.count), Double(r10) / Double(queries.count * 10))
    }
    if let flag = arguments.firstIndex(of: "--faiss-index"), arguments.index(after: flag) < arguments.endIndex {
        // A FAISS-trained index read into ours: its recall under our search code, to tell training from search.
        let path = arguments[arguments.index(after: flag)]
        let imported = try IVFPQIndex(faissIndex: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        print("## \(path) read into IVFPQIndex (\(imported.count) vectors)")
        for p in probes {
            let (r1, r10) = try recall(imported, IVFPQSearchParameters(probeCount: p))
            print("| \(p) | \(format(r1)) | \(format(r10)) |")
        }
        continue
    }
    if arguments.contains("--add-bench") {
        let index = try IVFPQIndex(dimension: d, metric: setup.metric, configuration: configuration)
        try index.train(data)
        let trained = index.memoryFootprint
        print("## add \(setup.name) IVF\(setup.lists),PQ\(setup.m)x8 + Float32 vectors (\(n) × \(d))")
        print("| vectors a call | CPU s | µs a vector | bytes/vector after |")
        print("|---:|---:|---:|---:|")
        for batch in [1, 1000, n] {
            let (time, bytes) = try timeAdds(index, data, batch: batch, trained: trained)
            print("| \(batch) | \(format(time, 2)) | \(format(time * 1e6 / Double(n), 1)) | \(format(bytes, 1)) |")
        }
        print("")
        continue
    }
    var trainTimes: [Double] = []
    var index = try IVFPQIndex(dimension: d, metric: setup.metric, configuration: configuration)
    for _ in 0..<(quick ? 1 : 3) {
        index = try IVFPQIndex(dimension: d, metric: setup.metric, configuration: configuration)
        trainTimes.append(try cpuSeconds { try index.train(data, threads: 1) })
    }
    let trainOneThread = trainTimes.sorted()[trainTimes.count / 2]
    if let flag = arguments.firstIndex(of: "--save-trained"), arguments.index(after: flag) < arguments.endIndex {
        // The trained, empty index in this package's file format (for comparing its centroids elsewhere).
        try Data(index.serialized()).write(to: URL(fileURLWithPath: arguments[arguments.index(after: flag)]))
    }
    let codesOnly = try IVFPQIndex(
        dimension: d,
        metric: setup.metric,
        configuration: IVFPQConfiguration(listCount: setup.lists, subquantizerCount: setup.m)
    )
    let trainAllThreads = try seconds { try codesOnly.train(data) }
    let addTime = try seconds { try index.add(data, ids: ids) }
    try codesOnly.add(data, ids: ids)
    // What `memoryFootprint` counts besides lists and id map: coarse centroids twice (as trained and packed for
    // matrix products; the list counts here fill whole tiles) and their squared norms for squared L2, the PQ
    // centroids twice (as trained and transposed for the tables) and their squared norms.
    let centroidBytes =
        (setup.lists * d * 2 + 256 * d * 2 + setup.m * 256 + (setup.metric == .squaredL2 ? setup.lists : 0)) * 4
    let tableBytes = setup.metric == .squaredL2 ? setup.lists * setup.m * 256 * 4 : 0
    let footprint = codesOnly.memoryFootprint - centroidBytes - tableBytes
    // The same with the stored vectors (and, for 8-bit ones, their per-component bounds).
    let boundBytes = stored == .scalarQuantized8 ? 8 * d : 0
    let storedFootprint = index.memoryFootprint - centroidBytes - tableBytes - boundBytes
    print("## \(setup.name) IVF\(setup.lists),PQ\(setup.m)x8 (\(n) × \(d), \(setup.metric)), re-ranking from \(stored)")
    print(
        "train \(format(trainOneThread, 2)) s (1 thread), \(format(trainAllThreads, 2)) s (all threads); add \(format(addTime, 2)) s; "
            + "\(format(Double(footprint) / Double(n), 1)) bytes/vector with the id map "
            + "(codes + ids \(setup.m + 8)), \(format(Double(storedFootprint) / Double(n), 1)) with the stored "
            + "vectors; precomputed table \(tableBytes / 1024) KiB"
    )
    print("")
    print("| nprobe | R@1 | 10-R@10 | q/s 1 thread | q/s all | +refine(4) R@1 | R@10 | q/s 1 thread | q/s all |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")

    func evaluate(_ parameters: IVFPQSearchParameters) throws -> (r1: Double, r10: Double, one: Double, all: Double) {
        let (r1, r10) = try recall(index, parameters)
        var one: [Double] = []
        var all: [Double] = []
        for _ in 0..<rounds {
            one.append(try cpuSeconds { _ = try index.search(queries, k: 10, parameters: parameters, threads: 1) })
            all.append(try seconds { _ = try index.search(queries, k: 10, parameters: parameters) })
        }
        let nq = Double(queries.count)
        return (r1, r10, nq / one.sorted()[rounds / 2], nq / all.sorted()[rounds / 2])
    }

    if let loop = list(after: "--profile-search")?.first {
        // Search for 20 s at nprobe `loop` (one thread), for a profiler attached after training.
        let start = DispatchTime.now().uptimeNanoseconds
        while DispatchTime.now().uptimeNanoseconds - start < 20_000_000_000 {
            let refine = list(after: "--refine")?.first ?? 1
            _ = try index.search(
                queries,
                k: 10,
                parameters: IVFPQSearchParameters(probeCount: loop, refineFactor: refine),
                threads: 1
            )
        }
        exit(0)
    }
    for p in probes {
        let plain = try evaluate(IVFPQSearchParameters(probeCount: p))
        if arguments.contains("--no-refine") {
            print(
                "| \(p) | \(format(plain.r1)) | \(format(plain.r10)) | \(Int(plain.one)) | \(Int(plain.all)) | | | | |"
            )
            continue
        }
        let refined = try evaluate(IVFPQSearchParameters(probeCount: p, refineFactor: 4))
        print(
            "| \(p) | \(format(plain.r1)) | \(format(plain.r10)) | \(Int(plain.one)) | \(Int(plain.all)) | "
                + "\(format(refined.r1)) | \(format(refined.r10)) | \(Int(refined.one)) | \(Int(refined.all)) |"
        )
    }
    print("")
}
