// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGNumerics
import _RAGTestSupport

/// The dispatched 8-bit resize passes (AVX2 C kernels) against the Swift passes, byte for byte.
///
/// At every level this machine runs: sizes from 1 to past twice the vector width (8 samples per vector, 32 bytes per block of
/// the vertical pass), every channel count the resize takes (1 to 4), rows that start at odd offsets (row
/// lengths that are not multiples of the vector width, and horizontal passes over a window of rows), up- and
/// downscaling, and samples at 0 and 255 so the bicubic lobes drive sums below 0 and above 255 (the clamp).
/// `.ci/run asan` runs this suite under AddressSanitizer, which turns a read or write past the stated lengths
/// into a failure.
@Suite struct ResampleKernelsTests {
    static let sizes = Array(1...17) + [31, 32, 33, 63, 64, 65, 100]
    static let filters: [ResizeFilter] = [.bicubic, .bilinear, .box]

    /// Random bytes, every third one forced to 0 or 255.
    private func samples(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { i in
            let value = UInt8(truncatingIfNeeded: rng.next() >> 56)
            return i % 3 == 0 ? (value < 128 ? 0 : 255) : value
        }
    }

    @Test("the level probe lists baseline first and the current level is supported")
    func levels() {
        #expect(InstructionLevel.supported.first == .baseline)
        #expect(InstructionLevel.supported.last == InstructionLevel.widestSupported)
        #expect(InstructionLevel.current <= InstructionLevel.widestSupported)
        #if !arch(x86_64)
        #expect(InstructionLevel.widestSupported == .baseline)
        #endif
    }

    @Test("horizontal pass: every level equals the Swift pass", arguments: 1...4)
    func horizontal(channels: Int) {
        for width in Self.sizes {
            let height = 3
            let input = samples(width * height * channels, seed: UInt64(width * 10 + channels))
            for outWidth in Set([1, 2, 3, 7, 8, 9, 16, 17, max(1, width / 2), max(1, width / 3), width * 2 + 1]) {
                for filter in Self.filters {
                    for rows in [0..<height, 1..<height, 2..<3] {
                        let expected = ResampleKernels.horizontalPass(
                            input,
                            width: width,
                            height: height,
                            channels: channels,
                            outWidth: outWidth,
                            filter: filter,
                            rows: rows,
                            level: .baseline
                        )
                        #expect(expected.count == outWidth * rows.count * channels)
                        for level in InstructionLevel.supported where level != .baseline {
                            let actual = ResampleKernels.horizontalPass(
                                input,
                                width: width,
                                height: height,
                                channels: channels,
                                outWidth: outWidth,
                                filter: filter,
                                rows: rows,
                                level: level
                            )
                            #expect(
                                actual == expected,
                                "\(level) c=\(channels) \(width)→\(outWidth) rows \(rows) \(filter)"
                            )
                        }
                    }
                }
            }
        }
    }

    @Test("vertical pass: every level equals the Swift pass", arguments: 1...4)
    func vertical(channels: Int) {
        for width in Self.sizes {
            for height in [1, 2, 5, 9, 17] {
                let input = samples(width * height * channels, seed: UInt64(width * 100 + height * 10 + channels))
                for outHeight in Set([1, 2, 3, 8, max(1, height / 2), height * 2 + 1]) {
                    for filter in Self.filters {
                        let expected = ResampleKernels.verticalPass(
                            input,
                            width: width,
                            height: height,
                            channels: channels,
                            outHeight: outHeight,
                            filter: filter,
                            level: .baseline
                        )
                        #expect(expected.count == width * outHeight * channels)
                        for level in InstructionLevel.supported where level != .baseline {
                            let actual = ResampleKernels.verticalPass(
                                input,
                                width: width,
                                height: height,
                                channels: channels,
                                outHeight: outHeight,
                                filter: filter,
                                level: level
                            )
                            #expect(
                                actual == expected,
                                "\(level) c=\(channels) w=\(width) \(height)→\(outHeight) \(filter)"
                            )
                        }
                    }
                }
            }
        }
    }

    @Test(
        "whole resizes (both pass orders, premultiplied alpha) are the same at every level",
        arguments: [PixelFormat.gray, .grayAlpha, .rgb, .rgba]
    )
    func wholeResize(format: PixelFormat) {
        let shapes = [(67, 45, 33, 22), (45, 67, 40, 20), (1024, 768, 512, 384), (13, 9, 40, 31), (70, 3, 9, 1)]
        for (width, height, outWidth, outHeight) in shapes {
            let channels = format.channelCount
            let image = Image(
                width: width,
                height: height,
                format: format,
                samples: .uint8(samples(width * height * channels, seed: UInt64(width + height * 7 + channels)))
            )
            let expected = image.resized(width: outWidth, height: outHeight, filter: .bicubic, level: .baseline)
            for level in InstructionLevel.supported where level != .baseline {
                let actual = image.resized(width: outWidth, height: outHeight, filter: .bicubic, level: level)
                #expect(actual.uint8Samples == expected.uint8Samples, "\(level) \(format) \(width)×\(height)")
            }
        }
    }
}
