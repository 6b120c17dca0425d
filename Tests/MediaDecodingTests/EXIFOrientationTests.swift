// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct EXIFOrientationTests {
    /// SOI, then an APP1 segment holding `tiff` after the `Exif\0\0` identifier.
    static func header(_ tiff: [UInt8]) -> [UInt8] {
        let length = 2 + 6 + tiff.count
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + Array("Exif".utf8) + [0, 0]
            + tiff + [0xFF, 0xD9]
    }

    /// A TIFF header and IFD0 with `entries` (tag, type, value) in the given byte order.
    static func tiff(bigEndian: Bool, _ entries: [(UInt16, UInt16, UInt16)]) -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] {
            bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)]
        }
        func u32(_ v: UInt32) -> [UInt8] {
            bigEndian ? u16(UInt16(v >> 16)) + u16(UInt16(v & 0xFFFF)) : u16(UInt16(v & 0xFFFF)) + u16(UInt16(v >> 16))
        }
        var bytes: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        bytes += u16(42) + u32(8) + u16(UInt16(entries.count))
        for (tag, type, value) in entries {
            bytes += u16(tag) + u16(type) + u32(1) + u16(value) + [0, 0]
        }
        return bytes + u32(0)
    }

    @Test(arguments: [true, false])
    func readsOrientationInEitherByteOrder(_ bigEndian: Bool) {
        let bytes = Self.header(Self.tiff(bigEndian: bigEndian, [(0x010F, 2, 0), (0x0112, 3, 8)]))
        #expect(JPEGDecoder.exifOrientation(of: bytes) == 8)
    }

    @Test func damagedOrMissingOrientationIsNil() {
        #expect(JPEGDecoder.exifOrientation(of: Self.header(Self.tiff(bigEndian: true, [(0x0112, 3, 9)]))) == nil)
        #expect(JPEGDecoder.exifOrientation(of: Self.header(Self.tiff(bigEndian: false, [(0x0112, 4, 6)]))) == nil)
        #expect(JPEGDecoder.exifOrientation(of: Self.header(Self.tiff(bigEndian: false, [(0x0100, 3, 6)]))) == nil)
        var truncated = Self.tiff(bigEndian: true, [(0x0112, 3, 6)])
        truncated.removeLast(10)
        #expect(JPEGDecoder.exifOrientation(of: Self.header(truncated)) == nil)
        #expect(JPEGDecoder.exifOrientation(of: Self.header([0x4D, 0x4D, 0, 42, 0xFF, 0xFF, 0xFF, 0xF0])) == nil)
    }

    @Test func orientationTransformsCompose() {
        let image = Image(width: 3, height: 2, format: .gray, samples: .uint8([1, 2, 3, 4, 5, 6]))
        #expect(image.applyingEXIFOrientation(6).uint8Samples == [4, 1, 5, 2, 6, 3])
        #expect(image.applyingEXIFOrientation(8).uint8Samples == [3, 6, 2, 5, 1, 4])
        #expect(image.applyingEXIFOrientation(3).uint8Samples == [6, 5, 4, 3, 2, 1])
        #expect(image.applyingEXIFOrientation(5).uint8Samples == [1, 4, 2, 5, 3, 6])
        #expect(image.applyingEXIFOrientation(1) == image)
        #expect(image.applyingEXIFOrientation(42) == image)
    }
}
