// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing

/// WordPiece against the 164 Hugging Face goldens of `bert-tiny/wordpiece_golden.json`, from both file kinds.
@Suite struct WordPieceTokenizerTests {
    struct GoldenEntry: Decodable, Sendable {
        struct Variant: Decodable, Sendable {
            var ids: [Int]
            var idsFast: [Int]
        }

        var category: String
        var text: String
        var ids: [Int]
        var idsFast: [Int]
        var tokens: [String]
        var nIdsUntruncated: Int
        var truncated: [String: Variant]?
    }

    struct BatchGolden: Decodable, Sendable {
        var sentences: [String]
        var inputIds: [[Int]]
        var attentionMask: [[Int]]
        var tokenTypeIds: [[Int]]
    }

    enum Source: String, CaseIterable, Sendable {
        case vocabularyText = "vocab.txt"
        case tokenizerJSON = "tokenizer.json"
        case directory = "model directory"

        func load() throws -> WordPieceTokenizer {
            switch self {
            case .vocabularyText: try WordPieceTokenizer(vocabularyFile: EmbeddingFixtures.url("bert-tiny/vocab.txt"))
            case .directory: try WordPieceTokenizer(directory: EmbeddingFixtures.url("bert-tiny"))
            case .tokenizerJSON:
                try WordPieceTokenizer(tokenizerFile: EmbeddingFixtures.url("bert-tiny/tokenizer.json"))
            }
        }
    }

    static let golden: [GoldenEntry] =
        (try? EmbeddingFixtures.decode(
            [GoldenEntry].self,
            "bert-tiny/wordpiece_golden.json"
        )) ?? []

    @Test("all 164 goldens match exactly (slow and fast ids)", arguments: Source.allCases)
    func goldens(source: Source) throws {
        let tokenizer = try source.load()
        #expect(Self.golden.count == 164)
        var matches = 0
        for entry in Self.golden {
            let ids = tokenizer.encode(entry.text)
            #expect(ids == entry.ids, "\(entry.category): \(entry.text.debugDescription)")
            #expect(entry.ids == entry.idsFast)
            if ids == entry.ids { matches += 1 }
            let untruncated = tokenizer.encode(entry.text, maxLength: .max)
            #expect(untruncated.count == entry.nIdsUntruncated, "\(entry.text.debugDescription)")
            if entry.nIdsUntruncated <= 512 {
                let pieces = untruncated.dropFirst().dropLast().map { tokenizer.token(for: $0) ?? "?" }
                #expect(pieces == entry.tokens, "\(entry.text.debugDescription)")
            }
        }
        #expect(matches == 164, "\(source.rawValue): \(matches) of 164 exact")
    }

    @Test("truncation to 128, 256 and 512 keeps [CLS] and [SEP]", arguments: Source.allCases)
    func truncation(source: Source) throws {
        let tokenizer = try source.load()
        let long = Self.golden.filter { $0.truncated != nil }
        #expect(long.count == 3)
        for entry in long {
            for (limit, variant) in entry.truncated ?? [:] {
                let ids = tokenizer.encode(entry.text, maxLength: try #require(Int(limit)))
                #expect(ids == variant.ids, "max \(limit): \(entry.text.prefix(40))")
                #expect(ids == variant.idsFast)
                #expect(ids.first == 101 && ids.last == 102)
            }
        }
    }

    @Test("padded batch: ids, attention mask and token types equal the embedding golden")
    func paddedBatch() throws {
        let golden = try EmbeddingFixtures.decode(BatchGolden.self, "bert-tiny/embedding_golden.json")
        let tokenizer = try Source.vocabularyText.load()
        let batch = tokenizer.encode(golden.sentences)
        #expect(batch.count == 6)
        #expect(batch.length == 19)
        #expect(batch.inputIDs == golden.inputIds.flatMap { $0 })
        #expect(batch.attentionMask == golden.attentionMask.flatMap { $0 })
        #expect(batch.tokenTypeIDs == golden.tokenTypeIds.flatMap { $0 })
        #expect(Array(batch.ids(row: 2)) == [101, 7632, 102] + [Int](repeating: 0, count: 16))
        #expect(batch.attentionMask(row: 2).reduce(0, +) == 3)
    }

    @Test("padding to the maximum length and a per-call limit")
    func fixedPadding() throws {
        let tokenizer = try Source.vocabularyText.load()
        let batch = tokenizer.encode(["hi", "a photo of a cat."], padding: .maxLength, maxLength: 6)
        #expect(batch.length == 6)
        #expect(Array(batch.ids(row: 0)) == [101, 7632, 102, 0, 0, 0])
        #expect(Array(batch.ids(row: 1)) == [101, 1037, 6302, 1997, 1037, 102])
        #expect(Array(batch.attentionMask(row: 1)) == [1, 1, 1, 1, 1, 1])
        #expect(tokenizer.encode([]).count == 0)
        #expect(tokenizer.encode("", maxLength: 2) == [101, 102])
        #expect(tokenizer.encode("hello world", maxLength: 2) == [101, 102])
    }

    @Test("special tokens, word length limit and options")
    func behaviours() throws {
        let tokenizer = try Source.vocabularyText.load()
        #expect(tokenizer.specialTokens == SpecialTokenIDs(start: 101, end: 102, padding: 0, unknown: 100))
        #expect(tokenizer.maxLength == 512)
        #expect(tokenizer.encode("[CLS] x [MASK]") == [101, 101, 1060, 103, 102])
        #expect(tokenizer.encode("[cls]") == [101, 1031, 18856, 2015, 1033, 102])
        #expect(tokenizer.encode(String(repeating: "a", count: 101)) == [101, 100, 102])
        #expect(tokenizer.id(for: "##ing") == 2075)
        let cased = try WordPieceTokenizer(
            vocabularyFile: EmbeddingFixtures.url("bert-tiny/vocab.txt"),
            options: .init(lowercase: false)
        )
        // Without lower-casing, accents stay and "Café" is not in the uncased vocabulary as written.
        #expect(cased.encode("Café") != tokenizer.encode("Café"))
        #expect(tokenizer.encode("Café") == tokenizer.encode("cafe"))
    }
}
