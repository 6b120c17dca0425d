// SPDX-License-Identifier: Apache-2.0

// Image decode and CLIP preprocessing time, one thread: median wall-clock and thread-CPU milliseconds.
// Run: MMRAG_FIXTURES=../shared/fixtures swift run -c release --package-path Benchmarks media-report [FILE...]
// Peer: python Benchmarks/Scripts/media_pillow.py FILE... (Pillow + NumPy, same two measurements).
// Decode = bytes already in memory -> 8-bit RGB `Image` (gray stays gray, as Pillow keeps mode L).
// CLIP = decode + `ImagePreprocessor.clip` (resize shortest edge to 224, centre crop, normalize).

import Foundation
import MediaDecoding

#if DEBUG
fatalError("build with -c release")
#endif

/// Seconds of CPU time this thread has used (CLOCK_THREAD_CPUTIME_ID), so load from other jobs on a shared
/// machine does not count.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

func wallSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

struct Timing {
    var wallMilliseconds: Double
    var cpuMilliseconds: Double
}

/// Median wall and CPU time of `body` over `rounds` runs after one warm-up (each median taken on its own).
func measure(rounds: Int, _ body: () throws -> Void) rethrows -> Timing {
    try body()
    var walls: [Double] = []
    var cpus: [Double] = []
    for _ in 0..<rounds {
        let wall = wallSeconds()
        let cpu = threadCPUSeconds()
        try body()
        cpus.append(threadCPUSeconds() - cpu)
        walls.append(wallSeconds() - wall)
    }
    return Timing(wallMilliseconds: walls.sorted()[rounds / 2] * 1e3, cpuMilliseconds: cpus.sorted()[rounds / 2] * 1e3)
}

let decoder = MediaDecoder()

func decodeRGB(_ bytes: [UInt8]) throws -> Image {
    let image = try decoder.decodeImage(bytes)
    return image.format == .gray && image.bitDepth == 8 ? image : image.convertedToRGB8()
}

var arguments = Array(CommandLine.arguments.dropFirst())
var rounds = 15
if let index = arguments.firstIndex(of: "--rounds"), index + 1 < arguments.count,
    let value = Int(arguments[index + 1])
{
    rounds = value
    arguments.removeSubrange(index...(index + 1))
}
if arguments.isEmpty {
    guard let root = ProcessInfo.processInfo.environment["MMRAG_FIXTURES"] else {
        fatalError("pass image files, or set MMRAG_FIXTURES to the shared fixtures folder")
    }
    let bench = URL(fileURLWithPath: root).appendingPathComponent("media/bench")
    arguments = try FileManager.default.contentsOfDirectory(atPath: bench.path)
        .filter { !$0.hasSuffix(".md") }
        .sorted()
        .map { bench.appendingPathComponent($0).path }
}

print("# media-report: median of \(rounds) rounds after one warm-up, one thread; ms (thread CPU / wall)")
print("| file | size | decode CPU ms | decode wall ms | MP/s (CPU) | CLIP CPU ms | CLIP wall ms |")
print("|---|---|---|---|---|---|---|")
for path in arguments {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let image = try decodeRGB(bytes)
    let decode = try measure(rounds: rounds) { _ = try decodeRGB(bytes) }
    let clip = try measure(rounds: rounds) { _ = ImagePreprocessor.clip(try decodeRGB(bytes)) }
    let megapixels = Double(image.width * image.height) / 1e6
    let name = URL(fileURLWithPath: path).lastPathComponent
    print(
        "| \(name) | \(image.width)x\(image.height) | "
            + String(
                format: "%.2f | %.2f | %.1f | %.2f | %.2f |",
                decode.cpuMilliseconds,
                decode.wallMilliseconds,
                megapixels / decode.cpuMilliseconds * 1e3,
                clip.cpuMilliseconds,
                clip.wallMilliseconds
            )
    )
    let record: [String: Any] = [
        "file": name, "width": image.width, "height": image.height,
        "decode_cpu_ms": decode.cpuMilliseconds, "decode_wall_ms": decode.wallMilliseconds,
        "clip_cpu_ms": clip.cpuMilliseconds, "clip_wall_ms": clip.wallMilliseconds,
    ]
    let json = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
    print("<!-- \(String(decoding: json, as: UTF8.self)) -->")
}
