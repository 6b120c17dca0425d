// SPDX-License-Identifier: Apache-2.0

import _RAGInternals

/// The keyword index in a snapshot, so that opening a store reads it back instead of tokenizing every object again.
///
/// Layout: the property count; the vocabulary in term-id order; per property the posting-list lengths, every
/// list's slots and frequencies end to end, and the slot lengths; then the slot keys, liveness, each slot's
/// `(property, term)` entries (lengths, then end to end) and the dead-slot count. The settings (properties,
/// BM25 constants, tokenizer) are not stored here: they come from the store's keyword settings.
extension BM25Index {
    /// Writes the index's contents.
    func append(to writer: inout BinaryWriter) {
        writer.append(UInt32(properties.count))
        // Laid out as `String.append(_:to:)` lays out a string list.
        writer.append(UInt64(vocabulary.count))
        for id in 0..<vocabulary.count { writer.append(block: vocabulary.word(id)) }
        for property in postings {
            var slots: [UInt32] = []
            var frequencies: [UInt32] = []
            let total = property.lists.reduce(0) { $0 + $1.count }
            slots.reserveCapacity(total)
            frequencies.reserveCapacity(total)
            for list in property.lists {
                for posting in list {
                    slots.append(posting.slot)
                    frequencies.append(posting.frequency)
                }
            }
            writer.append(array: property.lists.map { UInt32($0.count) })
            writer.append(array: slots)
            writer.append(array: frequencies)
            writer.append(array: property.lengths)
        }
        writer.append(array: slotKeys)
        writer.append(array: isLive.map { $0 ? UInt8(1) : 0 })
        // A removed slot's pairs are written as none.
        let pairs = isLive.indices.map { isLive[$0] ? slotTermStarts[$0]..<slotTermStarts[$0 + 1] : 0..<0 }
        writer.append(array: pairs.map { UInt32($0.count) })
        writer.append(array: pairs.flatMap { slotTermEntries[$0] })
        writer.append(UInt64(deadSlots))
    }

    /// Reads contents written by ``append(to:)`` into this empty index (made from the same settings), checking
    /// every count and reference so that a damaged section cannot make a later search trap.
    /// - Throws: ``FileError`` (corrupt).
    mutating func read(_ reader: inout BinaryReader) throws(FileError) {
        precondition(count == 0 && slotKeys.isEmpty, "an index is read into an empty one")
        guard Int(try reader.read(UInt32.self)) == properties.count else {
            throw reader.corrupt("the keyword index's property count")
        }
        let vocabulary = try Self.readVocabulary(&reader)
        var postings: [PropertyPostings] = []
        for _ in properties.indices {
            let lengths = try reader.readArray(of: UInt32.self)
            let slots = try reader.readArray(of: UInt32.self)
            let frequencies = try reader.readArray(of: UInt32.self)
            var property = PropertyPostings()
            property.lengths = try reader.readArray(of: UInt32.self)
            property.totalLength = property.lengths.reduce(0) { $0 + Int($1) }
            guard lengths.count == vocabulary.count, slots.count == frequencies.count,
                lengths.reduce(0, { $0 + Int($1) }) == slots.count
            else { throw reader.corrupt("the keyword index's posting lists") }
            property.lists.reserveCapacity(lengths.count)
            var start = 0
            for length in lengths {
                let end = start + Int(length)
                let list = (start..<end).map { Posting(slot: slots[$0], frequency: frequencies[$0]) }
                guard zip(list, list.dropFirst()).allSatisfy({ $0.slot < $1.slot }) else {
                    throw reader.corrupt("the keyword index's posting order")
                }
                property.lists.append(list)
                start = end
            }
            postings.append(property)
        }
        let slotKeys = try reader.readArray(of: UInt64.self)
        let isLive = try reader.readArray(of: UInt8.self)
        let termCounts = try reader.readArray(of: UInt32.self)
        let terms = try reader.readArray(of: UInt32.self)
        let deadSlots = Int(try reader.read(UInt64.self))
        let slotCount = slotKeys.count
        let entryLimit = UInt64(vocabulary.count) * UInt64(properties.count)
        guard isLive.count == slotCount, termCounts.count == slotCount,
            termCounts.reduce(0, { $0 + Int($1) }) == terms.count,
            terms.allSatisfy({ UInt64($0) < entryLimit }),
            postings.allSatisfy({
                $0.lengths.count == slotCount
                    && $0.lists.allSatisfy { $0.last.map { Int($0.slot) < slotCount } ?? true }
            }),
            isLive.allSatisfy({ $0 <= 1 }), isLive.count - isLive.reduce(0, { $0 + Int($1) }) == deadSlots
        else { throw reader.corrupt("the keyword index's slots") }
        var slotTermStarts = [0]
        slotTermStarts.reserveCapacity(slotCount + 1)
        var slotByKey: [UInt64: UInt32] = [:]
        slotByKey.reserveCapacity(slotCount - deadSlots)
        var start = 0
        for slot in 0..<slotCount {
            let end = start + Int(termCounts[slot])
            slotTermStarts.append(end)
            start = end
            if isLive[slot] == 1, slotByKey.updateValue(UInt32(slot), forKey: slotKeys[slot]) != nil {
                throw reader.corrupt("the keyword index's keys")
            }
        }
        self.vocabulary = vocabulary
        self.postings = postings
        self.slotKeys = slotKeys
        self.isLive = isLive.map { $0 == 1 }
        self.slotTermEntries = terms
        self.slotTermStarts = slotTermStarts
        self.slotByKey = slotByKey
        self.deadSlots = deadSlots
    }

    /// Reads the vocabulary `append(to:)` wrote: every word valid UTF-8 and none twice.
    private static func readVocabulary(_ reader: inout BinaryReader) throws(FileError) -> Vocabulary {
        let count = try reader.read(UInt64.self)
        // Each word takes at least its 4-byte length.
        guard count <= UInt64(reader.remaining / 4) else { throw reader.corrupt("the keyword index's word count") }
        var vocabulary = Vocabulary()
        for id in 0..<Int(count) {
            let word = try reader.block()
            if word.contains(where: { $0 >= 0x80 }), String(validating: word, as: UTF8.self) == nil {
                throw reader.corrupt("a keyword index word that is not UTF-8")
            }
            guard vocabulary.insert(utf8: word) == id else { throw reader.corrupt("the keyword index's vocabulary") }
        }
        return vocabulary
    }
}
