// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGNumerics
import _RAGTestSupport

/// The encoder's blockwise DCT kernel, at every level this machine runs (the Swift loop and the AVX2 C kernel),
/// against the scalar reference transform it replaced.
@Suite struct JPEGEncoderKernelsTests {
    static let cases: [(InstructionLevel, Int, Int)] = InstructionLevel.supported.flatMap { level in
        [(8, 8), (16, 8), (24, 32), (8, 40), (72, 16)].map { (level, $0.0, $0.1) }
    }

    @Test(arguments: cases)
    func kernelEqualsTheReferenceBitForBit(_ level: InstructionLevel, _ width: Int, _ height: Int) {
        let size = (width: width, height: height)
        var random = SeededGenerator(seed: 42)
        // Mostly uniform samples, every fifth one at an extreme, and quantisers down to 1 (no clamping).
        let plane = (0..<(size.width * size.height)).map { i in
            let value = Int.random(in: -128...127, using: &random)
            return Float(i % 5 == 0 ? (value < 0 ? -128 : 127) : value)
        }
        let quant = (0..<64).map { _ in Float(Int.random(in: 1...40, using: &random)) }
        let blocks = JPEGEncoderKernels.quantizedBlocks(
            plane,
            width: size.width,
            height: size.height,
            quant: quant,
            level: level
        )
        var samples = [Float](repeating: 0, count: 64)
        var reference = [Int32](repeating: 0, count: 64)
        var index = 0
        for blockY in stride(from: 0, to: size.height, by: 8) {
            for blockX in stride(from: 0, to: size.width, by: 8) {
                for y in 0..<8 {
                    for x in 0..<8 { samples[y * 8 + x] = plane[(blockY + y) * size.width + blockX + x] }
                }
                JPEGForwardDCT.transform(samples, quant: quant, into: &reference)
                // The kernel writes zig-zag order; the reference natural order.
                let zigzag = JPEGZigZag.natural.map { reference[$0] }
                #expect(Array(blocks[(index * 64)..<(index * 64 + 64)]) == zigzag)
                index += 1
            }
        }
    }
}
