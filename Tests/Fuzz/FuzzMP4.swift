// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point: MP4Decoder (box walk and codec identification). Build and run with `Tests/Fuzz/run.sh mp4`.

import MediaDecoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = unsafe fuzzBytes(start, count)
    fuzzVideo(MP4Decoder(), bytes)
    return 0
}
