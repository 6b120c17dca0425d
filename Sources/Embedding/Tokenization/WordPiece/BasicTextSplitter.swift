// SPDX-License-Identifier: Apache-2.0

/// BERT's "basic tokenizer": cleans the text, isolates CJK ideographs, lower-cases, strips accents and splits on
/// white space and punctuation, producing the words WordPiece then splits into sub-words.
struct BasicTextSplitter: Sendable {
    var lowercase: Bool
    /// `nil` follows `lowercase`, as in Hugging Face.
    var stripAccents: Bool?
    var splitCJK: Bool
    var cleanText: Bool

    /// Calls `body` with each word of `text`, as scalars.
    func forEachWord(in text: ArraySlice<Unicode.Scalar>, _ body: (ArraySlice<Unicode.Scalar>) -> Void) {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(text.count + 8)
        var ascii = true
        for s in text {
            let v = s.value
            if v < 0x80 {
                if v == 0x20 || v == 0x09 || v == 0x0A || v == 0x0D {
                    cleaned.append(" ")
                } else if cleanText && (v < 0x20 || v == 0x7F) {
                    continue
                } else {
                    cleaned.append(lowercase && v >= 0x41 && v <= 0x5A ? Unicode.Scalar(UInt8(v | 0x20)) : s)
                }
                continue
            }
            ascii = false
            if cleanText && (v == 0xFFFD || UnicodeText.isOtherCategory(s)) { continue }
            if cleanText && s.properties.generalCategory == .spaceSeparator {
                cleaned.append(" ")
            } else if splitCJK && Self.isCJKIdeograph(v) {
                cleaned.append(" ")
                cleaned.append(s)
                cleaned.append(" ")
            } else if lowercase && s.properties.changesWhenLowercased {
                cleaned.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
            } else {
                cleaned.append(s)
            }
        }
        if !ascii {
            cleaned = UnicodeText.nfc(cleaned)
            if stripAccents ?? lowercase { cleaned = Self.strippingAccents(cleaned) }
        }
        var i = 0
        let n = cleaned.count
        while i < n {
            let c = cleaned[i]
            if UnicodeText.isPythonWhitespace(c) {
                i += 1
            } else if Self.isPunctuation(c) {
                body(cleaned[i..<i + 1])
                i += 1
            } else {
                var j = i + 1
                while j < n, !UnicodeText.isPythonWhitespace(cleaned[j]), !Self.isPunctuation(cleaned[j]) { j += 1 }
                body(cleaned[i..<j])
                i = j
            }
        }
    }

    /// NFD without nonspacing marks (`Mn`).
    ///
    /// White space is left alone, so the result is still split correctly.
    static func strippingAccents(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        UnicodeText.nfd(scalars).filter { $0.properties.generalCategory != .nonspacingMark }
    }

    /// BERT's punctuation: ASCII symbols (`!`–`/`, `:`–`@`, `[`–`` ` ``, `{`–`~`) and general category `P*`.
    @inline(__always)
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126)
        }
        return UnicodeText.isUnicodePunctuation(s)
    }

    /// The CJK Unified Ideographs blocks BERT isolates (not Hangul, kana or CJK punctuation).
    static func isCJKIdeograph(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            true
        default: false
        }
    }
}
