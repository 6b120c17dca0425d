// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point: FLACDecoder. Build and run with `Tests/Fuzz/run.sh flac`.

import MediaDecoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = unsafe fuzzBytes(start, count)
    _ = try? FLACDecoder().decode(bytes, limits: FuzzLimits.audio)
    return 0
}
