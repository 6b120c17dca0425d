// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing

/// Bad tokenizer files give an ``EmbeddingError`` with the right code and a message naming the line or key.
@Suite struct TokenizerFileErrorTests {
    /// A tiny CLIP-style vocabulary: the 256 byte characters, the same with `</w>`, merged tokens, specials.
    static func tinyCLIP(
        merges: [String],
        extra: [String] = [],
        specials: Bool = true
    ) throws -> (vocab: [UInt8], merges: [UInt8]) {
        var tokens = (0..<256).map { byteCharacter(UInt8($0)) }
        tokens += tokens.map { $0 + "</w>" }
        for merge in merges {
            let parts = merge.split(separator: " ")
            if parts.count == 2 { tokens.append(parts.joined()) }
        }
        tokens += extra
        if specials { tokens += ["<|startoftext|>", "<|endoftext|>"] }
        var seen = Set<String>()
        tokens = tokens.filter { seen.insert($0).inserted }
        let object = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, $0) })
        let json = try JSONEncoder().encode(object)
        return ([UInt8](json), Array(("#version: 0.2\n" + merges.map { $0 + "\n" }.joined()).utf8))
    }

    static func byteCharacter(_ byte: UInt8) -> String {
        let b = Int(byte)
        if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
            return String(UnicodeScalar(byte))
        }
        var next = 256
        for other in 0..<b
        where !((0x21...0x7E).contains(other) || (0xA1...0xAC).contains(other) || (0xAE...0xFF).contains(other)) {
            next += 1
        }
        return String(UnicodeScalar(UInt32(next))!)
    }

    @Test("a tiny in-memory BPE merges lowest rank first and marks the end of words")
    func tinyBPE() throws {
        let files = try Self.tinyCLIP(merges: ["a b</w>", "a b", "ab c</w>"])
        let tokenizer = try CLIPTokenizer(vocabularyJSON: files.vocab, merges: files.merges)
        let ab = try #require(tokenizer.id(for: "ab</w>"))
        let abc = try #require(tokenizer.id(for: "abc</w>"))
        #expect(tokenizer.encode("AB  abc") == [tokenizer.specialTokens.start, ab, abc, tokenizer.specialTokens.end])
        #expect(tokenizer.token(for: ab) == "ab</w>")
        #expect(tokenizer.token(for: -1) == nil)
    }

    @Test("missing and unreadable files")
    func missingFiles() throws {
        let nowhere = URL(fileURLWithPath: "/nonexistent/vocab.txt")
        expectError(.notFound, mentioning: "/nonexistent/vocab.txt") {
            _ = try WordPieceTokenizer(vocabularyFile: nowhere)
        }
        expectError(.notFound, mentioning: "tokenizer.json") {
            _ = try CLIPTokenizer(tokenizerFile: URL(fileURLWithPath: "/nonexistent/tokenizer.json"))
        }
        expectError(.fileSystem, mentioning: "cannot read") {
            _ = try WordPieceTokenizer(vocabularyFile: URL(fileURLWithPath: NSTemporaryDirectory()))
        }
    }

    @Test("model directories: missing vocabulary files and a malformed tokenizer_config.json")
    func badDirectories() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mmrag-tok-\(UInt64.random(in: 0...UInt64.max))"
        )
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        expectError(.notFound, mentioning: "no tokenizer.json or vocab.txt") {
            _ = try WordPieceTokenizer(directory: empty)
        }
        expectError(.notFound, mentioning: "no vocab.json + merges.txt or tokenizer.json") {
            _ = try CLIPTokenizer(directory: empty)
        }
        try Data("{\"model_max_length\": \"long\"}".utf8).write(
            to: empty.appendingPathComponent("tokenizer_config.json")
        )
        try Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\n".utf8).write(to: empty.appendingPathComponent("vocab.txt"))
        expectError(.malformedJSON, mentioning: "tokenizer_config.json: key \"model_max_length\"") {
            _ = try WordPieceTokenizer(directory: empty)
        }
        let config = #"{"model_max_length": 1e30, "do_lower_case": false, "pad_token": {"content": "[CLS]"}}"#
        try Data(config.utf8).write(to: empty.appendingPathComponent("tokenizer_config.json"))
        let tokenizer = try WordPieceTokenizer(directory: empty)
        #expect(tokenizer.maxLength == 512)
        #expect(tokenizer.options.lowercase == false)
        #expect(tokenizer.specialTokens.padding == 2)
    }

    @Test("malformed vocab.txt")
    func badVocabularyText() {
        expectError(.malformedVocabulary, mentioning: "is empty") {
            _ = try WordPieceTokenizer(vocabularyText: [])
        }
        expectError(.malformedVocabulary, mentioning: "line 3 is empty") {
            _ = try WordPieceTokenizer(vocabularyText: Array("[PAD]\n[UNK]\n\n[CLS]\n".utf8))
        }
        expectError(.malformedVocabulary, mentioning: "line 4 repeats \"a\" from line 2") {
            _ = try WordPieceTokenizer(vocabularyText: Array("[PAD]\na\n[UNK]\na\n".utf8))
        }
        expectError(.missingToken, mentioning: "[CLS]") {
            _ = try WordPieceTokenizer(vocabularyText: Array("[PAD]\n[UNK]\n[SEP]\n".utf8))
        }
        expectError(.invalidUTF8, mentioning: "vocab.txt") {
            _ = try WordPieceTokenizer(vocabularyText: [0x61, 0xFF, 0x0A])
        }
    }

    @Test("a minimal valid vocab.txt with CRLF line ends loads")
    func crlfVocabulary() throws {
        let tokenizer = try WordPieceTokenizer(
            vocabularyText: Array("[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nhi\r\n##s\r\n".utf8)
        )
        #expect(tokenizer.encode("His hello") == [2, 4, 5, 1, 3])
    }

    @Test("malformed vocab.json and merges.txt")
    func badCLIPFiles() throws {
        let good = try Self.tinyCLIP(merges: ["a b"])
        expectError(.malformedJSON, mentioning: "vocab.json") {
            _ = try CLIPTokenizer(vocabularyJSON: Array("{\"a\": 1,".utf8), merges: good.merges)
        }
        expectError(.malformedJSON, mentioning: "top level") {
            _ = try CLIPTokenizer(vocabularyJSON: Array("[1, 2]".utf8), merges: good.merges)
        }
        expectError(.malformedVocabulary, mentioning: "share id 0") {
            _ = try CLIPTokenizer(vocabularyJSON: Array("{\"a\": 0, \"b\": 0}".utf8), merges: good.merges)
        }
        expectError(.malformedVocabulary, mentioning: "outside") {
            _ = try CLIPTokenizer(vocabularyJSON: Array("{\"a\": -1}".utf8), merges: good.merges)
        }
        expectError(.malformedMerges, mentioning: "line 3 is not two space-separated symbols") {
            _ = try CLIPTokenizer(vocabularyJSON: good.vocab, merges: Array("#version: 0.2\na b\nabc\n".utf8))
        }
        expectError(.malformedMerges, mentioning: "line 2: the merged token \"bc\" is not in the vocabulary") {
            _ = try CLIPTokenizer(vocabularyJSON: good.vocab, merges: Array("#version: 0.2\nb c\n".utf8))
        }
        expectError(.malformedMerges, mentioning: "line 1: \"xyz\" is not in the vocabulary") {
            _ = try CLIPTokenizer(vocabularyJSON: good.vocab, merges: Array("xyz a\n".utf8))
        }
        let noSpecials = try Self.tinyCLIP(merges: [], specials: false)
        expectError(.missingToken, mentioning: "<|startoftext|>") {
            _ = try CLIPTokenizer(vocabularyJSON: noSpecials.vocab, merges: noSpecials.merges)
        }
        expectError(.missingToken, mentioning: "<pad>") {
            _ = try CLIPTokenizer(vocabularyJSON: good.vocab, merges: good.merges, padToken: "<pad>")
        }
    }

    @Test("malformed tokenizer.json")
    func badTokenizerJSON() {
        expectError(.malformedJSON, mentioning: "tokenizer.json") {
            _ = try WordPieceTokenizer(tokenizerJSON: Array("not json".utf8))
        }
        expectError(.malformedJSON, mentioning: "missing key \"model\"") {
            _ = try WordPieceTokenizer(tokenizerJSON: Array("{\"version\": \"1.0\"}".utf8))
        }
        expectError(.malformedJSON, mentioning: "key \"model.vocab\"") {
            _ = try WordPieceTokenizer(
                tokenizerJSON: Array("{\"model\": {\"type\": \"WordPiece\", \"vocab\": [\"a\"]}}".utf8)
            )
        }
        expectError(.unsupportedModel, mentioning: "Unigram") {
            _ = try WordPieceTokenizer(tokenizerJSON: Array("{\"model\": {\"type\": \"Unigram\", \"vocab\": {}}}".utf8))
        }
        expectError(.unsupportedModel, mentioning: "WordPiece") {
            _ = try CLIPTokenizer(
                tokenizerJSON: Array("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}".utf8)
            )
        }
        expectError(.malformedMerges, mentioning: "model.merges[1]") {
            _ = try CLIPTokenizer(
                tokenizerJSON: Array(
                    "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [\"a b\", \"ab\"]}}"
                        .utf8
                )
            )
        }
        expectError(.missingToken, mentioning: "[CLS]") {
            _ = try WordPieceTokenizer(tokenizerJSON: Array("{\"model\": {\"vocab\": {\"[UNK]\": 0}}}".utf8))
        }
    }
}
