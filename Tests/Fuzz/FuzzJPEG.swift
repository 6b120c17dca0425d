// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point: JPEGDecoder (baseline, progressive, EXIF orientation). Build and run with `Tests/Fuzz/run.sh jpeg`.

import MediaDecoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = unsafe fuzzBytes(start, count)
    _ = try? JPEGDecoder().decode(bytes, limits: FuzzLimits.image)
    return 0
}
