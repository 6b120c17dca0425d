// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point: Y4MDecoder and its frames. Build and run with `Tests/Fuzz/run.sh y4m`.

import MediaDecoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = unsafe fuzzBytes(start, count)
    fuzzVideo(Y4MDecoder(), bytes)
    return 0
}
