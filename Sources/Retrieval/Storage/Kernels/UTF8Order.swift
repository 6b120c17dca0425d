// SPDX-License-Identifier: Apache-2.0

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Orders strings by their UTF-8 bytes, which for valid UTF-8 is the order of their code points.
///
/// Unlike `String <`, this is a total order on the spellings themselves: it never looks through canonical
/// equivalence, so `"e\u{301}"` and `"\u{E9}"` are two different byte strings here. The property index applies it
/// to canonically composed text only (see ``TextKey``), where spellings and values are one to one.
enum UTF8Order {
    /// -1, 0 or 1 as the UTF-8 of `a` sorts before, equal to or after that of `b` (a prefix first).
    ///
    /// - Complexity: O(length of the common prefix), one `memcmp` for native strings.
    static func compare(_ a: String, _ b: String) -> Int {
        let contiguous = unsafe a.utf8.withContiguousStorageIfAvailable { x in
            unsafe b.utf8.withContiguousStorageIfAvailable { y in
                let common = min(x.count, y.count)
                if common > 0, let p = x.baseAddress, let q = y.baseAddress {
                    let order = unsafe memcmp(p, q, common)
                    if order != 0 { return order < 0 ? -1 : 1 }
                }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
        if let contiguous, let result = contiguous { return result }
        // Strings whose UTF-8 is not stored contiguously (bridged ones on Apple platforms): byte by byte.
        var (i, j) = (a.utf8.makeIterator(), b.utf8.makeIterator())
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?) where x != y: return x < y ? -1 : 1
            default: continue
            }
        }
    }

    /// Whether the UTF-8 of `a` sorts before that of `b`.
    static func precedes(_ a: String, _ b: String) -> Bool { compare(a, b) < 0 }

    /// Whether `a` and `b` have the same UTF-8 (not canonical equivalence: `String ==` is that).
    static func sameBytes(_ a: String, _ b: String) -> Bool { a.utf8.count == b.utf8.count && compare(a, b) == 0 }
}
