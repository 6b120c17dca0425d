// SPDX-License-Identifier: Apache-2.0

/// Finds earlier occurrences of the bytes at a position within the last 32 KiB.
///
/// Uses hash chains over three-byte prefixes. Holds a pointer to the input: created inside `withUnsafeBufferPointer` only.
@safe struct LZ77Matcher {
    private let data: UnsafeBufferPointer<UInt8>
    /// The most recent position for each hash value, or -1.
    private var head: [Int32]
    /// For each position modulo the window, the previous position with the same hash, or -1.
    private var previous: [Int32]
    private let chain: Int
    private let good: Int
    private static let window = 32_768
    private static let hashSize = 1 << 15

    init(_ data: UnsafeBufferPointer<UInt8>, chain: Int, good: Int) {
        unsafe self.data = data
        self.chain = chain
        self.good = good
        head = [Int32](repeating: -1, count: Self.hashSize)
        previous = [Int32](repeating: -1, count: Self.window)
    }

    @inline(__always)
    private func hash(_ position: Int) -> Int {
        let a = Int(unsafe data[position])
        let b = Int(unsafe data[position + 1])
        let c = Int(unsafe data[position + 2])
        return ((a << 10) ^ (b << 5) ^ c ^ (a >> 5)) & (Self.hashSize - 1)
    }

    /// Records `position` in its hash chain (positions too close to the end to hash are skipped).
    @inline(__always)
    mutating func insert(_ position: Int) {
        guard unsafe position + 2 < data.count else { return }
        let h = hash(position)
        previous[position & (Self.window - 1)] = head[h]
        head[h] = Int32(truncatingIfNeeded: position)
    }

    /// The longest earlier match (3...258 bytes, distance 1...32768) for the bytes at `position`, or length 0.
    func longestMatch(at position: Int) -> (length: Int, distance: Int) {
        let count = unsafe data.count
        guard position + 2 < count else { return (0, 0) }
        let limit = min(258, count - position)
        var candidate = Int(head[hash(position)])
        var best = 2
        var bestDistance = 0
        var tries = chain
        let base = unsafe data.baseAddress!
        while candidate >= 0, position - candidate <= Self.window, tries > 0 {
            tries -= 1
            if candidate < position, unsafe base[candidate + best] == base[position + best] {
                var length = 0
                while length < limit, unsafe base[candidate + length] == base[position + length] { length += 1 }
                if length > best {
                    best = length
                    bestDistance = position - candidate
                    if length >= good || length == limit { break }
                }
            }
            let next = Int(previous[candidate & (Self.window - 1)])
            guard next < candidate else { break }
            candidate = next
        }
        return best >= 3 ? (best, bestDistance) : (0, 0)
    }
}
