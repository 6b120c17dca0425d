// SPDX-License-Identifier: Apache-2.0

/// A small, fast, seeded random number generator (SplitMix64), for reproducible training.
///
/// The same seed gives the same sequence on every platform and in every release, so an index trained with a
/// fixed seed is the same index everywhere. Not for cryptography.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    package init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly distributed integer in `0..<bound` (Lemire's multiply-shift with rejection; no modulo bias).
    ///
    /// - Precondition: `bound > 0`.
    package mutating func next(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let limit = UInt64(bound)
        while true {
            let product = next().multipliedFullWidth(by: limit)
            if product.low >= (0 &- limit) % limit { return Int(product.high) }
        }
    }

    /// `count` distinct indices from `0..<population`, in random order (a partial Fisher–Yates shuffle).
    ///
    /// - Precondition: `0 <= count <= population`.
    package mutating func sample(_ count: Int, from population: Int) -> [Int] {
        precondition(count >= 0 && count <= population, "cannot sample \(count) of \(population)")
        var indices = Array(0..<population)
        for i in 0..<count {
            indices.swapAt(i, i + next(below: population - i))
        }
        return Array(indices[0..<count])
    }
}
