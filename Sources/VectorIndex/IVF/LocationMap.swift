// SPDX-License-Identifier: Apache-2.0

/// The id → (list, offset) map of an ``IVFPQIndex``, in 4 bytes a slot (8 when a list outgrows them).
///
/// A slot holds only a location (plus one, so zero means empty); the id it belongs to is read back from the
/// lists, which store every id anyway. Open addressing with linear probing, at most three quarters full, and
/// backward-shift deletion (no tombstones).
///
/// A location packs the list index above the offset in as few bits as the list count needs, so with 1,024
/// lists a 32-bit slot holds offsets below 2²² − 1; the first offset that does not fit widens every slot to 64
/// bits (list << 32 | offset). The table size is not a power of two: a bulk ``reserve(_:lists:)`` sizes it to
/// the count it is given, so after one large add it is three quarters full (5.3 bytes a vector), and single
/// inserts grow it by half (5.3–8 bytes a vector while it fills).
///
/// Every method that reads ids takes the lists in the state that matches the map: insert after appending to a
/// list, remove before removing from it. Locations in and out are always `list << 32 | offset`.
///
/// Ids are a host's to choose, so a slot's home mixes in a per-map random key: a host cannot pick ids that all
/// land in one probe run (which would make every lookup linear in the count).
struct LocationMap: Sendable {
    /// Mixed into every id before hashing; fixed for the life of the map, different from map to map.
    private let key = UInt64.random(in: .min ... .max)
    /// Slots while every location fits 32 bits, else empty.
    private var narrow = ContiguousArray<UInt32>()
    /// Slots once a location did not fit 32 bits, else empty.
    private var wide = ContiguousArray<UInt64>()
    private var isWide = false
    /// Bits of the offset in a narrow slot (the list index takes the bits above).
    private var offsetBits = 0
    /// The number of slots.
    private var size = 0
    /// The number of ids held.
    private(set) var count = 0

    /// Bytes held by the slots.
    var memoryFootprint: Int { narrow.capacity * 4 + wide.capacity * 8 }

    static func pack(list: Int, offset: Int) -> UInt64 { UInt64(list) << 32 | UInt64(offset) }

    private static func id(at location: UInt64, in lists: [InvertedList]) -> UInt64 {
        lists[Int(location >> 32)].ids[Int(location & 0xFFFF_FFFF)]
    }

    /// Bits of the offset in a narrow slot for `listCount` lists: what the list index leaves of 32.
    private static func narrowOffsetBits(listCount: Int) -> Int {
        max(0, 32 - max(1, Int.bitWidth - max(0, listCount - 1).leadingZeroBitCount))
    }

    private func home(_ id: UInt64) -> Int {
        // Keyed, then a multiply-xorshift finaliser so every id bit reaches the high bits, which pick the slot.
        var x = (id ^ key) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 32
        x = x &* 0xD6E8_FEB8_6659_FD93
        return Int(truncatingIfNeeded: x.multipliedFullWidth(by: UInt64(size)).high)
    }

    /// Slot `i` as location + 1, or 0 when empty.
    @inline(__always)
    private func slot(_ i: Int) -> UInt64 {
        if isWide { return wide[i] }
        let value = UInt64(narrow[i])
        guard value != 0 else { return 0 }
        let location = value - 1
        return (location >> UInt64(offsetBits)) << 32 | (location & (1 << UInt64(offsetBits) - 1)) + 1
    }

    /// Whether `location` fits a narrow slot (as location + 1).
    private func fitsNarrow(_ location: UInt64) -> Bool {
        let offset = location & 0xFFFF_FFFF
        return offset + 1 < 1 << UInt64(offsetBits) && location >> 32 < 1 << UInt64(32 - offsetBits)
    }

    /// Stores `value` (location + 1, or 0) in slot `i`; the caller has widened the slots if it does not fit.
    @inline(__always)
    private mutating func setSlot(_ i: Int, _ value: UInt64) {
        if isWide {
            wide[i] = value
        } else if value == 0 {
            narrow[i] = 0
        } else {
            let location = value - 1
            narrow[i] = UInt32(truncatingIfNeeded: (location >> 32) << UInt64(offsetBits) | location & 0xFFFF_FFFF) + 1
        }
    }

    @inline(__always)
    private func next(_ i: Int) -> Int { i + 1 == size ? 0 : i + 1 }

    /// The location of `id`, if it is held.
    func location(of id: UInt64, in lists: [InvertedList]) -> UInt64? {
        guard count > 0 else { return nil }
        var i = home(id)
        while case let value = slot(i), value != 0 {
            let location = value - 1
            if Self.id(at: location, in: lists) == id { return location }
            i = next(i)
        }
        return nil
    }

    /// Records `id` (not yet held) at `location`, where the lists already store it.
    mutating func insert(_ id: UInt64, at location: UInt64, lists: [InvertedList]) {
        if (count + 1) * 4 > size * 3 { grow(toHold: count + 1, lists: lists) }
        if !isWide && !fitsNarrow(location) { widen() }
        var i = home(id)
        while slot(i) != 0 { i = next(i) }
        setSlot(i, location + 1)
        count += 1
    }

    /// Makes room for `total` ids without further growth: exactly, when the map is empty or would more than
    /// grow by half, else by half.
    mutating func reserve(_ total: Int, lists: [InvertedList]) {
        if total * 4 > size * 3 { grow(toHold: total, lists: lists) }
    }

    /// Forgets `id` and returns its location; the lists must still hold it.
    mutating func remove(_ id: UInt64, lists: [InvertedList]) -> UInt64? {
        guard count > 0 else { return nil }
        var i = home(id)
        while case let value = slot(i), value != 0 {
            let location = value - 1
            if Self.id(at: location, in: lists) == id {
                setSlot(i, 0)
                count -= 1
                // Shift later members of the probe run back over the hole, so lookups never stop early.
                var j = i
                while true {
                    j = next(j)
                    let moving = slot(j)
                    guard moving != 0 else { break }
                    let h = home(Self.id(at: moving - 1, in: lists))
                    let canMove = i <= j ? (h <= i || h > j) : (h <= i && h > j)
                    if canMove {
                        setSlot(i, moving)
                        setSlot(j, 0)
                        i = j
                    }
                }
                return location
            }
            i = next(i)
        }
        return nil
    }

    /// Records that `id` moved from `old` to `new` (within its list); found by location, so the lists may
    /// already have changed.
    mutating func relocate(_ id: UInt64, from old: UInt64, to new: UInt64) {
        var i = home(id)
        while slot(i) != old + 1 {
            precondition(slot(i) != 0, "location map: moved id \(id) is not recorded")
            i = next(i)
        }
        // `new` is an earlier offset in the same list, so it fits wherever `old` did.
        setSlot(i, new + 1)
    }

    /// Forgets every id.
    mutating func removeAll() {
        narrow = []
        wide = []
        isWide = false
        size = 0
        count = 0
    }

    /// Rehashes into a table that holds `total` ids at most three quarters full, and at least half again as
    /// many slots as now (so single inserts stay amortised O(1)).
    private mutating func grow(toHold total: Int, lists: [InvertedList]) {
        let newSize = max(16, (total * 4 + 2) / 3, size + size / 2)
        let old = self
        if size == 0 { offsetBits = Self.narrowOffsetBits(listCount: lists.count) }
        size = newSize
        if isWide {
            wide = ContiguousArray(repeating: 0, count: newSize)
        } else {
            narrow = ContiguousArray(repeating: 0, count: newSize)
        }
        for k in 0..<old.size {
            let value = old.slot(k)
            guard value != 0 else { continue }
            var i = home(Self.id(at: value - 1, in: lists))
            while slot(i) != 0 { i = next(i) }
            setSlot(i, value)
        }
    }

    /// Moves every slot to 64 bits, for a location a narrow slot cannot hold.
    private mutating func widen() {
        var slots = ContiguousArray<UInt64>(repeating: 0, count: size)
        for i in 0..<size { slots[i] = slot(i) }
        narrow = []
        wide = slots
        isWide = true
    }
}
