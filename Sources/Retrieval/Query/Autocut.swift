// SPDX-License-Identifier: Apache-2.0

/// Cutting a ranked list at jumps in its score curve.
enum Autocut {
    /// How many of `distances` (ascending) to keep when cutting after the `jumps`-th jump.
    ///
    /// The curve is rescaled so that its first and last values are 0 and 1 and compared with the straight line
    /// between them; a jump is a local maximum of the curve's excess over that line, and the list is cut right
    /// before the value after the jump. With no jump (fewer than three values, or all equal) nothing is cut.
    static func cut(_ distances: [Float], jumps: Int) -> Int {
        let n = distances.count
        guard n > 2, jumps > 0, let first = distances.first, let last = distances.last, last > first else { return n }
        let step = 1 / Float(n - 1)
        let excess = distances.enumerated().map { i, d in (d - first) / (last - first) - Float(i) * step }
        var found = 0
        for i in 1..<(n - 1) where excess[i] > excess[i - 1] && excess[i] > excess[i + 1] {
            found += 1
            if found >= jumps { return i }
        }
        return n
    }
}
