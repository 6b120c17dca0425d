// SPDX-License-Identifier: Apache-2.0

/// Builds length-limited prefix codes from symbol frequencies, for the DEFLATE and JPEG encoders.
enum HuffmanCodeBuilder {
    /// Optimal code lengths for `frequencies`, no longer than `maxLength`, forming a complete code.
    ///
    /// Huffman's algorithm first (two queues over the sorted leaves); lengths over the limit are then clamped and
    /// the Kraft sum restored by lengthening the rarest shorter codes, and any slack is given back to the most
    /// frequent codes, so the result is always a complete prefix code. Symbols with frequency 0 get length 0.
    /// - Parameters:
    ///   - frequencies: How often each symbol occurs; at least two must be non-zero.
    ///   - maxLength: The longest allowed code (15 for DEFLATE, 7 for its code-length code, 16 for JPEG).
    /// - Returns: One length per symbol.
    /// - Precondition: At least two non-zero frequencies, and no more than `2^maxLength` of them.
    static func lengths(_ frequencies: [Int], maxLength: Int) -> [Int] {
        let used = frequencies.indices.filter { frequencies[$0] > 0 }
            .sorted { (frequencies[$0], $0) < (frequencies[$1], $1) }
        precondition(used.count >= 2 && used.count <= 1 << maxLength, "need 2...2^maxLength used symbols")
        // Huffman tree: nodes 0..<n are the sorted leaves, then internal nodes in creation (= weight) order.
        let n = used.count
        var weight = used.map { frequencies[$0] }
        var parent = [Int](repeating: -1, count: 2 * n - 1)
        weight.reserveCapacity(2 * n - 1)
        var leaf = 0
        var inner = n
        func takeSmallest() -> Int {
            if leaf < n, inner >= weight.count || weight[leaf] <= weight[inner] {
                leaf += 1
                return leaf - 1
            }
            inner += 1
            return inner - 1
        }
        for _ in 0..<(n - 1) {
            let a = takeSmallest()
            let b = takeSmallest()
            weight.append(weight[a] + weight[b])
            parent[a] = weight.count - 1
            parent[b] = weight.count - 1
        }
        var depth = [Int](repeating: 0, count: 2 * n - 1)
        for node in stride(from: 2 * n - 3, through: 0, by: -1) {
            depth[node] = depth[parent[node]] + 1
        }
        // Leaves in order of increasing frequency, with their (clamped) lengths.
        var length = (0..<n).map { min(depth[$0], maxLength) }
        let full = 1 << maxLength
        var kraft = length.reduce(0) { $0 + (1 << (maxLength - $1)) }
        // Too long a code was clamped: lengthen the rarest codes shorter than the limit until the sum fits.
        while kraft > full {
            guard let i = (0..<n).first(where: { length[$0] < maxLength }) else { break }
            kraft -= 1 << (maxLength - length[i] - 1)
            length[i] += 1
        }
        // Slack left: shorten the most frequent codes that fit into it, until the code is complete.
        while kraft < full {
            guard
                let i = (0..<n).reversed().first(where: {
                    length[$0] > 1 && 1 << (maxLength - length[$0]) <= full - kraft
                })
            else { break }
            kraft += 1 << (maxLength - length[i])
            length[i] -= 1
        }
        var result = [Int](repeating: 0, count: frequencies.count)
        for (rank, symbol) in used.enumerated() {
            result[symbol] = length[rank]
        }
        return result
    }

    /// Canonical codes for `lengths` (RFC 1951 §3.2.2; the same assignment as JPEG's Annex C): shorter codes
    /// first, and within a length in symbol order.
    /// - Parameter lengths: One code length per symbol (0 = unused).
    /// - Returns: One code per symbol, most significant bit first.
    static func canonicalCodes(_ lengths: [Int]) -> [Int] {
        let maxLength = lengths.max() ?? 0
        var countPerLength = [Int](repeating: 0, count: maxLength + 2)
        for length in lengths where length > 0 { countPerLength[length] += 1 }
        var next = [Int](repeating: 0, count: maxLength + 2)
        var code = 0
        for length in 1...max(maxLength, 1) {
            code = (code + countPerLength[length - 1]) << 1
            next[length] = code
        }
        var codes = [Int](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            codes[symbol] = next[length]
            next[length] += 1
        }
        return codes
    }
}
