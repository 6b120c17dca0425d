// SPDX-License-Identifier: Apache-2.0

import Foundation
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

    /// The reference order of text pairs: the UTF-8 bytes of the composed text (Foundation's NFC, an
    /// implementation independent of the index's), then the key.
    private static func referenceSorted(_ pairs: [Postings<TextKey>.Pair]) -> [Postings<TextKey>.Pair] {
        let bytes = pairs.map { Array($0.value.text.precomposedStringWithCanonicalMapping.utf8) }
        return pairs.indices.sorted { i, j in
            bytes[i].lexicographicallyPrecedes(bytes[j]) || (bytes[i] == bytes[j] && pairs[i].key < pairs[j].key)
        }.map { pairs[$0] }
    }

    @Test("text pairs sorted by their prefixes first come out in the order of their composed UTF-8")
    func prefixSortMatchesByteOrder() {
        var random = SeededRandom(seed: 7)
        // Shared prefixes, lengths around the eight prefix bytes, a NUL, and text that is not ASCII or not in NFC:
        // "é" composed and decomposed (equal), the Kelvin sign (equal to "K"), marks out of canonical order.
        let stems = ["", "a", "ab", "abcdefg", "abcdefgh", "abcdefghi", "abcdefgh\u{0}", "Z", "b\u{0}c", "zzzzzzzzz"]
        let tails = [
            "", "a", "b", "é", "e\u{301}", "\u{212A}", "K", "日本", "~", "abc", "\u{1E39}\u{323}\u{327}", "\u{327}",
        ]
        func text() -> String {
            stems[Int(random.next() % UInt64(stems.count))] + tails[Int(random.next() % UInt64(tails.count))]
        }
        typealias Pair = Postings<TextKey>.Pair
        let asciiTails = ["", "a", "~", "abc"]
        let ascii = (0..<2000).map { i in
            Pair(value: TextKey(stems[i % stems.count] + asciiTails[i % 4]), key: random.next() % 50)
        }
        let mixed = (0..<2000).map { _ in Pair(value: TextKey(text()), key: random.next() % 50) }
        for pairs in [ascii, mixed] {
            var sorted = pairs
            Postings<TextKey>.sort(&sorted)
            #expect(sorted == Self.referenceSorted(pairs))
            #expect(sorted == pairs.sorted())
        }
        // Keys are equal exactly when the texts are (canonical equivalence), and composed as Foundation composes.
        let texts = (0..<300).map { _ in text() }
        for a in texts {
            #expect(
                TextKey(a).text.unicodeScalars.elementsEqual(a.precomposedStringWithCanonicalMapping.unicodeScalars)
            )
            for b in texts.prefix(60) { #expect((TextKey(a) == TextKey(b)) == (a == b), "\(a) \(b)") }
        }
        // A Hangul LV syllable and a trailing jamo equal the LVT syllable (Foundation's NFC on Linux disagrees).
        #expect("\u{AC00}\u{11A8}" == "\u{AC01}")
        #expect(TextKey("\u{AC00}\u{11A8}") == TextKey("\u{AC01}"))
        #expect(TextKey("e\u{301}").prefix == TextKey("\u{E9}").prefix)
        #expect(TextKey("abcdefgh").prefix == TextKey("abcdefghZ").prefix)
        #expect(TextKey("ab").prefix < TextKey("ab\u{0}c").prefix || TextKey("ab") < TextKey("ab\u{0}c"))
        // ASCII and composed text is kept as it is.
        #expect(TextKey("plain").text == "plain")
    }

    @Test("text runs merged by their stored prefixes keep the composed UTF-8 order, through removals")
    func textMergesMatchByteOrder() throws {
        var random = SeededRandom(seed: 11)
        // Values that share their eight prefix bytes, end inside them, are not ASCII, or are not in NFC: among
        // them three texts that Swift 6.3's String < orders in a cycle, which the key order must not follow.
        let stems = ["", "a", "abcdefgh", "abcdefghi", "abcdefgh\u{0}", "Z", "zzzzzzzzz", "é", "e\u{301}", "日本"]
        let tails = ["", "a", "b", "é", "K", "~", "\u{1E39}", "\u{1E39}\u{323}\u{327}", "\u{327}", "\u{E9}c"]
        func text() -> String {
            stems[Int(random.next() % UInt64(stems.count))] + tails[Int(random.next() % UInt64(tails.count))]
        }
        typealias Pair = Postings<TextKey>.Pair
        var postings = Postings<TextKey>()
        var pairs = Set<Pair>()
        var valueOfKey: [UInt64: TextKey] = [:]
        var nextKey: UInt64 = 0
        for batch in 0..<40 {
            for _ in 0..<200 {
                let value = TextKey(text())
                postings.edit(value, key: nextKey, adding: true)
                pairs.insert(Pair(value: value, key: nextKey))
                valueOfKey[nextKey] = value
                nextKey += 1
            }
            if batch % 4 == 3 {
                for _ in 0..<50 {
                    let key = random.next() % nextKey
                    guard let old = valueOfKey.removeValue(forKey: key) else { continue }
                    // Removed by another spelling of the same text, as an update from a decomposed copy would.
                    let respelled = TextKey(old.text.decomposedStringWithCanonicalMapping)
                    postings.edit(respelled, key: key, adding: false)
                    pairs.remove(Pair(value: old, key: key))
                }
            }
            postings.finishBatch()
            let merged = postings.merged
            let found = zip(merged.values, merged.keys).map { Pair(value: $0, key: $1) }
            #expect(found == Self.referenceSorted(Array(pairs)), "batch \(batch)")
            #expect(merged.prefixes == merged.values.map(\.prefix))
            for bound in ["", "e", "é", "e\u{301}", "\u{E9}c", "\u{327}", "\u{1E39}", "zzzzzzzzz~", "日本"] {
                let key = TextKey(bound)
                for op: FilterCondition.Operator in [.equal, .lessThan, .greaterThanOrEqual] {
                    let expected = pairs.filter { pair in
                        switch op {
                        case .equal: pair.value == key
                        case .lessThan: pair.value < key
                        default: !(pair.value < key)
                        }
                    }.map(\.key).sorted()
                    #expect(try postings.keys(op, key, field: .property("t")).ids == expected, "\(op) \(bound)")
                }
            }
        }
        #expect(Postings<Int64>.Run(values: [1, 2], keys: [0, 1]).prefixes.isEmpty)
    }
}
