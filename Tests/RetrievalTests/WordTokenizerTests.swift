// SPDX-License-Identifier: Apache-2.0

import Retrieval
import Testing

@Suite struct WordTokenizerTests {
    let tokenizer = WordTokenizer()

    @Test("splits on anything that is not a letter or a number and lower-cases (Weaviate `word`)")
    func asciiSplitting() {
        #expect(
            tokenizer.tokens(in: "Hello, World! It's 2024-05-01; snake_case & CamelCase") == [
                "hello", "world", "it", "s", "2024", "05", "01", "snake", "case", "camelcase",
            ]
        )
        #expect(tokenizer.tokens(in: "") == [])
        #expect(tokenizer.tokens(in: " \t--!! ") == [])
        #expect(tokenizer.tokens(in: "x") == ["x"])
    }

    @Test("letters and numbers of every script are word characters; marks and symbols separate words")
    func unicodeSplitting() {
        // Category L* and N*: Greek, Cyrillic, CJK, superscript two (No), Roman numeral twelve (Nl).
        #expect(tokenizer.tokens(in: "ΣΟΦΙΑ Москва 東京タワー x²  Ⅻ") == ["σοφια", "москва", "東京タワー", "x²", "ⅻ"])
        // Precomposed é is a letter; a combining acute (Mn) splits the decomposed form, as in Go's FieldsFunc.
        #expect(tokenizer.tokens(in: "Caf\u{E9}-au-lait") == ["café", "au", "lait"])
        #expect(tokenizer.tokens(in: "Cafe\u{301}") == ["cafe"])
        // Emoji and currency symbols (So, Sc) separate words.
        #expect(tokenizer.tokens(in: "fast🚀json€parser") == ["fast", "json", "parser"])
        #expect(tokenizer.tokens(in: "STRASSE Straße") == ["strasse", "straße"])
    }

    @Test("queries drop Weaviate's 33 English stop words; documents keep them")
    func stopWords() {
        #expect(WordTokenizer.englishStopWords.count == 33)
        #expect(tokenizer.queryTerms(in: "The state OF the art, and the art") == ["state", "art", "art"])
        #expect(tokenizer.tokens(in: "The state of") == ["the", "state", "of"])
        let none = WordTokenizer(stopWords: [])
        #expect(none.queryTerms(in: "the art") == ["the", "art"])
        let custom = WordTokenizer(stopWords: WordTokenizer.englishStopWords.subtracting(["not"]).union(["Art"]))
        #expect(custom.queryTerms(in: "not the art") == ["not"])
    }
}
