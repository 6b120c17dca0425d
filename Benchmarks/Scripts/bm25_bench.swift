// SPDX-License-Identifier: Apache-2.0
//
// The Swift side of bm25_bench.py: builds a BM25Index over a corpus file and times top-10 queries.
// bm25_bench.py compiles this file (release) in a scratch package that depends on the repository and runs it
// beside bm25s on the same files; see that script.
//
// Usage: bm25-bench <corpus.jsonl> <queries.json>
//   corpus.jsonl: one {"i": Int, "summary": String} per line; queries.json: [{"summary": String}]
// Prints one JSON object with build seconds, resident-memory growth and per-query latencies.

import Foundation
import Retrieval

struct Record: Decodable {
    let i: Int
    let summary: String?
}

struct Query: Decodable {
    let summary: String?
}

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4096 : 0
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

let arguments = CommandLine.arguments
let corpusText = try String(contentsOfFile: arguments[1], encoding: .utf8)
let records = try corpusText.split(separator: "\n").map { try JSONDecoder().decode(Record.self, from: Data($0.utf8)) }
let queries = try JSONDecoder().decode([Query].self, from: Data(contentsOf: URL(fileURLWithPath: arguments[2])))
let tokenizer = WordTokenizer()

// Build from text (tokenizing included) and, separately, from tokens (what bm25s's index() is given).
var tokens: [[String]] = []
let tokenizeSeconds = seconds { tokens = records.map { tokenizer.tokens(in: $0.summary ?? "") } }
let before = residentBytes()
var index = try BM25Index(properties: ["summary"])
let buildFromTokens = seconds {
    for (record, words) in zip(records, tokens) { index.upsert(UInt64(record.i), tokens: ["summary": words]) }
}
let memory = residentBytes() - before
var fromText = try BM25Index(properties: ["summary"])
let buildFromText = seconds {
    for record in records { fromText.upsert(UInt64(record.i), texts: ["summary": record.summary ?? ""]) }
}

let texts = queries.map { $0.summary ?? "" }
let queryTerms = texts.map { tokenizer.queryTerms(in: $0) }
var checksum = 0.0
for terms in queryTerms.prefix(100) { checksum += Double(try index.search(terms: terms, limit: 10).first?.score ?? 0) }
var withTokens: [Double] = []
var withText: [Double] = []
for _ in 0..<3 {
    for terms in queryTerms {
        withTokens.append(try seconds { checksum += Double(try index.search(terms: terms, limit: 10).count) })
    }
    for text in texts {
        withText.append(try seconds { checksum += Double(try index.search(KeywordQuery(text, limit: 10)).count) })
    }
}
let report: [String: Any] = [
    "documents": index.count,
    "tokenizeSeconds": tokenizeSeconds,
    "buildFromTokensSeconds": buildFromTokens,
    "buildFromTextSeconds": buildFromText,
    "residentGrowthBytes": memory,
    "queryP50Seconds": percentile(withTokens, 0.5),
    "queryP90Seconds": percentile(withTokens, 0.9),
    "queryMeanSeconds": withTokens.reduce(0, +) / Double(withTokens.count),
    "queryFromTextP50Seconds": percentile(withText, 0.5),
    "checksum": checksum,
]
let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
