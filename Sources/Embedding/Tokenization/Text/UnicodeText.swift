// SPDX-License-Identifier: Apache-2.0

// Canonical normalisation (`decomposedStringWithCanonicalMapping`) is in Foundation proper, not in
// FoundationEssentials; the stdlib's own normaliser is SPI.
import Foundation

/// Character classes and transforms shared by the tokenizers, with Python's semantics where the reference
/// tokenizers are written in Python.
enum UnicodeText {
    /// Python's `str.isspace()`: Unicode `White_Space` plus the information separators U+001C–U+001F.
    @inline(__always)
    static func isPythonWhitespace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) || (v >= 0x1C && v <= 0x1F) }
        return s.properties.isWhitespace
    }

    /// General category `L*`.
    @inline(__always)
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v | 0x20) >= 0x61 && (v | 0x20) <= 0x7A }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// General category `N*`.
    @inline(__always)
    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v >= 0x30 && v <= 0x39 }
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// General category `P*`.
    static func isUnicodePunctuation(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// General category `C*` (control, format, surrogate, private use, unassigned).
    static func isOtherCategory(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// Whether every scalar is ASCII.
    static func isASCII(_ scalars: [Unicode.Scalar]) -> Bool {
        for s in scalars where s.value >= 0x80 { return false }
        return true
    }

    /// Canonical composition (NFC); ASCII is returned unchanged without a round trip through `String`.
    static func nfc(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if isASCII(scalars) { return scalars }
        return Array(string(scalars).precomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// Canonical decomposition (NFD); ASCII is returned unchanged.
    static func nfd(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if isASCII(scalars) { return scalars }
        return Array(string(scalars).decomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// A string made of the given scalars.
    static func string(_ scalars: some Sequence<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// Python's `str.lower()`: full lower-case mappings, and capital sigma becomes final sigma `ς` at the end of a
    /// word (preceded by a cased letter and not followed by one, case-ignorable characters skipped).
    static func pythonLowercased(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for (i, s) in scalars.enumerated() {
            let v = s.value
            if v < 0x80 {
                out.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(UInt8(v | 0x20)) : s)
            } else if v == 0x3A3 {
                out.append(isFinalSigma(scalars, at: i) ? "\u{3C2}" : "\u{3C3}")
            } else if s.properties.changesWhenLowercased {
                out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return out
    }

    private static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var j = index - 1
        while j >= 0, scalars[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, scalars[j].properties.isCased else { return false }
        j = index + 1
        while j < scalars.count, scalars[j].properties.isCaseIgnorable { j += 1 }
        return j == scalars.count || !scalars[j].properties.isCased
    }
}
