// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point: WAVDecoder (RIFF, RIFX, RF64). Build and run with `Tests/Fuzz/run.sh wav`.

import MediaDecoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = unsafe fuzzBytes(start, count)
    _ = try? WAVDecoder().decode(bytes, limits: FuzzLimits.audio)
    return 0
}
