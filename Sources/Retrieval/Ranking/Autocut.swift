// SPDX-License-Identifier: Apache-2.0

/// Weaviate's `autocut`: keeps results up to a jump in their score curve.
///
/// The scores (in result order, best first; similarities, distances or fused scores alike) are rescaled so the
/// first maps to 0 and the last to 1, and compared with the straight line from 0 to 1 over the positions
/// `0, 1/(n−1), …, 1`. A jump is a position `i ≥ 1` where that difference is a strict local maximum: greater than
/// at `i − 1` and at `i + 1` (at the last position, greater than at the two before). The results before the
/// `jumps`-th such position are kept.
///
/// ```swift
/// Autocut.count(of: [0.9, 0.89, 0.88, 0.5, 0.49, 0.1], jumps: 1)   // 3: cut at the drop after 0.88
/// Autocut.count(of: [0.9, 0.89, 0.88, 0.5, 0.49, 0.1], jumps: 2)   // 5
/// ```
public enum Autocut {
    /// The number of leading results to keep.
    ///
    /// - Parameters:
    ///   - scores: The results' scores in result order.
    ///   - jumps: Which jump to cut at; 1 cuts at the first. Values below 1 keep everything (autocut disabled).
    /// - Returns: A count in `0...scores.count`; all of them when there are fewer jumps, fewer than two scores,
    ///   or the first and last score are equal.
    /// - Complexity: O(n).
    public static func count(of scores: [Double], jumps: Int) -> Int {
        let n = scores.count
        guard jumps >= 1, n > 1 else { return n }
        let first = scores[0]
        let span = scores[n - 1] - first
        guard span != 0, span.isFinite else { return n }
        let step = 1 / Double(n - 1)
        let difference = scores.indices.map { (scores[$0] - first) / span - Double($0) * step }
        var found = 0
        for i in 1..<n {
            let isJump: Bool
            if i == n - 1 {
                isJump = difference[i] > difference[i - 1] && (i < 2 || difference[i] > difference[i - 2])
            } else {
                isJump = difference[i] > difference[i - 1] && difference[i] > difference[i + 1]
            }
            if isJump {
                found += 1
                if found >= jumps { return i }
            }
        }
        return n
    }
}
