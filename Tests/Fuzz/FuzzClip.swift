// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point: ImagePreprocessor.clip on whatever the MediaDecoder registry decodes.
// Build and run with `Tests/Fuzz/run.sh clip`.

import MediaDecoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = unsafe fuzzBytes(start, count)
    guard let image = try? MediaDecoder().decodeImage(bytes, limits: FuzzLimits.image) else { return 0 }
    // CLIP's pipeline at 1/8 scale on every input (same resize plan, crop and normalisation code), and the real
    // 224 x 224 `ImagePreprocessor.clip` on one input in 32: it costs about 12 ms per image under ASan.
    let small = ImagePreprocessor(
        shortestEdge: 28,
        cropWidth: 28,
        cropHeight: 28,
        mean: ImagePreprocessor.clipMean,
        std: ImagePreprocessor.clipStd
    )
    let tensor = small(image)
    precondition(tensor.values.count == 3 * 28 * 28, "CLIP tensor shape")
    if count % 32 == 0 {
        let full = ImagePreprocessor.clip(image)
        precondition(full.values.count == 3 * 224 * 224, "CLIP tensor shape")
    }
    return 0
}
