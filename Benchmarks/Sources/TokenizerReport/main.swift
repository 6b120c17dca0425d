// SPDX-License-Identifier: Apache-2.0

// Tokenizer throughput on the golden texts, repeated: tokens/s and texts/s, one thread, medians of 7 rounds.
// Run: MMRAG_FIXTURES=../shared/fixtures swift run -c release --package-path Benchmarks tokenizer-report
// Peer: ../shared/tools or the script in Documentation/Benchmarks.md (Hugging Face `tokenizers`, same texts).

import Embedding
import Foundation

#if DEBUG
fatalError("build with -c release")
#endif

guard let root = ProcessInfo.processInfo.environment["MMRAG_FIXTURES"] else {
    fatalError("set MMRAG_FIXTURES to the shared fixtures folder")
}
let models = URL(fileURLWithPath: root).appendingPathComponent("models")

struct Entry: Decodable { var text: String }

func texts(_ path: String, repeats: Int) throws -> [String] {
    let entries = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: models.appendingPathComponent(path)))
    return Array([[String]](repeating: entries.map(\.text), count: repeats).joined())
}

func measure(_ name: String, _ tokenizer: some Tokenizer, _ texts: [String]) {
    var tokens = 0
    for text in texts { tokens += tokenizer.encode(text, maxLength: .max).count }  // warm-up (fills BPE cache)
    var times: [Double] = []
    for _ in 0..<7 {
        let start = ContinuousClock.now
        var count = 0
        for text in texts { count += tokenizer.encode(text, maxLength: .max).count }
        let elapsed = ContinuousClock.now - start
        precondition(count == tokens)
        times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    let median = times.sorted()[times.count / 2]
    let line =
        "| \(name) | \(texts.count) | \(tokens) | "
        + String(format: "%.2f | %.0f |", Double(tokens) / median / 1e6, Double(texts.count) / median)
    print(line)
}

let clipDir = models.appendingPathComponent("clip-tokenizer")
let clipTexts = try texts("clip-tokenizer/golden.json", repeats: 20)
let bertTexts = try texts("bert-tiny/wordpiece_golden.json", repeats: 20)
let loadStart = ContinuousClock.now
let clip = try CLIPTokenizer(
    vocabularyFile: clipDir.appendingPathComponent("vocab.json"),
    mergesFile: clipDir.appendingPathComponent("merges.txt")
)
print("CLIP load (vocab.json + merges.txt): \(ContinuousClock.now - loadStart)")
let clipBasic = try CLIPTokenizer(
    vocabularyFile: clipDir.appendingPathComponent("vocab.json"),
    mergesFile: clipDir.appendingPathComponent("merges.txt"),
    cleaning: .basic
)
let bertStart = ContinuousClock.now
let bert = try WordPieceTokenizer(vocabularyFile: models.appendingPathComponent("bert-tiny/vocab.txt"))
print("WordPiece load (vocab.txt): \(ContinuousClock.now - bertStart)")
let bertJSONStart = ContinuousClock.now
_ = try WordPieceTokenizer(tokenizerFile: models.appendingPathComponent("bert-tiny/tokenizer.json"))
print("WordPiece load (tokenizer.json): \(ContinuousClock.now - bertJSONStart)")

print("| tokenizer | texts | tokens | M tokens/s | texts/s |")
print("|---|---|---|---|---|")
measure("CLIP, ftfy cleaning", clip, clipTexts)
measure("CLIP, basic cleaning", clipBasic, clipTexts)
measure("WordPiece", bert, bertTexts)
