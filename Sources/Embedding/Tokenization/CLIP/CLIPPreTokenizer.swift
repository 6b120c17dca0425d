// SPDX-License-Identifier: Apache-2.0

/// CLIP's pre-tokenization pattern, `'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+`, matched by hand
/// over Unicode scalars (the special-token alternatives are handled by the caller).
enum CLIPPreTokenizer {
    /// The end of the piece starting at `start`, which must not be white space.
    static func pieceEnd(_ text: [Unicode.Scalar], from start: Int) -> Int {
        let n = text.count
        let c = text[start]
        if c == "'", start + 1 < n {
            let a = text[start + 1]
            if a == "s" || a == "t" || a == "m" || a == "d" { return start + 2 }
            if start + 2 < n {
                let b = text[start + 2]
                if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") { return start + 3 }
            }
        }
        if UnicodeText.isLetter(c) {
            var j = start + 1
            while j < n, UnicodeText.isLetter(text[j]) { j += 1 }
            return j
        }
        if UnicodeText.isNumber(c) { return start + 1 }
        var j = start + 1
        while j < n {
            let s = text[j]
            if UnicodeText.isPythonWhitespace(s) || UnicodeText.isLetter(s) || UnicodeText.isNumber(s) { break }
            j += 1
        }
        return j
    }

    /// Lower-cases each scalar on its own (no final-sigma rule), as Rust's `char::to_lowercase` does.
    static func lowercasedPerScalar(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for s in scalars {
            let v = s.value
            if v < 0x80 {
                out.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(UInt8(v | 0x20)) : s)
            } else if s.properties.changesWhenLowercased {
                out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return out
    }
}
