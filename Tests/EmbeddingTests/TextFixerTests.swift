// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing

/// The CLIP text cleaner against ftfy 6.3.1.
///
/// The generated strings of `Fixtures/ftfy/golden.json` (`Benchmarks/Scripts/ftfy_golden.py`): every Unicode
/// general category, mojibake through six code pages, HTML entities, controls. The remaining differences are
/// listed in `Documentation/Fidelity.md`.
@Suite struct TextFixerTests {
    struct Golden: Decodable {
        struct Case: Decodable {
            var `class`: String
            var text: String
            var ftfy: String
            var clip: String
        }
        var ftfy: String
        var cases: [Case]
    }

    static func golden() throws -> Golden {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/ftfy/golden.json")
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    }

    static func describe(_ text: String) -> String {
        text.unicodeScalars.map {
            $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "\\u{\(String($0.value, radix: 16))}"
        }
        .joined()
    }

    /// Mismatches per class, each as `input → ours (ftfy: theirs)`.
    static func mismatches(_ golden: Golden, clip: Bool) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for test in golden.cases {
            let input = Array(test.text.unicodeScalars)
            let ours = String(
                String.UnicodeScalarView(clip ? CLIPTokenizer.normalize(input, cleaning: .ftfy) : TextFixer.fix(input))
            )
            let expected = clip ? test.clip : test.ftfy
            if ours.unicodeScalars.elementsEqual(expected.unicodeScalars) { continue }
            result[test.class, default: []].append(
                "\(describe(test.text)) → \(describe(ours)) (ftfy: \(describe(expected)))"
            )
        }
        return result
    }

    @Test("the CLIP cleaning of every golden string equals ftfy's, but for the documented differences")
    func clipCleaningMatchesFtfy() throws {
        let golden = try Self.golden()
        #expect(golden.cases.count == 2006)
        let found = Self.mismatches(golden, clip: true)
        let counts = found.mapValues(\.count)
        #expect(counts == Self.knownCLIPDifferences, "\(found.keys.sorted().map { "\($0): \(found[$0]!)" })")
    }

    @Test("the repaired text of every golden string equals ftfy.fix_text, but for the documented differences")
    func repairMatchesFtfy() throws {
        let golden = try Self.golden()
        let found = Self.mismatches(golden, clip: false)
        let counts = found.mapValues(\.count)
        #expect(counts == Self.knownRepairDifferences, "\(found.keys.sorted().map { "\($0): \(found[$0]!)" })")
    }

    /// Cyrillic text that only looks like Windows-1251 mojibake in places stays as it is, as in ftfy 6.3.1
    /// (checked there): its bytes in Windows-1251 are not UTF-8.
    @Test(arguments: [
        "Россия — «Сёла», Сі та Рі", "Привет, мир! Съешь же ещё этих мягких французских булок",
    ])
    func genuineCyrillicIsKept(_ text: String) {
        let input = Array(text.unicodeScalars)
        #expect(TextFixer.fix(input) == input)
    }

    /// Mismatching cases per class after CLIP's whitespace collapsing and lower-casing (Fidelity.md): mojibake
    /// through Windows-1250 and MacRoman, which ftfy repairs and the cleaner leaves alone, and the Windows-1251
    /// cases that ftfy's heuristic catches and the cleaner's narrower signal does not.
    static let knownCLIPDifferences: [String: Int] = [
        "mojibake-macroman": 74, "mojibake-macroman-twice": 34, "mojibake-windows-1250": 44,
        "mojibake-windows-1250-twice": 28, "mojibake-windows-1251": 8, "mojibake-windows-1251-twice": 7,
    ]
    /// Mismatching cases per class on the repaired text itself: the same as ``knownCLIPDifferences``.
    static let knownRepairDifferences = knownCLIPDifferences
}
