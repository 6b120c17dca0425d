// SPDX-License-Identifier: Apache-2.0

/// A subset of `ftfy.fix_text` (ftfy 6), the text repair Hugging Face's reference CLIP tokenizer and OpenAI's
/// `clip.tokenize` run before BPE.
///
/// The steps, repeated until the text stops changing:
/// 1. HTML entities (`&amp;`, `&#39;`, `&#x1F600;`, the HTML5 names with their `;`, and upper-case spellings of
///    lower-case names such as `&EACUTE;`) are decoded, until a line contains `<`;
/// 2. terminal escape sequences (`ESC [ … letter`) are removed;
/// 3. mojibake is undone: UTF-8 that was decoded as Windows-1252 (Latin-1 for its undefined bytes) is decoded
///    again, for the whole line or per character sequence, when it looks like mojibake (`cafÃ©` → `café`, also
///    doubly encoded text), or as Windows-1251 for a whole line of mojibake Cyrillic (`РїСЂРёРІРµС‚`);
/// 4. remaining C1 controls are read as Windows-1252 (`\u{85}` → `…`);
/// 5. Latin ligatures are expanded, halfwidth/fullwidth forms replaced by their NFKC forms, curly quotes
///    straightened, line breaks (CR LF, CR, U+2028, U+2029) made LF, and control characters (other than tab,
///    line feed, form feed) removed;
/// 6. the text is put in NFC.
///
/// Each line (with its `\n`) is repaired on its own.
///
/// ftfy decides mojibake with a "badness" score over character classes and also tries other code pages
/// (Windows-1250/1251/1253, MacRoman, …); step 3 uses a simpler, conservative signal, Windows-1252 and, for whole
/// lines of UTF-8 Cyrillic read as Windows-1251, that code page, so rarer mojibake (Windows-1250, MacRoman,
/// `Ñ½`-style pairs without a C1 control) is left alone (`Documentation/Fidelity.md` lists the differences).
package enum TextFixer {
    /// Applies the repairs to each line (a line keeps its `\n`) until the line is stable.
    package static func fix(_ input: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if isPlain(input) { return input }
        guard let firstBreak = input.firstIndex(of: "\n"), firstBreak + 1 < input.count else {
            var unescape = true
            return fixLine(input, unescapeHTML: &unescape)
        }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(input.count)
        var start = 0
        var unescape = true
        while start < input.count {
            let end = input[start...].firstIndex(of: "\n").map { $0 + 1 } ?? input.count
            out.append(contentsOf: fixLine(Array(input[start..<end]), unescapeHTML: &unescape))
            start = end
        }
        return out
    }

    /// Repairs one line.
    ///
    /// HTML decoding stops for good at the first line containing `<` (ftfy's behaviour).
    private static func fixLine(_ input: [Unicode.Scalar], unescapeHTML unescape: inout Bool) -> [Unicode.Scalar] {
        if unescape && input.contains("<") { unescape = false }
        if isPlain(input) { return input }
        var text = input
        for _ in 0..<8 {
            var next = text
            if unescape && next.contains("&") { next = unescapeHTML(next) }
            if next.contains("\u{1B}") { next = removeTerminalEscapes(next) }
            // Decoded until stable before the C1 controls are mapped, so doubly encoded text comes out whole.
            for _ in 0..<4 {
                let decoded = fixMojibake(next)
                if decoded == next { break }
                next = decoded
            }
            next = mapCharacters(next)
            next = UnicodeText.nfc(next)
            if next == text { break }
            text = next
        }
        return text
    }

    /// Printable ASCII, tab and line feed, without `&`: nothing to repair.
    private static func isPlain(_ text: [Unicode.Scalar]) -> Bool {
        for s in text {
            let v = s.value
            if v >= 0x7F || v == 0x26 || (v < 0x20 && v != 0x09 && v != 0x0A) { return false }
        }
        return true
    }

    // MARK: - HTML entities

    /// Decodes `&name;`, `&#123;` and `&#x1F;` where the entity is 1–24 alphanumerics (after an optional `#`).
    static func unescapeHTML(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            guard text[i] == "&" else {
                out.append(text[i])
                i += 1
                continue
            }
            var j = i + 1
            let numeric = j < text.count && text[j] == "#"
            if numeric { j += 1 }
            let nameStart = j
            while j < text.count, j - nameStart < 25, isASCIIAlphanumeric(text[j]) { j += 1 }
            let nameLength = j - nameStart
            if nameLength >= 1, nameLength <= 24, j < text.count, text[j] == ";",
                let decoded = decodeEntity(text[nameStart..<j], numeric: numeric)
            {
                out.append(contentsOf: decoded)
                i = j + 1
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    private static func isASCIIAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (v >= 0x30 && v <= 0x39) || ((v | 0x20) >= 0x61 && (v | 0x20) <= 0x7A)
    }

    /// Python's `html.unescape` rules for one entity body; `nil` leaves the entity as written.
    private static func decodeEntity(_ name: ArraySlice<Unicode.Scalar>, numeric: Bool) -> [Unicode.Scalar]? {
        guard numeric else {
            return TextTables.htmlEntities[UnicodeText.string(name)]
        }
        var digits = name
        var radix = 10
        if let first = digits.first, first == "x" || first == "X" {
            radix = 16
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ Character($0).hexDigitValue.map { $0 < radix } ?? false }) else {
            return nil
        }
        // Leading zeros do not count; more than 8 significant digits is past U+10FFFF in either base.
        let significant = digits.drop { $0 == "0" }
        let value: UInt32 =
            significant.count > 8 ? 0x11_0000 : UInt32(UnicodeText.string(significant), radix: radix) ?? 0
        switch value {
        case 0, 0xD800...0xDFFF, 0x110000...: return ["\u{FFFD}"]
        case 0x0D: return ["\r"]
        case 0x80...0x9F:
            let mapped = TextTables.windows1252High[Int(value - 0x80)]
            return [Unicode.Scalar(mapped == 0 ? value : mapped)!]
        case 0x1...0x8, 0xB, 0xE...0x1F, 0x7F, 0xFDD0...0xFDEF: return []
        default:
            if value & 0xFFFE == 0xFFFE { return [] }
            return Unicode.Scalar(value).map { [$0] }
        }
    }

    // MARK: - Terminal escapes

    /// Removes `ESC [` followed by digits and semicolons and a letter.
    static func removeTerminalEscapes(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i] == "\u{1B}", i + 1 < text.count, text[i + 1] == "[" {
                var j = i + 2
                while j < text.count, text[j] == ";" || (text[j].value >= 0x30 && text[j].value <= 0x39) { j += 1 }
                if j < text.count, text[j].isASCII, UnicodeText.isLetter(text[j]) {
                    i = j + 1
                    continue
                }
            }
            out.append(text[i])
            i += 1
        }
        return out
    }

    // MARK: - Mojibake

    /// Undoes UTF-8 that was decoded as Windows-1252 or Latin-1, when the text looks like mojibake (see
    /// ``looksLikeMojibake(_:)``).
    ///
    /// First the whole text is tried: every character must have a byte, and the bytes must be valid UTF-8 (a space
    /// after `Â` or `Ã` counts as the no-break space byte 0xA0 it usually replaced). Otherwise each run shaped like
    /// one UTF-8 character in Windows-1252 (`Ã©`, `â€™`) that looks like mojibake on its own is decoded.
    static func fixMojibake(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard text.contains(where: { $0.value >= 0x80 }) else { return text }
        guard looksLikeMojibake(text[...]) else { return fixWindows1251(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var encodable = true
        for (i, s) in text.enumerated() {
            if s == " ", i > 0, text[i - 1] == "\u{C2}" || text[i - 1] == "\u{C3}" {
                bytes.append(0xA0)
            } else if let b = byte(s) {
                bytes.append(b)
            } else {
                encodable = false
                break
            }
        }
        if encodable, let decoded = String(validating: bytes, as: UTF8.self) {
            return Array(decoded.unicodeScalars)
        }
        return fixSequences(text)
    }

    /// Undoes UTF-8 read as Windows-1251 for the whole text, when it holds two or more pairs shaped like a UTF-8
    /// Cyrillic letter (`Р` or `С`, the lead bytes 0xD0 and 0xD1, then a character of the continuation range,
    /// as in `РїСЂРёРІРµС‚`) or the telling `вЂ` (a UTF-8 punctuation lead), and every character has a byte.
    static func fixWindows1251(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var pairs = 0
        for i in 0..<(text.count - 1) {
            let lead = text[i].value
            let next = text[i + 1].value
            if lead == 0x432, next == 0x402 { pairs += 2 }
            if lead == 0x420 || lead == 0x421, let b = TextTables.windows1251Reverse[next], b < 0xC0 { pairs += 1 }
        }
        guard pairs >= 2 else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        for s in text {
            if s.value < 0x80 {
                bytes.append(UInt8(s.value))
            } else if let b = TextTables.windows1251Reverse[s.value] {
                bytes.append(b)
            } else {
                return text
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { return text }
        return Array(decoded.unicodeScalars)
    }

    /// Decodes runs of characters shaped like UTF-8 in sloppy Windows-1252 (one or more encoded characters back to
    /// back) when the run looks like mojibake on its own.
    private static func fixSequences(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            var end = i
            var bytes: [UInt8] = []
            while end < text.count, let next = sequence(in: text, at: end) {
                bytes.append(contentsOf: next)
                end += next.count
            }
            if end > i, looksLikeMojibake(text[i..<end]), let decoded = String(validating: bytes, as: UTF8.self) {
                out.append(contentsOf: decoded.unicodeScalars)
                i = end
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// The bytes of the UTF-8-shaped run starting at `i`: a Latin-1 lead character, then continuation characters
    /// in Windows-1252 or Latin-1 (`€`…`Ÿ` or C1 controls for 0x80–0x9F, Latin-1 for 0xA0–0xBF; a space after
    /// `Â`/`Ã` as 0xA0).
    private static func sequence(in text: [Unicode.Scalar], at i: Int) -> [UInt8]? {
        let v = text[i].value
        guard v >= 0xC2, v <= 0xF4 else { return nil }
        let length = v <= 0xDF ? 2 : v <= 0xEF ? 3 : 4
        guard i + length <= text.count else { return nil }
        var bytes = [UInt8(v)]
        for j in i + 1..<i + length {
            let c = text[j]
            if c == " ", length == 2, v == 0xC2 || v == 0xC3 {
                bytes.append(0xA0)
            } else if let b = continuationByte(c) {
                bytes.append(b)
            } else {
                return nil
            }
        }
        return bytes
    }

    /// The byte of a continuation character in Windows-1252 or Latin-1, or `nil`.
    private static func continuationByte(_ s: Unicode.Scalar) -> UInt8? {
        let v = s.value
        switch v {
        case 0x80...0xBF: return UInt8(v)
        case 0xC0...0xFF: return nil
        default: return TextTables.windows1252Reverse[v]
        }
    }

    /// The byte of a character in Latin-1 or Windows-1252, or `nil`.
    @inline(__always)
    private static func byte(_ s: Unicode.Scalar) -> UInt8? {
        s.value < 0x100 ? UInt8(s.value) : TextTables.windows1252Reverse[s.value]
    }

    /// A conservative mojibake signal: a C1 control character; or `Â`/`Ã` followed by a continuation character
    /// or a space; or a three- or four-character run shaped exactly like one UTF-8 character; or two
    /// UTF-8-shaped pairs back to back (Greek and Cyrillic mojibake such as `Ð¼Ð¸Ñ€`).
    static func looksLikeMojibake(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
        let window = Array(text)
        var i = 0
        var previousPairEnd = -1
        while i < window.count {
            let v = window[i].value
            if v >= 0x80 && v <= 0x9F { return true }
            if let bytes = sequence(in: window, at: i) {
                if bytes.count >= 3 || v == 0xC2 || v == 0xC3 || previousPairEnd == i { return true }
                if isTellingPair(window, at: i) { return true }
                previousPairEnd = i + bytes.count
            }
            i += 1
        }
        return false
    }

    /// A two-character UTF-8-shaped pair that real text hardly ever holds: an upper-case accented letter then a
    /// superscript digit or vulgar fraction (`Ä³` for `ĳ`), or an accented letter then a Windows-1252 quotation
    /// mark directly followed by a letter (`Å’uvre` for `Œuvre`).
    private static func isTellingPair(_ window: [Unicode.Scalar], at i: Int) -> Bool {
        let lead = window[i].value
        let second = window[i + 1].value
        let upperAccented = lead >= 0xC0 && lead <= 0xDE && lead != 0xD7
        if upperAccented, [0xB2, 0xB3, 0xB9, 0xBC, 0xBD, 0xBE].contains(second) { return true }
        let quote = [0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2039, 0x203A].contains(second)
        if quote, i + 2 < window.count, UnicodeText.isLetter(window[i + 2]) { return true }
        return false
    }

    // MARK: - Per-character repairs

    /// C1 controls, ligatures, character width, curly quotes and control-character removal, in one pass.
    static func mapCharacters(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        for (i, s) in text.enumerated() {
            let v = s.value
            if v < 0x80 {
                if v == 0x0D {
                    // Line breaks: CR LF and a lone CR become LF (as U+2028 and U+2029 do below).
                    if i + 1 < text.count, text[i + 1] == "\n" { continue }
                    out.append("\n")
                    continue
                }
                if isRemovedControl(v) { continue }
                out.append(s)
                continue
            }
            switch v {
            case 0x80...0x9F:
                let mapped = TextTables.windows1252High[Int(v - 0x80)]
                if mapped == 0 {
                    out.append(s)
                } else {
                    appendUncurled(Unicode.Scalar(mapped)!, to: &out)
                }
            case 0x132, 0x133, 0x149, 0x1C4...0x1CC, 0x1F1...0x1F3, 0xFB00...0xFB06:
                out.append(contentsOf: ligature(v))
            case 0x2028, 0x2029: out.append("\n")
            case 0x3000: out.append(" ")
            case 0xFF01...0xFF5E: out.append(Unicode.Scalar(UInt8(v - 0xFEE0)))
            case 0xFFE3: out.append(contentsOf: [" ", "\u{304}"])
            case 0xFF5F...0xFFEF:
                let mapped = TextTables.halfwidthFullwidth[Int(v - 0xFF5F)]
                out.append(mapped == 0 ? s : Unicode.Scalar(mapped)!)
            // ftfy removes these format controls; it keeps the tag characters (U+E0000–E007F, which spell the
            // flags of England, Scotland and Wales) and the musical-notation controls (U+1D173–1D17A).
            case 0x206A...0x206F, 0xFEFF, 0xFFF9...0xFFFC: continue
            default: appendUncurled(s, to: &out)
            }
        }
        return out
    }

    /// ftfy's control characters: C0 except tab, line feed, form feed and carriage return, plus DEL.
    @inline(__always)
    private static func isRemovedControl(_ v: UInt32) -> Bool {
        (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0C && v != 0x0D) || v == 0x7F
    }

    private static func appendUncurled(_ s: Unicode.Scalar, to out: inout [Unicode.Scalar]) {
        switch s.value {
        case 0x2BC, 0x2018...0x201B: out.append("'")
        case 0x201C...0x201F: out.append("\"")
        default: out.append(s)
        }
    }

    private static func ligature(_ v: UInt32) -> [Unicode.Scalar] {
        switch v {
        case 0x132: ["I", "J"]
        case 0x133: ["i", "j"]
        case 0x149: ["\u{2BC}", "n"]
        case 0x1C4: ["D", "\u{17D}"]
        case 0x1C5: ["D", "\u{17E}"]
        case 0x1C6: ["d", "\u{17E}"]
        case 0x1C7: ["L", "J"]
        case 0x1C8: ["L", "j"]
        case 0x1C9: ["l", "j"]
        case 0x1CA: ["N", "J"]
        case 0x1CB: ["N", "j"]
        case 0x1CC: ["n", "j"]
        case 0x1F1: ["D", "Z"]
        case 0x1F2: ["D", "z"]
        case 0x1F3: ["d", "z"]
        case 0xFB00: ["f", "f"]
        case 0xFB01: ["f", "i"]
        case 0xFB02: ["f", "l"]
        case 0xFB03: ["f", "f", "i"]
        case 0xFB04: ["f", "f", "l"]
        case 0xFB05: ["\u{17F}", "t"]
        default: ["s", "t"]
        }
    }
}
