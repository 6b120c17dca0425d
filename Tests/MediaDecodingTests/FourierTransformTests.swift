// SPDX-License-Identifier: Apache-2.0

import MediaDecoding
import Testing
import _RAGTestSupport

@Suite struct FourierTransformTests {
    /// The direct O(n²) DFT, in Double.
    static func naive(_ x: [Double]) -> (re: [Double], im: [Double]) {
        let n = x.count
        var re = [Double](repeating: 0, count: n)
        var im = [Double](repeating: 0, count: n)
        for k in 0..<n {
            for t in 0..<n {
                let turns = Double((k * t) % n) / Double(n)
                re[k] += x[t] * cosTurns(turns)
                im[k] -= x[t] * sinTurns(turns)
            }
        }
        return (re, im)
    }

    static func sinTurns(_ turns: Double) -> Double {
        var x = (turns - turns.rounded()) * 2 * .pi
        if x > .pi / 2 { x = .pi - x } else if x < -.pi / 2 { x = -.pi - x }
        let x2 = x * x
        var term = x
        var sum = x
        var n = 1.0
        for _ in 0..<12 {
            term *= -x2 / ((n + 1) * (n + 2))
            sum += term
            n += 2
        }
        return sum
    }

    static func cosTurns(_ turns: Double) -> Double { sinTurns(turns + 0.25) }

    @Test(arguments: [1, 2, 3, 4, 5, 7, 8, 12, 49, 143, 400, 512])
    func matchesDirectDFT(_ n: Int) {
        var generator = SeededGenerator(seed: UInt64(n))
        let x = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) }
        let (re, im) = FourierTransform(count: n).forward(real: x)
        let (expectedRe, expectedIm) = Self.naive(x)
        var worst = 0.0
        for k in 0..<n {
            worst = max(worst, abs(re[k] - expectedRe[k]), abs(im[k] - expectedIm[k]))
        }
        #expect(worst <= 1e-12 * Double(n), "n = \(n): max |diff| \(worst)")
    }

    @Test func powerSpectrumOfAToneHasOnePeak() {
        let n = 400
        let x = (0..<n).map { Self.cosTurns(Double(25 * $0) / Double(n)) }
        let power = FourierTransform(count: n).powerSpectrum(real: x, bins: 201)
        #expect(abs(power[25] - 200 * 200) < 1e-6)
        #expect(power.enumerated().filter { $0.offset != 25 }.allSatisfy { $0.element < 1e-12 })
    }
}
