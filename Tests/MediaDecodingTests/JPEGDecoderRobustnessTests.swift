// SPDX-License-Identifier: Apache-2.0

import Foundation
import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct JPEGDecoderRobustnessTests {
    /// A frame header claiming 8000x8000 (within the default limits) over a few kilobytes of data fails at
    /// once in the strict decoder, before the 64-megapixel planes are allocated. (The default decoder decodes it
    /// as libjpeg-turbo does: the data it has, then mid-grey, with a warning.)
    @Test func hugeFrameWithLittleDataIsTruncated() throws {
        var bytes = try MediaFixtures.bytes("images/jpeg_gray_160x120.jpg")
        let sof = try #require((0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes.replaceSubrange((sof + 5)..<(sof + 9), with: [0x1F, 0x40, 0x1F, 0x40])
        let start = ContinuousClock.now
        #expect {
            try JPEGDecoder(damageHandling: .reject).decode(bytes, limits: .default)
        } throws: { error in
            (error as? MediaDecodingError)?.code == .truncated
        }
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    /// A DC Huffman table whose symbols (difference categories) go above 15 is refused, in both damage modes,
    /// when a scan uses it, as libjpeg does ("Bogus Huffman table definition" from `djpeg` 2.1.5, "broken data
    /// stream" from Pillow 13.0.0 on the same file); the same table in a slot no scan uses is ignored, as there.
    @Test(arguments: [(UInt8(0), UInt8(16), true), (0, 255, true), (3, 16, false)])
    func dcTableSymbolsAbove15AreRefusedWhenUsed(_ slot: UInt8, _ symbol: UInt8, _ refused: Bool) throws {
        let original = try MediaFixtures.bytes("images/jpeg_gray_160x120.jpg")
        let sos = try #require((0..<(original.count - 1)).first { original[$0] == 0xFF && original[$0 + 1] == 0xDA })
        // One table with a single 2-bit code for `symbol`, inserted just before the scan.
        let dht: [UInt8] = [0xFF, 0xC4, 0x00, 0x14, slot, 0, 1] + [UInt8](repeating: 0, count: 14) + [symbol]
        let bytes = Array(original[..<sos]) + dht + Array(original[sos...])
        for handling in [JPEGDecoder.DamageHandling.recover, .reject] {
            let decoder = JPEGDecoder(damageHandling: handling)
            if refused {
                #expect {
                    try decoder.decode(bytes, limits: .default)
                } throws: { error in
                    (error as? MediaDecodingError)?.code == .corrupt
                }
            } else {
                #expect(try decoder.decode(bytes, limits: .default) == decoder.decode(original, limits: .default))
            }
        }
    }

    /// The SIMD inverse DCT equals its scalar reference on the blocks an 8-bit JPEG can hold.
    ///
    /// The blocks are the DCT of random sample blocks (noise, smooth ramps and ±128 checkerboards, the largest
    /// coefficients there are), quantised with steps of 1 to 60 and dequantised. Like libjpeg-turbo's SIMD code, the fast transform
    /// keeps its intermediates in 16 bits, which arbitrary out-of-range coefficients could overflow.
    @Test func simdIDCTMatchesReference() {
        var generator = SeededGenerator(seed: 5)
        for trial in 0..<3_000 {
            var samples = [Double](repeating: 0, count: 64)
            for i in 0..<64 {
                switch trial % 3 {
                case 0: samples[i] = Double(Int.random(in: -128...127, using: &generator))
                case 1: samples[i] = Double((i / 8 + i % 8) * 16 - 128) + Double.random(in: -8...8, using: &generator)
                default: samples[i] = (i / 8 + i % 8) % 2 == 0 ? 127 : -128
                }
            }
            let step = Int32.random(in: 1...60, using: &generator)
            var coefficients = [Int32](repeating: 0, count: 64)
            for v in 0..<8 {
                for u in 0..<8 {
                    var sum = 0.0
                    for y in 0..<8 {
                        for x in 0..<8 {
                            sum +=
                                samples[y * 8 + x] * cos(Double((2 * x + 1) * u) * .pi / 16)
                                * cos(Double((2 * y + 1) * v) * .pi / 16)
                        }
                    }
                    let scale = (u == 0 ? 1 / 2.0.squareRoot() : 1) * (v == 0 ? 1 / 2.0.squareRoot() : 1) / 4
                    coefficients[v * 8 + u] = Int32((sum * scale / Double(step)).rounded()) * step
                }
            }
            var a = coefficients
            var b = coefficients
            var outA = [UInt8](repeating: 0, count: 80)
            var outB = [UInt8](repeating: 0, count: 80)
            unsafe a.withUnsafeMutableBufferPointer { block in
                unsafe outA.withUnsafeMutableBufferPointer { out in
                    unsafe JPEGIDCT.transform(block.baseAddress!, into: out.baseAddress!, stride: 10)
                }
            }
            unsafe b.withUnsafeMutableBufferPointer { block in
                unsafe outB.withUnsafeMutableBufferPointer { out in
                    unsafe JPEGIDCT.transformReference(block.baseAddress!, into: out.baseAddress!, stride: 10)
                }
            }
            #expect(outA == outB, "trial \(trial)")
        }
    }
}

@Suite struct JPEGScanLimitTests {
    /// 600 copies of a progressive file's first scan (a DC scan, which does not depend on earlier scans) must
    /// stop at the scan limit.
    @Test func tooManyScansExceedTheLimit() throws {
        let bytes = try MediaFixtures.bytes("images/jpeg_progressive_444_160x120.jpg")
        let start = try #require((0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA })
        let headerLength = Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
        let end = try #require(
            ((start + 2 + headerLength)..<(bytes.count - 1)).first {
                bytes[$0] == 0xFF && bytes[$0 + 1] != 0 && !(0xD0...0xD7).contains(bytes[$0 + 1])
            }
        )
        let scan = Array(bytes[start..<end])
        let flooded = Array(bytes[..<end]) + Array([[UInt8]](repeating: scan, count: 600).joined()) + bytes[end...]
        let fewer = Array(bytes[..<end]) + Array([[UInt8]](repeating: scan, count: 100).joined()) + bytes[end...]
        #expect(try JPEGDecoder().decode(fewer, limits: .default) == JPEGDecoder().decode(bytes, limits: .default))
        #expect {
            try JPEGDecoder().decode(flooded, limits: .default)
        } throws: { error in
            (error as? MediaDecodingError)?.code == .limitExceeded
        }
    }
}
