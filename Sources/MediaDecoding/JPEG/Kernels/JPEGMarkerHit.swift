// SPDX-License-Identifier: Apache-2.0

/// A marker found by libjpeg's rule for looking for the next one (`next_marker` in its `jdmarker.c`): bytes
/// other than `FF` and stuffed `FF 00` pairs are skipped and counted, `FF` fill bytes before a marker code are
/// not.
struct JPEGMarkerHit {
    /// The marker code (the byte after `FF`), or `0xD9` (EOI) when the data ended first, as libjpeg's data
    /// source supplies an EOI at the end.
    var code: Int
    /// The offset of the `FF` that introduces the marker (of the last one, after fill bytes), or the end of
    /// the data.
    var offset: Int
    /// The offset just after the marker code.
    var end: Int
    /// Bytes skipped before the marker.
    var skipped: Int
    /// Whether the data ended before a marker was found.
    var atEndOfData: Bool

    /// ``find(in:from:)`` over a whole file held in an array.
    static func find(in bytes: [UInt8], from start: Int) -> JPEGMarkerHit {
        unsafe bytes.withUnsafeBufferPointer { unsafe find(in: $0, from: start) }
    }

    /// Looks for the next marker in `bytes` from `start`.
    static func find(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> JPEGMarkerHit {
        let count = bytes.count
        var i = max(0, start)
        var skipped = 0
        while i < count {
            if unsafe bytes[i] != 0xFF {
                skipped += 1
                i += 1
                continue
            }
            var j = i + 1
            while j < count, unsafe bytes[j] == 0xFF { j += 1 }
            guard j < count else { break }
            if unsafe bytes[j] == 0 {
                skipped += 2
                i = j + 1
                continue
            }
            return JPEGMarkerHit(
                code: Int(unsafe bytes[j]),
                offset: j - 1,
                end: j + 1,
                skipped: skipped,
                atEndOfData: false
            )
        }
        return JPEGMarkerHit(code: 0xD9, offset: count, end: count, skipped: skipped, atEndOfData: true)
    }
}
