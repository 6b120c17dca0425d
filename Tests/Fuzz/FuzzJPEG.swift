// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point: JPEGDecoder (baseline, progressive, EXIF orientation), recovering from damage as
// libjpeg-turbo does and, on the same input, refusing it. Build and run with `Tests/Fuzz/run.sh jpeg`.

import MediaDecoding

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = unsafe fuzzBytes(start, count)
    _ = try? JPEGDecoder().decodeReportingWarnings(bytes, limits: FuzzLimits.image)
    _ = try? JPEGDecoder(damageHandling: .reject).decode(bytes, limits: FuzzLimits.image)
    return 0
}
