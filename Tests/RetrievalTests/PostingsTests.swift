// SPDX-License-Identifier: Apache-2.0

import Testing
import VectorIndex

@testable import Retrieval

/// The two-run posting lists against a plain set of pairs: every comparison on every batch boundary.
@Suite struct PostingsTests {
    @Test("inserts, updates and removals in batches answer every comparison as a set of pairs does")
    func matchesASetOfPairs() throws {
        var random = SeededRandom(seed: 42)
        var postings = Postings<Int64>()
        var pairs = Set<Postings<Int64>.Pair>()
        var valueOfKey: [UInt64: Int64] = [:]
        var sawTwoRuns = false
        var nextKey: UInt64 = 0
        for batch in 0..<60 {
            // Mostly inserts; every fifth batch also changes and removes some.
            for _ in 0..<150 {
                let value = Int64(random.next() % 400)
                postings.edit(value, key: nextKey, adding: true)
                pairs.insert(.init(value: value, key: nextKey))
                valueOfKey[nextKey] = value
                nextKey += 1
            }
            if batch % 5 == 4 {
                for _ in 0..<40 {
                    let key = random.next() % nextKey
                    guard let old = valueOfKey[key] else { continue }
                    postings.edit(old, key: key, adding: false)
                    pairs.remove(.init(value: old, key: key))
                    if random.next() % 2 == 0 {
                        let new = Int64(random.next() % 400)
                        postings.edit(new, key: key, adding: true)
                        pairs.insert(.init(value: new, key: key))
                        valueOfKey[key] = new
                    } else {
                        valueOfKey[key] = nil
                    }
                }
            }
            postings.finishBatch()
            sawTwoRuns = sawTwoRuns || (postings.base.count > 0 && postings.recent.count > 0)
            #expect(postings.base.count + postings.recent.count == pairs.count)
            for bound in [Int64(-1), 0, 17, 200, 399, 400] {
                for op: FilterCondition.Operator in [
                    .equal, .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual,
                ] {
                    let expected = pairs.filter { pair in
                        switch op {
                        case .equal: pair.value == bound
                        case .lessThan: pair.value < bound
                        case .lessThanOrEqual: pair.value <= bound
                        case .greaterThan: pair.value > bound
                        default: pair.value >= bound
                        }
                    }.map(\.key).sorted()
                    #expect(try postings.keys(op, bound, field: .property("n")).ids == expected, "\(op) \(bound)")
                }
            }
        }
        #expect(sawTwoRuns, "the test should reach a state with both runs in use")
        // One run, as a snapshot stores it: sorted by value, then key.
        let merged = postings.merged
        #expect(zip(merged.values, merged.keys).map { Postings<Int64>.Pair(value: $0, key: $1) } == pairs.sorted())
        #expect(throws: RetrievalError.self) { _ = try postings.keys(.like, Int64(1), field: .property("n")) }
    }

    @Test("text pairs sorted by their ASCII prefixes first come out in the order of String's <")
    func prefixSortMatchesStringOrder() {
        var random = SeededRandom(seed: 7)
        // Shared prefixes, lengths around the eight prefix bytes, a NUL, and strings that are not ASCII in their
        // first nine bytes: "é" composed and decomposed (equal strings), the Kelvin sign (equal to "K").
        let stems = ["", "a", "ab", "abcdefg", "abcdefgh", "abcdefghi", "abcdefgh\u{0}", "Z", "b\u{0}c", "zzzzzzzzz"]
        let tails = ["", "a", "b", "é", "e\u{301}", "\u{212A}", "K", "日本", "~", "abc"]
        func text() -> String {
            stems[Int(random.next() % UInt64(stems.count))] + tails[Int(random.next() % UInt64(tails.count))]
        }
        typealias Pair = Postings<String>.Pair
        // All ASCII in their first nine bytes (the prefix path), then with the others mixed in (the plain sort).
        let asciiTails = ["", "a", "~", "abc"]
        let ascii = (0..<2000).map { i in
            Pair(value: stems[i % stems.count] + asciiTails[i % 4], key: random.next() % 50)
        }
        let mixed = (0..<2000).map { _ in Pair(value: text(), key: random.next() % 50) }
        for pairs in [ascii, mixed] {
            var sorted = pairs
            Postings<String>.sort(&sorted)
            #expect(sorted == pairs.sorted())
        }
        #expect(ascii.allSatisfy { String.sortPrefix($0.value) != nil })
        #expect(String.sortPrefix("e\u{301}") == nil && String.sortPrefix("\u{212A}") == nil)
        #expect(String.sortPrefix("abcdefgh") == String.sortPrefix("abcdefghZ"))
    }

    @Test("text runs merged by their stored prefixes keep String's order, with and without prefixes, through removals")
    func textMergesMatchStringOrder() {
        var random = SeededRandom(seed: 11)
        // Values that share their eight prefix bytes, end inside them, or have no prefix (not ASCII in their first
        // nine bytes). Not canonically equivalent spellings such as "e\u{301}" and "é" with more after them:
        // Swift 6.3's String `<` does not order those consistently ("e\u{301}" and "éb" are neither equal nor
        // ordered), so no sorted structure can.
        let stems = ["", "a", "abcdefgh", "abcdefghi", "abcdefgh\u{0}", "Z", "zzzzzzzzz", "é", "日本"]
        let tails = ["", "a", "b", "é", "K", "~"]
        func text() -> String {
            stems[Int(random.next() % UInt64(stems.count))] + tails[Int(random.next() % UInt64(tails.count))]
        }
        typealias Pair = Postings<String>.Pair
        var postings = Postings<String>()
        var pairs = Set<Pair>()
        var valueOfKey: [UInt64: String] = [:]
        var nextKey: UInt64 = 0
        for batch in 0..<40 {
            for _ in 0..<200 {
                let value = text()
                postings.edit(value, key: nextKey, adding: true)
                pairs.insert(Pair(value: value, key: nextKey))
                valueOfKey[nextKey] = value
                nextKey += 1
            }
            if batch % 4 == 3 {
                for _ in 0..<50 {
                    let key = random.next() % nextKey
                    guard let old = valueOfKey.removeValue(forKey: key) else { continue }
                    postings.edit(old, key: key, adding: false)
                    pairs.remove(Pair(value: old, key: key))
                }
            }
            postings.finishBatch()
            let merged = postings.merged
            let found = zip(merged.values, merged.keys).map { Pair(value: $0, key: $1) }
            #expect(found == pairs.sorted(), "batch \(batch)")
            #expect(merged.prefixes == merged.values.map { String.sortPrefix($0) ?? .max })
        }
        #expect(Postings<Int64>.Run(values: [1, 2], keys: [0, 1]).prefixes.isEmpty)
    }
}
