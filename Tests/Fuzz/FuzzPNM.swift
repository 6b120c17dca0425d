// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point: PNMDecoder (P5/P6). Build and run with `Tests/Fuzz/run.sh pnm`.

import MediaDecoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = unsafe fuzzBytes(start, count)
    _ = try? PNMDecoder().decode(bytes, limits: FuzzLimits.image)
    return 0
}
