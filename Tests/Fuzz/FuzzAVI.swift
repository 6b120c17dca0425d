// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point: AVIDecoder (Motion-JPEG, PCM audio) and its frames. Build and run with `Tests/Fuzz/run.sh avi`.

import MediaDecoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = unsafe fuzzBytes(start, count)
    fuzzVideo(AVIDecoder(), bytes)
    return 0
}
