// SPDX-License-Identifier: Apache-2.0

/// A text value as the property index keys it: its canonical composition (NFC), ordered by UTF-8 bytes.
///
/// `String ==` is canonical equivalence (`"e\u{301}" == "\u{E9}"`), but Swift 6.3's `String <` is not a strict
/// weak order on text that is not in NFC: `"e\u{301}"` and `"\u{E9}c"` are unequal and neither is less, and some
/// triples order in a cycle. Sorted posting lists, merges and binary searches need a total order that agrees with
/// equality, so the index does not use `String <`:
///
/// - A key holds the NFC form of the text, composed by the standard library's normaliser (`_nfcCodeUnits`, public
///   in its ABI since Swift 5 though underscored), the one `String ==` and `String` hashing compare with.
///   Foundation's normaliser differs from it in places on Linux (it leaves a Hangul LV syllable followed by a
///   trailing jamo uncomposed, which `String ==` equates with the LVT syllable), so keys from it would split
///   equal texts. ASCII text, and any text already composed, is kept as it is.
/// - Keys compare by their UTF-8 bytes, which for valid UTF-8 is the order of the code points.
///
/// So two keys are equal exactly when their texts are `==`, and the order is total. The objects themselves keep
/// the text as it was stored; only the index holds the composed form.
struct TextKey: Hashable, Comparable, Sendable {
    /// The canonical composition of the text.
    let text: String

    /// The key of `text`, composing it first when it is not ASCII.
    init(_ text: String) {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            self.text = text
            return
        }
        let composed = text._nfcCodeUnits
        self.text = composed.elementsEqual(text.utf8) ? text : String(decoding: composed, as: UTF8.self)
    }

    /// The key whose text is `composed`, already in the form ``init(_:)`` gives (as a stored index holds it).
    init(composed: String) {
        text = composed
    }

    static func == (a: TextKey, b: TextKey) -> Bool { UTF8Order.sameBytes(a.text, b.text) }

    static func < (a: TextKey, b: TextKey) -> Bool { UTF8Order.precedes(a.text, b.text) }

    func hash(into hasher: inout Hasher) {
        // Equal keys have the same bytes, so their texts are `==` and hash alike.
        hasher.combine(text)
    }

    /// The first eight UTF-8 bytes, big-endian and zero-padded.
    ///
    /// `a < b` implies `a.prefix <= b.prefix`, so prefixes that differ decide the order. A prefix is never all
    /// ones, since the byte 0xFF never occurs in UTF-8.
    var prefix: UInt64 {
        var prefix: UInt64 = 0
        var shift: UInt64 = 56
        for byte in text.utf8 {
            prefix |= UInt64(byte) << shift
            if shift == 0 { break }
            shift -= 8
        }
        return prefix
    }
}
