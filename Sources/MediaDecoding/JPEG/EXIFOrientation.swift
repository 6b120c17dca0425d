// SPDX-License-Identifier: Apache-2.0

/// Reads the Orientation tag (0x0112) from IFD0 of an EXIF block (a TIFF structure, either byte order).
enum EXIFOrientation {
    /// The orientation 1...8 stored in the TIFF structure at `range` of `bytes`, or `nil` when it is absent,
    /// out of range or the structure is damaged (a broken EXIF block never fails the image).
    static func parse(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        let base = range.lowerBound
        let end = range.upperBound
        guard end - base >= 8 else { return nil }
        let bigEndian: Bool
        switch (bytes[base], bytes[base + 1]) {
        case (0x49, 0x49): bigEndian = false
        case (0x4D, 0x4D): bigEndian = true
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= base, at + 2 <= end else { return nil }
            let a = Int(bytes[at])
            let b = Int(bytes[at + 1])
            return bigEndian ? a << 8 | b : b << 8 | a
        }
        func u32(_ at: Int) -> Int? {
            guard let high = u16(bigEndian ? at : at + 2), let low = u16(bigEndian ? at + 2 : at) else { return nil }
            return high << 16 | low
        }
        guard u16(base + 2) == 42, let ifdOffset = u32(base + 4), ifdOffset <= end - base else { return nil }
        let ifd = base + ifdOffset
        guard let entries = u16(ifd) else { return nil }
        for index in 0..<entries {
            let entry = ifd + 2 + 12 * index
            guard let tag = u16(entry) else { return nil }
            guard tag == 0x0112 else { continue }
            // SHORT, count 1: the value sits in the first two bytes of the value field.
            guard u16(entry + 2) == 3, let value = u16(entry + 8), (1...8).contains(value) else { return nil }
            return value
        }
        return nil
    }
}
