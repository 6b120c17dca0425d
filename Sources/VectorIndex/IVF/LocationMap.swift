// SPDX-License-Identifier: Apache-2.0

/// The id → (list, offset) map of an ``IVFPQIndex``, in 8 bytes a slot.
///
/// A slot holds only a location (plus one, so zero means empty); the id it belongs to is read back from the
/// lists, which store every id anyway. Open addressing with linear probing, at most three quarters full, and
/// backward-shift deletion (no tombstones). At 10.7–21 bytes per vector this is a third to a half of a
/// dictionary from id to location.
///
/// Every method that reads ids takes the lists in the state that matches the map: insert after appending to a
/// list, remove before removing from it.
struct LocationMap: Sendable {
    private var slots = ContiguousArray<UInt64>()
    /// The number of ids held.
    private(set) var count = 0

    /// Bytes held by the slots.
    var memoryFootprint: Int { slots.capacity * 8 }

    static func pack(list: Int, offset: Int) -> UInt64 { UInt64(list) << 32 | UInt64(offset) }

    private static func id(at location: UInt64, in lists: [InvertedList]) -> UInt64 {
        lists[Int(location >> 32)].ids[Int(location & 0xFFFF_FFFF)]
    }

    private func home(_ id: UInt64) -> Int {
        Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) >> 29) & (slots.count - 1)
    }

    /// The location of `id`, if it is held.
    func location(of id: UInt64, in lists: [InvertedList]) -> UInt64? {
        guard count > 0 else { return nil }
        let mask = slots.count - 1
        var i = home(id)
        while slots[i] != 0 {
            let location = slots[i] - 1
            if Self.id(at: location, in: lists) == id { return location }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Records `id` (not yet held) at `location`, where the lists already store it.
    mutating func insert(_ id: UInt64, at location: UInt64, lists: [InvertedList]) {
        if (count + 1) * 4 > slots.count * 3 { grow(toHold: count + 1, lists: lists) }
        let mask = slots.count - 1
        var i = home(id)
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = location + 1
        count += 1
    }

    /// Makes room for `total` ids without further growth.
    mutating func reserve(_ total: Int, lists: [InvertedList]) {
        if total * 4 > slots.count * 3 { grow(toHold: total, lists: lists) }
    }

    /// Forgets `id` and returns its location; the lists must still hold it.
    mutating func remove(_ id: UInt64, lists: [InvertedList]) -> UInt64? {
        guard count > 0 else { return nil }
        let mask = slots.count - 1
        var i = home(id)
        while slots[i] != 0 {
            let location = slots[i] - 1
            if Self.id(at: location, in: lists) == id {
                slots[i] = 0
                count -= 1
                // Shift later members of the probe run back over the hole, so lookups never stop early.
                var j = i
                while true {
                    j = (j + 1) & mask
                    guard slots[j] != 0 else { break }
                    let h = home(Self.id(at: slots[j] - 1, in: lists))
                    let canMove = i <= j ? (h <= i || h > j) : (h <= i && h > j)
                    if canMove {
                        slots[i] = slots[j]
                        slots[j] = 0
                        i = j
                    }
                }
                return location
            }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Records that `id` moved from `old` to `new` (within its list); found by location, so the lists may
    /// already have changed.
    mutating func relocate(_ id: UInt64, from old: UInt64, to new: UInt64) {
        let mask = slots.count - 1
        var i = home(id)
        while slots[i] != old + 1 {
            precondition(slots[i] != 0, "location map: moved id \(id) is not recorded")
            i = (i + 1) & mask
        }
        slots[i] = new + 1
    }

    /// Forgets every id.
    mutating func removeAll() {
        slots = []
        count = 0
    }

    private mutating func grow(toHold total: Int, lists: [InvertedList]) {
        var size = max(16, slots.count)
        while total * 4 > size * 3 { size *= 2 }
        let old = slots
        slots = ContiguousArray(repeating: 0, count: size)
        let mask = size - 1
        for slot in old where slot != 0 {
            var i = home(Self.id(at: slot - 1, in: lists))
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = slot
        }
    }
}
