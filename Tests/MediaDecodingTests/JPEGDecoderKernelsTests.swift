// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGNumerics
import _RAGTestSupport

/// The JPEG decoder's dispatched kernels against the portable Swift code, byte for byte.
///
/// At every level this machine runs; the Swift inverse DCT itself against the 64-bit scalar reference on
/// in-range blocks. `.ci/run asan` runs this suite under AddressSanitizer.
@Suite struct JPEGDecoderKernelsTests {
    /// Blocks of the kinds a decoder meets: sparse low-frequency blocks, dense ones, DC only, extreme values
    /// (±2^15 and beyond, where only the low 16 bits count) and wholly random 32-bit words.
    static func blocks() -> [[Int32]] {
        var rng = SeededGenerator(seed: 0x1DC7)
        func random(_ range: ClosedRange<Int32>) -> Int32 {
            range.lowerBound &+ Int32(truncatingIfNeeded: rng.next() % UInt64(range.upperBound - range.lowerBound + 1))
        }
        var blocks: [[Int32]] = []
        blocks.append([Int32](repeating: 0, count: 64))
        for dc: Int32 in [-1024 * 16, -2048, -1, 1, 1023 * 8, 32767, -32768] {
            var block = [Int32](repeating: 0, count: 64)
            block[0] = dc
            blocks.append(block)
        }
        for round in 0..<400 {
            var block = [Int32](repeating: 0, count: 64)
            let kind = round % 5
            for k in 0..<64 {
                switch kind {
                case 0: block[k] = k < 10 ? random(-600...600) : 0
                case 1: block[k] = random(-2048...2047)
                case 2: block[k] = random(-32768...32767)
                case 3: block[k] = [-32768, 32767, 0, -1][Int(rng.next() % 4)]
                default: block[k] = Int32(truncatingIfNeeded: rng.next())
                }
            }
            blocks.append(block)
        }
        return blocks
    }

    @Test("the AVX2 inverse DCT equals the Swift one on every block")
    func inverseDCTMatchesSwift() {
        for (index, block) in Self.blocks().enumerated() {
            let expected = JPEGDecoderKernels.inverseDCT(block, level: .baseline)
            #expect(expected.zeroed)
            for level in InstructionLevel.supported where level != .baseline {
                let actual = JPEGDecoderKernels.inverseDCT(block, level: level)
                #expect(actual.samples == expected.samples, "block \(index) at \(level)")
                #expect(actual.zeroed, "block \(index) at \(level)")
            }
        }
    }

    /// Blocks whose first-pass values fit in 16 bits (the sum of magnitudes times the largest basis value,
    /// about 1.31, times 4 stays below 2^15), where the 16-bit and 64-bit transforms agree.
    @Test("the Swift inverse DCT equals the 64-bit reference on blocks whose first pass fits 16 bits")
    func inverseDCTMatchesReference() {
        for (index, block) in Self.blocks().enumerated() where block.reduce(0, { $0 + abs(Int($1)) }) <= 6000 {
            var scratch = block
            var reference = [UInt8](repeating: 0, count: 64)
            unsafe scratch.withUnsafeMutableBufferPointer { blockBuffer in
                unsafe reference.withUnsafeMutableBufferPointer { out in
                    unsafe JPEGIDCT.transformReference(blockBuffer.baseAddress!, into: out.baseAddress!, stride: 8)
                }
            }
            #expect(JPEGDecoderKernels.inverseDCT(block, level: .baseline).samples == reference, "block \(index)")
        }
    }
}
