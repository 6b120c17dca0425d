// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point: PNGDecoder. Build and run with `Tests/Fuzz/run.sh png`.

import MediaDecoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = unsafe fuzzBytes(start, count)
    _ = try? PNGDecoder().decode(bytes, limits: FuzzLimits.image)
    return 0
}
