// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGNumerics
import _RAGTestSupport

/// The JPEG colour conversions and the fancy 2×2 chroma upsampling against the Swift loops, byte for byte.
///
/// At every level this machine runs (the AVX2 C kernels): lengths from 0 to past twice the 16-pixel step, every
/// (Cb, Cr) pair, and RGB samples at 0 and 255 (where the chroma sums leave 0...255 and the clamp decides). `.ci/run asan` runs this suite under
/// AddressSanitizer, which turns a read or write past the stated lengths into a failure.
@Suite struct JPEGColorKernelsTests {
    static let lengths = Array(0...40) + [63, 64, 65, 1024]

    private func bytes(_ count: Int, seed: UInt64, extremes: Bool) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { i in
            let value = UInt8(truncatingIfNeeded: rng.next() >> 56)
            return extremes && i % 2 == 0 ? (value < 128 ? 0 : 255) : value
        }
    }

    @Test("YCbCr → RGB rows equal the Swift loop at every level", arguments: lengths)
    func yCbCrToRGB(width: Int) {
        let luma = bytes(width, seed: UInt64(width), extremes: false)
        let blue = bytes(width, seed: UInt64(width) + 1000, extremes: true)
        let red = bytes(width, seed: UInt64(width) + 2000, extremes: false)
        let expected = JPEGColorConverter.yCbCrToRGBRow(luma: luma, blue: blue, red: red, level: .baseline)
        #expect(expected.count == 3 * width)
        for level in InstructionLevel.supported where level != .baseline {
            #expect(JPEGColorConverter.yCbCrToRGBRow(luma: luma, blue: blue, red: red, level: level) == expected)
        }
    }

    @Test("YCbCr → RGB: every (Cb, Cr) pair, luma at 0, 128 and 255")
    func everyChromaPair() {
        for lumaValue: UInt8 in [0, 128, 255] {
            for cr in 0...255 {
                let luma = [UInt8](repeating: lumaValue, count: 256)
                let blue = (0...255).map { UInt8($0) }
                let red = [UInt8](repeating: UInt8(cr), count: 256)
                let expected = JPEGColorConverter.yCbCrToRGBRow(luma: luma, blue: blue, red: red, level: .baseline)
                for level in InstructionLevel.supported where level != .baseline {
                    let actual = JPEGColorConverter.yCbCrToRGBRow(luma: luma, blue: blue, red: red, level: level)
                    #expect(actual == expected, "luma \(lumaValue) Cr \(cr)")
                }
            }
        }
    }

    @Test("fancy 2×2 upsampling rows equal the Swift loop at every level", arguments: Array(3...70))
    func upsampling(width: Int) {
        for extremes in [false, true] {
            let current = bytes(width, seed: UInt64(width) + 3000, extremes: extremes)
            let near = bytes(width, seed: UInt64(width) + 4000, extremes: extremes)
            let expected = JPEGColorConverter.upsampledH2V2Row(current: current, near: near, level: .baseline)
            #expect(expected.count == 2 * width)
            for level in InstructionLevel.supported where level != .baseline {
                #expect(JPEGColorConverter.upsampledH2V2Row(current: current, near: near, level: level) == expected)
            }
        }
    }

    @Test("RGB → YCbCr planes equal the Swift loop at every level", arguments: lengths)
    func rgbToYCbCr(count: Int) {
        for channels in [3, 4] {
            for extremes in [false, true] {
                let samples = bytes(count * channels, seed: UInt64(count * 10 + channels), extremes: extremes)
                let expected = JPEGEncoderKernels.ycbcrPlanes(
                    samples,
                    channels: channels,
                    count: count,
                    level: .baseline
                )
                for level in InstructionLevel.supported where level != .baseline {
                    let actual = JPEGEncoderKernels.ycbcrPlanes(samples, channels: channels, count: count, level: level)
                    #expect(actual.y == expected.y && actual.cb == expected.cb && actual.cr == expected.cr)
                }
            }
        }
    }
}
