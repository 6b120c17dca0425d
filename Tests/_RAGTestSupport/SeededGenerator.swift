// SPDX-License-Identifier: Apache-2.0

import _RAGNumerics

/// A deterministic SplitMix64 random number generator for reproducible tests and benchmarks.
///
/// SplitMix64 is the generator the ANN fixtures use, so a test can regenerate their synthetic data bit for bit.
/// Test vector: state 0 yields `0xe220a8397b1dcdaf`, `0x6e789e6aa1b965f4`, `0x06c45d188009454f`.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    /// The next 64 random bits (the library's own SplitMix64, so tests and training draw the same streams).
    public mutating func next() -> UInt64 {
        generator.next()
    }

    /// A uniform float in `[-1, 1)` with 24 random bits.
    public mutating func nextSignedUnitFloat() -> Float {
        Float(Int64(next() >> 40) - (1 << 23)) / Float(1 << 23)
    }

    /// `count` uniform floats in `[-1, 1)`.
    public mutating func floats(_ count: Int) -> [Float] {
        (0..<count).map { _ in nextSignedUnitFloat() }
    }

    /// An approximately standard-normal float (Irwin–Hall: the sum of 12 uniforms minus 6).
    public mutating func nextGaussian() -> Float {
        var sum: Double = 0
        for _ in 0..<12 { sum += Double(next() >> 40) / Double(1 << 24) }
        return Float(sum - 6)
    }
}
