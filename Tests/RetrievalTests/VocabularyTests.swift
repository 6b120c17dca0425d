// SPDX-License-Identifier: Apache-2.0

import Testing
import _RAGTestSupport

@testable import Retrieval

/// The keyword index's vocabulary keeps ASCII words as bytes; it must still treat words as `String` equality does.
@Suite struct VocabularyTests {
    @Test("ids are dense in insertion order; every word is found again, through growth, and unknown words are not")
    func denseIDs() {
        var vocabulary = Vocabulary()
        var generator = SeededGenerator(seed: 11)
        var words: [String] = []
        var seen: Set<String> = []
        while words.count < 20_000 {
            let length = 1 + Int(generator.next() % 12)
            let word = String((0..<length).map { _ in Character(Unicode.Scalar(UInt8(97 + generator.next() % 26))) })
            if seen.insert(word).inserted { words.append(word) }
        }
        for (id, word) in words.enumerated() { #expect(vocabulary.insert(word) == UInt32(id)) }
        #expect(vocabulary.count == words.count)
        var misses = 0
        for (id, word) in words.enumerated() {
            if vocabulary.id(of: word) != UInt32(id) { misses += 1 }
            if vocabulary.insert(utf8: Array(word.utf8)[...]) != UInt32(id) { misses += 1 }
            if String(decoding: vocabulary.word(id), as: UTF8.self) != word { misses += 1 }
        }
        #expect(misses == 0)
        #expect(vocabulary.count == words.count)
        #expect(vocabulary.id(of: "notaword0") == nil)
        #expect(vocabulary.id(of: "") == nil)
    }

    @Test("canonically equivalent spellings share an id, as equal Strings do")
    func canonicalEquivalence() {
        var vocabulary = Vocabulary()
        // Precomposed and decomposed é; a Hangul syllable and its conjoining jamo.
        let cafe = vocabulary.insert("caf\u{E9}")
        #expect(vocabulary.id(of: "cafe\u{301}") == cafe)
        #expect(vocabulary.insert(utf8: Array("cafe\u{301}".utf8)[...]) == cafe)
        let han = vocabulary.insert("\u{D55C}")
        #expect(vocabulary.id(of: "\u{1112}\u{1161}\u{11AB}") == han)
        // The three non-ASCII scalars equivalent to ASCII characters reach the ASCII word, both ways.
        let kelvin = vocabulary.insert("K")
        #expect(vocabulary.insert("\u{212A}") == kelvin)
        #expect(vocabulary.id(of: "a\u{37E}b\u{1FEF}") == nil)
        let punctuated = vocabulary.insert("a;b`")
        #expect(vocabulary.id(of: "a\u{37E}b\u{1FEF}") == punctuated)
        #expect(vocabulary.insert(utf8: Array("a\u{37E}b\u{1FEF}".utf8)[...]) == punctuated)
        #expect(vocabulary.count == 4)
        #expect("\u{212A}" == "K" && "a\u{37E}b\u{1FEF}" == "a;b`" && "\u{D55C}" == "\u{1112}\u{1161}\u{11AB}")
    }

    @Test("a keyword index finds a word by any equivalent spelling of the query")
    func indexMatchesEquivalentSpellings() throws {
        var index = try BM25Index(properties: ["body"])
        index.upsert(1, texts: ["body": "\u{D55C}\u{AD6D}\u{C5B4} caf\u{E9} au lait"])
        index.upsert(2, tokens: ["body": ["\u{212A}elvin"]])
        let decomposed = "\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8}\u{110B}\u{1165}"
        #expect(try index.search(terms: [decomposed], limit: 5).map(\.key) == [1])
        #expect(try index.search(terms: ["caf\u{E9}"], limit: 5).map(\.key) == [1])
        #expect(try index.search(terms: ["Kelvin"], limit: 5).map(\.key) == [2])
        #expect(index.documentFrequency(of: "LAIT", in: "body") == 1)
    }
}
