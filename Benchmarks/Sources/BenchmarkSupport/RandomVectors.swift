// SPDX-License-Identifier: Apache-2.0

public import VectorIndex

/// A seeded SplitMix64 generator, so every benchmark run scores the same data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator state.
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
}

/// `rows` vectors of `dimension` uniform floats in [-1, 1), fixed by `seed`.
public func randomMatrix(_ rows: Int, _ dimension: Int, seed: UInt64) -> VectorMatrix {
    var rng = SplitMix64(seed: seed)
    var values = ContiguousArray<Float>()
    values.reserveCapacity(rows * dimension)
    for _ in 0..<rows * dimension { values.append(Float(Int64(rng.next() >> 40) - (1 << 23)) / Float(1 << 23)) }
    guard let matrix = try? VectorMatrix(values: values, dimension: dimension) else { fatalError("bad shape") }
    return matrix
}
