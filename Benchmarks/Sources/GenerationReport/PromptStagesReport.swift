// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stages of prompt assembly measured one at a time over the same JPEGs.
///
/// Decode, downscale to a 512-pixel longer side (bicubic), re-encode as JPEG 85, base64. Thread CPU time per stage, summed over the files, median
/// of 15 rounds after a warm-up (`MMRAG_ISA=baseline` runs the Swift loops instead of the AVX2 kernels).
enum PromptStagesReport {
    static func threadCPU() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    static func run(files: [String]) throws {
        precondition(!files.isEmpty, "give the JPEG files")
        let blobs = try files.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        var stages: [String: [Double]] = [:]
        // FNV-1a over every re-encoded file, so runs at different `MMRAG_ISA` levels can be compared byte for byte.
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        let names = ["decode", "resize", "encode", "base64"]
        for round in 0..<16 {
            var totals = [String: Double]()
            for blob in blobs {
                var t0 = threadCPU()
                let image = try MediaDecoder().decodeImage(blob).convertedToRGB8()
                var t1 = threadCPU()
                totals["decode", default: 0] += t1 - t0
                let scale = 512 / Double(max(image.width, image.height))
                let width = max(1, Int((Double(image.width) * scale).rounded()))
                let height = max(1, Int((Double(image.height) * scale).rounded()))
                t0 = threadCPU()
                let small = image.resized(width: width, height: height, filter: .bicubic)
                t1 = threadCPU()
                totals["resize", default: 0] += t1 - t0
                t0 = threadCPU()
                let jpeg = JPEGEncoder(quality: 85).encode(small)
                t1 = threadCPU()
                totals["encode", default: 0] += t1 - t0
                if round == 0 { for byte in jpeg { digest = (digest ^ UInt64(byte)) &* 0x100_0000_01b3 } }
                t0 = threadCPU()
                let text = Data(jpeg).base64EncodedString()
                t1 = threadCPU()
                precondition(!text.isEmpty)
                totals["base64", default: 0] += t1 - t0
            }
            if round > 0 { for name in names { stages[name, default: []].append(totals[name, default: 0] * 1000) } }
        }
        let parts = names.map { "\($0) \(String(format: "%.1f", median(stages[$0]!))) ms" }
        print(
            "prompt stages, \(files.count) images, thread CPU medians: " + parts.joined(separator: ", ")
                + "; FNV-1a of the JPEGs \(String(digest, radix: 16))"
        )
    }
}
