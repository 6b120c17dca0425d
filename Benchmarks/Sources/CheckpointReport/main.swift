// SPDX-License-Identifier: Apache-2.0

// Loading a checkpoint in a fresh process: the time to open it (map the file, read the zip directory or
// safetensors header, interpret the pickle) and to read every tensor into its own array (F16/BF16 widened to
// Float), and the process's memory before, after and at its peak, split into anonymous memory (the arrays) and
// file-backed pages (the mapped file, page cache the kernel can drop). One JSON line per run, so a driver can
// run it repeatedly beside PyTorch and take medians:
//   python Benchmarks/Scripts/checkpoint_load.py <checkpoint-report binary> FILE…
// Usage: swift run -c release --package-path Benchmarks checkpoint-report FILE [NAME…]
// Each NAME given is printed too: its first four values and the sum of all, in Double (to check a file against
// what torch reads).

import Embedding
import Foundation

#if canImport(Glibc)
import Glibc
#endif

#if DEBUG
fatalError("build with -c release: debug numbers mean nothing")
#endif

/// `VmHWM`, `VmRSS`, `RssAnon` and `RssFile` from `/proc/self/status`, in MiB (0 where unavailable).
func memory() -> [String: Double] {
    // /proc files report a size of 0, so read until the end rather than by size.
    guard let handle = FileHandle(forReadingAtPath: "/proc/self/status") else { return [:] }
    let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    var out: [String: Double] = [:]
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, ["VmHWM", "VmRSS", "RssAnon", "RssFile"].contains(String(parts[0])) else { continue }
        let kb = Double(parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? "") ?? 0
        out[String(parts[0])] = kb / 1024
    }
    return out
}

func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Every tensor in its own array: floating-point ones as `Float`, the rest as `Int64`.
func materialize(
    _ weights: any ModelWeights
) throws(EmbeddingError) -> ([ContiguousArray<Float>], [[Int64]], Int) {
    var arrays: [ContiguousArray<Float>] = []
    var integers: [[Int64]] = []
    var elements = 0
    for name in weights.names {
        do throws(EmbeddingError) {
            let values = try weights.floats(name, shape: nil)
            elements += values.count
            arrays.append(values)
        } catch {
            guard error.code == .unsupportedDType else { throw error }
            let values = try weights.int64s(name)
            elements += values.count
            integers.append(values)
        }
    }
    return (arrays, integers, elements)
}

guard CommandLine.arguments.count >= 2 else {
    print("usage: checkpoint-report FILE (.pth, .bin or .safetensors) [NAME…]")
    exit(2)
}
let url = URL(fileURLWithPath: CommandLine.arguments[1])
let before = memory()
let cpu0 = cpuSeconds()
let t0 = now()
let weights: any ModelWeights
if url.pathExtension == "safetensors" {
    weights = try await SafetensorsCheckpoint(files: [SafetensorsFile(contentsOf: url)])
} else {
    weights = try await PyTorchCheckpoint(file: url)
}
let t1 = now()
let opened = memory()
let (arrays, integers, elements) = try materialize(weights)
let t2 = now()
let cpu = cpuSeconds() - cpu0
let loaded = memory()
let fields: [String] = [
    "\"runtime\": \"swift\"",
    "\"file\": \"\(url.lastPathComponent)\"",
    "\"tensors\": \(weights.names.count)",
    "\"elements\": \(elements)",
    "\"open_ms\": \((t1 - t0) * 1000)",
    "\"materialize_ms\": \((t2 - t1) * 1000)",
    "\"total_ms\": \((t2 - t0) * 1000)",
    "\"cpu_ms\": \(cpu * 1000)",
    "\"rss_before_mib\": \(before["VmRSS"] ?? 0)",
    "\"rss_opened_mib\": \(opened["VmRSS"] ?? 0)",
    "\"rss_loaded_mib\": \(loaded["VmRSS"] ?? 0)",
    "\"anon_loaded_mib\": \(loaded["RssAnon"] ?? 0)",
    "\"file_loaded_mib\": \(loaded["RssFile"] ?? 0)",
    "\"peak_mib\": \(loaded["VmHWM"] ?? 0)",
]
for name in CommandLine.arguments.dropFirst(2) {
    let values = try weights.floats(name, shape: nil)
    print(name, Array(values.prefix(4)), values.reduce(0.0) { $0 + Double($1) })
}
print("{" + fields.joined(separator: ", ") + "}")
withExtendedLifetime((arrays, integers)) {}
