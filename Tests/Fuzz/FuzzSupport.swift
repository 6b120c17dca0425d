// SPDX-License-Identifier: Apache-2.0
// Shared by every harness in this folder. Not a SwiftPM target: `run.sh` compiles it together with one
// `Fuzz<Decoder>.swift` file and links them against an instrumented build of MediaDecoding.

import MediaDecoding

/// Tight limits, so legitimate allocations stay far below libFuzzer's RSS limit (2 GB by default) and a
/// header claiming the largest allowed size costs milliseconds, not the whole run's time budget.
enum FuzzLimits {
    /// 1 MP images, 16 MiB of expanded data, 16 animation frames, 64 video frames.
    static let image = DecodingLimits(
        maxPixelCount: 1 << 20,
        maxDecompressedBytes: 16 << 20,
        maxFrames: 16,
        maxVideoFrames: 64
    )
    /// One million sample frames (about 24 s of 44.1 kHz audio), 16 MiB of samples.
    static let audio = DecodingLimits(
        maxPixelCount: 1 << 20,
        maxDecompressedBytes: 16 << 20,
        maxFrames: 1 << 20,
        maxVideoFrames: 64
    )
}

/// Copies libFuzzer's input into an array.
func fuzzBytes(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let start = unsafe start, count > 0 else { return [] }
    return unsafe Array(UnsafeBufferPointer(start: start, count: count))
}

/// Decodes a clip's first, middle and last frames; errors are the expected outcome for most inputs.
func fuzzVideo(_ decoder: some VideoDecoder, _ bytes: [UInt8]) {
    guard let clip = try? decoder.decode(bytes, limits: FuzzLimits.image, using: MediaDecoder()) else { return }
    _ = clip.duration
    for index in Set([0, clip.frameCount / 2, clip.frameCount - 1]) {
        _ = try? clip.frame(at: index)
        _ = clip.startTime(ofFrame: index)
    }
}
