// SPDX-License-Identifier: Apache-2.0

// generation-report: what the Generation side costs.
//   generation-report http [SECONDS]   CPU seconds per second of waiting for a silent loopback server, and
//                                      requests/s, for SocketHTTPTransport and URLSessionTransport
//   generation-report prompt FILE…     prompt assembly: JPEGs → decode, downscale to 512 px, re-encode, base64,
//                                      JSON body (Python + Pillow beside it: Benchmarks/Scripts/prompt_pillow.py)
//   generation-report prompt-stages FILE…   the same work stage by stage (decode, resize, encode, base64)
//                                      (Pillow: prompt_pillow.py --stages FILE…)

import Foundation
import Generation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if DEBUG
fatalError("build with -c release")
#endif

/// Process CPU seconds (user + system), all threads.
func processCPU() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
    return user + system
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "http":
    let seconds = arguments.count > 1 ? Double(arguments[1]) ?? 3 : 3
    try await HTTPReport.run(waitSeconds: seconds)
case "prompt":
    try await PromptReport.run(files: Array(arguments.dropFirst()))
case "prompt-stages":
    try PromptStagesReport.run(files: Array(arguments.dropFirst()))
default:
    print("usage: generation-report http [SECONDS] | prompt FILE… | prompt-stages FILE…")
    exit(64)
}
