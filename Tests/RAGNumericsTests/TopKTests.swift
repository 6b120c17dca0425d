// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGNumerics
import _RAGTestSupport

@Suite struct TopKTests {
    @Test("keeps the k smallest keys, best first, against a full sort", arguments: [0, 1, 5, 100, 1000])
    func matchesSort(k: Int) {
        var rng = SeededGenerator(seed: UInt64(k))
        // Few distinct keys, so ties are common.
        let keys = (0..<500).map { _ in Float(rng.next() % 50) }
        var top = TopK(k: k)
        for (i, key) in keys.enumerated().reversed() { top.push(key, id: UInt64(i)) }
        let expected = keys.enumerated().sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }.prefix(k)
        let got = top.sorted()
        #expect(got.map(\.id) == expected.map { UInt64($0.offset) })
        #expect(got.map(\.key) == expected.map(\.element))
    }

    @Test("ties go to the lower id whatever the insertion order")
    func tieBreak() {
        var forward = TopK(k: 2)
        var backward = TopK(k: 2)
        for id in 0..<10 as Range<UInt64> { forward.push(1, id: id) }
        for id in (0..<10 as Range<UInt64>).reversed() { backward.push(1, id: id) }
        #expect(forward.sorted().map(\.id) == [0, 1])
        #expect(backward.sorted().map(\.id) == [0, 1])
    }

    @Test("threshold is infinite until full, then the worst kept key; merge combines selections")
    func thresholdAndMerge() {
        var a = TopK(k: 3)
        #expect(a.threshold == .infinity)
        for (key, id) in [(5, 1), (3, 2), (9, 3)] as [(Float, UInt64)] { a.push(key, id: id) }
        #expect(a.threshold == 9)
        var b = TopK(k: 3)
        for (key, id) in [(1, 4), (4, 5)] as [(Float, UInt64)] { b.push(key, id: id) }
        a.merge(b)
        #expect(a.sorted().map(\.id) == [4, 2, 5])
    }
}
