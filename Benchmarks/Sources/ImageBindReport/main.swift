// SPDX-License-Identifier: Apache-2.0

// ImageBind at `imagebind_huge`'s shapes with random weights (speed does not depend on values): milliseconds per
// image, per 3-clip audio file and per 77-token text at batch 1 and 8, one and two threads, and the process's
// memory for loading and embedding. The reference in PyTorch beside it: Benchmarks/Scripts/imagebind_peer.py.
//
// Usage: MMRAG_FIXTURES=… swift run -c release --package-path Benchmarks imagebind-report \
//            [--threads 1,2] [--rounds 3] [--rounds8 2] [--only vision,audio,text] [--f16] [--towers]
//        … imagebind-report --write FILE.safetensors     (the same random weights, streamed to a file)
//        … imagebind-report --load FILE [--f16]          (.pth or .safetensors: load time and memory, one image)
// --f16 keeps the projection weights in half precision (`ImageBindConfiguration.weightStorage`).
// --towers builds only the towers that --only measures (quicker to start; the memory figures then cover those).

import BenchmarkSupport
import Dispatch
import Embedding
import Foundation

#if canImport(Glibc)
import Glibc
#endif

#if DEBUG
fatalError("build with -c release: debug numbers mean nothing")
#endif

/// `VmRSS` and `VmHWM` of this process in MiB.
func memory() -> (rss: Int, peak: Int) {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    var rss = 0
    var peak = 0
    for line in status.split(separator: "\n") {
        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count >= 2, let kib = Int(parts[1]) else { continue }
        if parts[0] == "VmRSS:" { rss = kib / 1024 }
        if parts[0] == "VmHWM:" { peak = kib / 1024 }
    }
    return (rss, peak)
}

func clockNanoseconds(_ clock: clockid_t) -> Double {
    var ts = timespec()
    _ = clock_gettime(clock, &ts)
    return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec)
}

/// Median wall and CPU milliseconds per item (CPU: the calling thread's with one thread, the process's with more).
func measure(
    runs: Int,
    items: Int,
    threads: Int,
    warm: Bool,
    _ body: () throws -> Void
) rethrows -> (wall: Double, cpu: Double) {
    let clock = threads == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID
    if warm { try body() }
    var wall: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<runs {
        let start = clockNanoseconds(CLOCK_MONOTONIC)
        let cpuStart = clockNanoseconds(clock)
        try body()
        cpu.append((clockNanoseconds(clock) - cpuStart) / 1e6 / Double(items))
        wall.append((clockNanoseconds(CLOCK_MONOTONIC) - start) / 1e6 / Double(items))
    }
    // Median (the lower middle for an even count).
    return (wall.sorted()[(runs - 1) / 2], cpu.sorted()[(runs - 1) / 2])
}

/// Prints a line unbuffered (the report is long-running and usually piped).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func option(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    guard let at = args.firstIndex(of: name), at + 1 < args.count else { return fallback }
    return args[at + 1]
}

let fixtures = ProcessInfo.processInfo.environment["MMRAG_FIXTURES"] ?? "../shared/fixtures"
let stateDict = URL(fileURLWithPath: fixtures + "/models/imagebind-tiny/imagebind_huge_state_dict.json")
let before = memory()

if CommandLine.arguments.contains("--write") {
    let weights = try RandomImageBindWeights(stateDictJSON: stateDict)
    try writeSafetensors(weights, to: URL(fileURLWithPath: option("--write", "")))
    exit(0)
}

let model: ImageBindModel
let start = clockNanoseconds(CLOCK_MONOTONIC)
let cpuStart = clockNanoseconds(CLOCK_PROCESS_CPUTIME_ID)
var configuration = ImageBindConfiguration.huge
if CommandLine.arguments.contains("--f16") { configuration.weightStorage = .float16 }
if CommandLine.arguments.contains("--load") {
    model = try await ImageBindModel(
        checkpoint: URL(fileURLWithPath: option("--load", "")),
        configuration: configuration
    )
} else {
    let towers: Set<String>? =
        CommandLine.arguments.contains("--towers")
        ? Set(option("--only", "vision,audio,text").split(separator: ",").map(String.init)) : nil
    model = try ImageBindModel(
        weights: RandomImageBindWeights(stateDictJSON: stateDict, towers: towers),
        configuration: configuration
    )
}
let loadSeconds = (clockNanoseconds(CLOCK_MONOTONIC) - start) / 1e9
let loadCPU = (clockNanoseconds(CLOCK_PROCESS_CPUTIME_ID) - cpuStart) / 1e9
let loaded = memory()
emit(
    String(
        format: "# imagebind_huge shapes, %@ weights, %@ in %.1f s (CPU %.1f s), towers %@, MMRAG_ISA=%@",
        configuration.weightStorage.rawValue,
        CommandLine.arguments.contains("--load") ? "loaded from \(option("--load", ""))" : "random weights",
        loadSeconds,
        loadCPU,
        model.towers.map(\.rawValue).sorted().joined(separator: ","),
        ProcessInfo.processInfo.environment["MMRAG_ISA"] ?? "(unset)"
    )
)

var generator = SplitMix64(seed: 1)
func noise(_ count: Int, _ rng: inout SplitMix64) -> [Float] {
    (0..<count).map { _ in Float(Int64(rng.next() >> 40) - (1 << 23)) / Float(1 << 23) }
}

if CommandLine.arguments.contains("--load") {
    var one = model
    one.threads = 1
    _ = try one.embed(.vision, values: noise(3 * 224 * 224, &generator), batch: 1)
    let end = memory()
    emit(
        "# memory MiB: before load rss \(before.rss); after load rss \(loaded.rss) peak \(loaded.peak); "
            + "after one image rss \(end.rss) peak \(end.peak)"
    )
    exit(0)
}

let images = noise(8 * 3 * 224 * 224, &generator)
let spectrograms = noise(8 * 3 * 128 * 204, &generator)
let texts = (0..<8).map { _ in [49406] + (0..<75).map { _ in 1 + Int(generator.next() % 48999) } + [49407] }
let rounds = Int(option("--rounds", "3")) ?? 3
let rounds8 = Int(option("--rounds8", "2")) ?? 2
emit("| threads | tower | batch | ms/item wall | ms/item cpu |")
emit("|---|---|---:|---:|---:|")
for threads in option("--threads", "1,2").split(separator: ",").compactMap({ Int($0) }) {
    var m = model
    m.threads = threads
    for tower in option("--only", "vision,audio,text").split(separator: ",") {
        for batch in [1, 8] {
            let runs = batch == 1 ? rounds : rounds8
            let t: (wall: Double, cpu: Double)
            switch tower {
            case "vision":
                let x = Array(images[0..<batch * 3 * 224 * 224])
                t = try measure(runs: runs, items: batch, threads: threads, warm: batch == 1) {
                    _ = try m.embed(.vision, values: x, batch: batch)
                }
            case "audio":
                let x = Array(spectrograms[0..<batch * 3 * 128 * 204])
                t = try measure(runs: runs, items: batch, threads: threads, warm: batch == 1) {
                    _ = try m.embed(.audio, values: x, batch: batch, clips: 3)
                }
            default:
                let x = Array(texts[0..<batch])
                t = try measure(runs: runs, items: batch, threads: threads, warm: batch == 1) {
                    _ = try m.embed(tokenIDs: x)
                }
            }
            let line = String(format: "| %d | %@ | %d | %.1f | %.1f |", threads, String(tower), batch, t.wall, t.cpu)
            emit(line)
        }
    }
}
let end = memory()
emit(
    "# memory MiB: before load rss \(before.rss) peak \(before.peak); after load rss \(loaded.rss) peak "
        + "\(loaded.peak); end rss \(end.rss) peak \(end.peak)"
)
