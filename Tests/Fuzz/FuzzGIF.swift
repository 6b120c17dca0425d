// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point: GIFDecoder (still image) and GIFVideoDecoder (animation as a clip). Build and run with `Tests/Fuzz/run.sh gif`.

import MediaDecoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = unsafe fuzzBytes(start, count)
    _ = try? GIFDecoder().decode(bytes, limits: FuzzLimits.image)
    fuzzVideo(GIFVideoDecoder(), bytes)
    return 0
}
