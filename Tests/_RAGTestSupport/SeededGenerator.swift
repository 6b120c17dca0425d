// SPDX-License-Identifier: Apache-2.0

/// A deterministic SplitMix64 random number generator for reproducible tests and benchmarks.
///
/// SplitMix64 is the generator the ANN fixtures use, so a test can regenerate their synthetic data bit for bit.
/// Test vector: state 0 yields `0xe220a8397b1dcdaf`, `0x6e789e6aa1b965f4`, `0x06c45d188009454f`.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The generator's state; advances by the golden-ratio increment on every draw.
    public var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
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
