// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGTestSupport

@testable import VectorIndex

/// The IVF-PQ id map against a dictionary: the same locations after every insert, removal and move, in narrow
/// (32-bit) and widened slots, and the compact sizes its documentation states.
@Suite struct LocationMapTests {
    /// Lists whose ids column is the only one filled, as the map reads them.
    struct Model {
        var lists: [InvertedList]
        var map = LocationMap()
        var reference: [UInt64: UInt64] = [:]

        init(listCount: Int) {
            lists = [InvertedList](repeating: InvertedList(codeSize: 1, vectorBytes: 0), count: listCount)
        }

        mutating func add(_ id: UInt64, to list: Int) {
            let offset = lists[list].count
            lists[list].ids.append(contentsOf: CollectionOfOne(id))
            lists[list].codes.append(contentsOf: CollectionOfOne(0))
            let location = LocationMap.pack(list: list, offset: offset)
            map.insert(id, at: location, lists: lists)
            reference[id] = location
        }

        /// Removes `id` as `IVFPQState.removeID` does: the list's last entry moves into the hole.
        mutating func remove(_ id: UInt64) -> Bool {
            guard let location = map.remove(id, lists: lists) else { return false }
            let list = Int(location >> 32)
            let last = lists[list].count - 1
            if let moved = lists[list].removeEntry(at: Int(location & 0xFFFF_FFFF)) {
                map.relocate(moved, from: LocationMap.pack(list: list, offset: last), to: location)
                reference[moved] = location
            }
            reference[id] = nil
            return true
        }

        func check(absent: [UInt64]) {
            #expect(map.count == reference.count)
            for (id, location) in reference {
                #expect(map.location(of: id, in: lists) == location, "id \(id)")
            }
            for id in absent { #expect(map.location(of: id, in: lists) == nil, "absent id \(id)") }
        }
    }

    @Test("random inserts, removals and moves match a dictionary", arguments: [1, 7, 1024])
    func matchesDictionary(listCount: Int) {
        var random = SeededGenerator(seed: UInt64(listCount))
        var model = Model(listCount: listCount)
        var next: UInt64 = 0
        var live: [UInt64] = []
        for round in 0..<40 {
            // Sequential and scattered ids, so runs of colliding homes occur.
            for _ in 0..<Int(random.next() % 200) {
                let id = round.isMultiple(of: 2) ? next : next &* 0x1000_0001 ^ random.next() >> 8
                next += 1
                guard model.reference[id] == nil else { continue }
                model.add(id, to: Int(random.next() % UInt64(listCount)))
                live.append(id)
            }
            for _ in 0..<Int(random.next() % 120) where !live.isEmpty {
                let id = live.remove(at: Int(random.next() % UInt64(live.count)))
                let removed = model.remove(id)
                #expect(removed)
            }
            let removedUnknown = model.remove(UInt64.max - UInt64(round))
            #expect(!removedUnknown)
            model.check(absent: [UInt64.max - 1, next &* 0x1000_0001 ^ 3])
        }
        while let id = live.popLast() {
            let removed = model.remove(id)
            #expect(removed)
        }
        model.check(absent: [0, 1])
    }

    @Test("an offset beyond the narrow slots widens them and keeps every location")
    func widens() {
        // 65,537 lists leave 15 offset bits: offset 32,767 (plus one) no longer fits 32 bits.
        var model = Model(listCount: 65_537)
        model.add(7, to: 65_536)
        model.add(8, to: 0)
        let before = model.map.memoryFootprint
        for id in UInt64(100)..<UInt64(100 + 32_766) { model.add(id, to: 3) }
        #expect(model.map.memoryFootprint <= before * 4096, "still narrow")
        let narrowBytes = model.map.memoryFootprint
        model.add(1, to: 3)  // offset 32,766: location + 1 = 2^15 - 1 still fits
        model.add(2, to: 3)  // offset 32,767: does not
        #expect(model.map.memoryFootprint >= narrowBytes * 2 - 64, "widened to 8 bytes a slot")
        model.check(absent: [3, 4, 5])
        for id in UInt64(100)..<UInt64(200) {
            let removed = model.remove(id)
            #expect(removed)
        }
        model.add(3, to: 65_536)
        model.check(absent: [100, 150])
    }

    @Test("a bulk reserve sizes the table to the count: 4 bytes a slot, three quarters full")
    func compactSizes() {
        var model = Model(listCount: 1024)
        let n = 100_000
        model.map.reserve(n, lists: model.lists)
        for id in 0..<UInt64(n) { model.add(id, to: Int(id % 1024)) }
        let slots = (n * 4 + 2) / 3
        #expect(model.map.memoryFootprint >= slots * 4)
        #expect(model.map.memoryFootprint <= slots * 4 + 4096, "\(model.map.memoryFootprint) (allocator page rounding)")
        // Single inserts past it grow by half, not double.
        model.add(UInt64(n), to: 5)
        #expect(model.map.memoryFootprint <= slots * 6 + 64)
        model.check(absent: [UInt64(n + 1)])
    }
}
