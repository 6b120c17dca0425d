// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

/// The encoder's blockwise DCT kernel against the scalar reference transform it replaced.
@Suite struct JPEGEncoderKernelsTests {
    @Test(arguments: [(8, 8), (16, 8), (24, 32)])
    func kernelEqualsTheReferenceBitForBit(_ size: (width: Int, height: Int)) {
        var random = SeededGenerator(seed: 42)
        let plane = (0..<(size.width * size.height)).map { _ in Float(Int.random(in: -128...127, using: &random)) }
        let quant = (0..<64).map { _ in Float(Int.random(in: 1...40, using: &random)) }
        let blocks = JPEGEncoderKernels.quantizedBlocks(plane, width: size.width, height: size.height, quant: quant)
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
