// SPDX-License-Identifier: Apache-2.0

/// The words of a keyword index and their term ids (0, 1, 2, … in the order the words were first added).
///
/// Words are equal when their `String`s are (canonical equivalence), so a query finds a word however its text
/// was composed. Nearly every word is ASCII: those are kept as bytes in one array and found through an
/// open-addressed hash table of ids, so adding a document's words builds no `String` and hashes none. Other
/// words are found through a `[String: UInt32]`. The only non-ASCII scalars canonically equivalent to ASCII
/// characters — U+037E (`;`), U+1FEF (`` ` ``) and U+212A (Kelvin sign, `K`) — are replaced by them first, so a
/// word spelled with one shares its id with the ASCII spelling, as `String` equality has it.
///
/// The table's hash is seeded per vocabulary at random, so words chosen to collide for one vocabulary do not
/// collide for another.
struct Vocabulary: Sendable {
    /// Every word's UTF-8, end to end in id order (the spelling first added).
    private var bytes: [UInt8] = []
    /// Where each word ends in `bytes`.
    private var ends: [Int] = []
    /// The hash of each ASCII word, by id (0 for the others: the table does not hold them).
    private var hashes: [UInt64] = []
    /// The ASCII words' ids + 1, placed by hash with linear probing (0 marks an empty entry).
    ///
    /// A power of two long and at most half full.
    private var table = [UInt32](repeating: 0, count: 64)
    /// The ids of the words that are not ASCII.
    private var others: [String: UInt32] = [:]
    private let seed = UInt64.random(in: .min ... .max)

    /// The number of words.
    var count: Int { ends.count }

    /// Word `id`, as first added.
    func word(_ id: Int) -> ArraySlice<UInt8> {
        bytes[(id == 0 ? 0 : ends[id - 1])..<ends[id]]
    }

    /// The id of `word`, or `nil` when the vocabulary does not have it.
    func id(of word: String) -> UInt32? {
        guard let ascii = Self.asciiForm(word) else { return others[word] }
        let (hash, _) = hashing(ascii[...])
        return find(ascii[...], hash: hash).id
    }

    /// The id of `word`, added first when it is new.
    mutating func insert(_ word: String) -> UInt32 {
        if let ascii = Self.asciiForm(word) { return insert(utf8: ascii[...]) }
        if let id = others[word] { return id }
        let id = UInt32(count)
        others[word] = id
        append(Array(word.utf8)[...], hash: 0)
        return id
    }

    /// The id of the word whose UTF-8 is `word`, added first when it is new.
    ///
    /// - Precondition: `word` is valid UTF-8 (as every ``WordList`` word is).
    mutating func insert(utf8 word: ArraySlice<UInt8>) -> UInt32 {
        let (hash, isASCII) = hashing(word)
        guard isASCII else { return insert(String(decoding: word, as: UTF8.self)) }
        let (found, position) = find(word, hash: hash)
        if let found { return found }
        let id = UInt32(count)
        append(word, hash: hash)
        table[position] = id + 1
        if count * 2 > table.count { grow() }
        return id
    }

    private mutating func append(_ word: ArraySlice<UInt8>, hash: UInt64) {
        bytes.append(contentsOf: word)
        ends.append(bytes.count)
        hashes.append(hash)
    }

    /// The id of an ASCII word and, when it is missing, the empty table entry where it belongs.
    private func find(_ word: ArraySlice<UInt8>, hash: UInt64) -> (id: UInt32?, position: Int) {
        let mask = table.count - 1
        var position = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = table[position]
            if entry == 0 { return (nil, position) }
            let id = Int(entry - 1)
            if hashes[id] == hash && self.word(id).elementsEqual(word) { return (entry - 1, position) }
            position = (position + 1) & mask
        }
    }

    /// Doubles the table and places its words again.
    private mutating func grow() {
        let old = table
        table = [UInt32](repeating: 0, count: old.count * 2)
        let mask = table.count - 1
        for entry in old where entry != 0 {
            var position = Int(truncatingIfNeeded: hashes[Int(entry - 1)]) & mask
            while table[position] != 0 { position = (position + 1) & mask }
            table[position] = entry
        }
    }

    /// The seeded hash of `word` (eight bytes per mixing step, then a final avalanche) and whether it is ASCII.
    private func hashing(_ word: ArraySlice<UInt8>) -> (hash: UInt64, isASCII: Bool) {
        var h = seed ^ (UInt64(word.count) &* 0x9E37_79B9_7F4A_7C15)
        var pending: UInt64 = 0
        var shift: UInt64 = 0
        var any: UInt8 = 0
        for byte in word {
            any |= byte
            pending |= UInt64(byte) << shift
            shift += 8
            if shift == 64 {
                h = Self.mix(h, pending)
                pending = 0
                shift = 0
            }
        }
        h = Self.mix(h, pending)
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return (h, any < 0x80)
    }

    @inline(__always)
    private static func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = h ^ word
        return (mixed << 27 | mixed >> 37) &* 0x9FB2_1C65_1E98_DF25
    }

    /// The ASCII string canonically equivalent to `word`, as bytes, or `nil` when there is none.
    static func asciiForm(_ word: String) -> [UInt8]? {
        if word.utf8.allSatisfy({ $0 < 0x80 }) { return Array(word.utf8) }
        var ascii: [UInt8] = []
        for scalar in word.unicodeScalars {
            switch scalar.value {
            case 0..<0x80: ascii.append(UInt8(scalar.value))
            case 0x37E: ascii.append(UInt8(ascii: ";"))
            case 0x1FEF: ascii.append(UInt8(ascii: "`"))
            case 0x212A: ascii.append(UInt8(ascii: "K"))
            default: return nil
            }
        }
        return ascii
    }
}
