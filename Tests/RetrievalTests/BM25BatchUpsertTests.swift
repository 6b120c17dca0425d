// SPDX-License-Identifier: Apache-2.0

import Testing

@testable import Retrieval

/// A store adds each committed batch to its keyword index in one call; that call must leave the index exactly as
/// adding the documents one by one does, including a key given twice and keys already stored.
@Suite struct BM25BatchUpsertTests {
    @Test("a batch upsert equals one upsert per document, with a repeated key and replaced keys")
    func batchEqualsOneByOne() throws {
        let documents = BM25IndexTests.randomDocuments(count: 1200, seed: 5)
        var single = try BM25Index(properties: ["title", "body"])
        var batched = try BM25Index(properties: ["title", "body"])
        // Three batches: fresh keys; then fresh keys with key 1000 twice; then replacements of stored keys.
        let batches: [[(key: UInt64, document: Int)]] = [
            (0..<600).map { (UInt64($0), $0) },
            (600..<1100).map { (UInt64($0), $0) } + [(1000, 1150)],
            stride(from: 0, to: 1100, by: 7).map { (UInt64($0), 1100 + $0 % 100) },
        ]
        for batch in batches {
            for (key, document) in batch { single.upsert(key, tokens: documents[document]) }
            batched.upsert(keys: batch.map(\.key)) { position, name, words in
                for word in documents[batch[position].document][name] ?? [] { words.append(word) }
            }
        }
        #expect(batched.count == single.count)
        #expect(batched.count == 1100)
        for word in (0..<40).map({ "w\($0)" }) {
            for property in ["title", "body"] {
                let expected = single.documentFrequency(of: word, in: property)
                #expect(batched.documentFrequency(of: word, in: property) == expected)
            }
        }
        for terms in [["w0"], ["w3", "w8"], ["w11", "w12", "w13"], ["w39"]] {
            let a = try batched.search(terms: terms, limit: 2000)
            let b = try single.search(terms: terms, limit: 2000)
            #expect(a.map(\.key) == b.map(\.key))
            #expect(a.map(\.score) == b.map(\.score))
        }
        // Key 1000 holds its second document.
        let second = Set(documents[1150]["body"] ?? [])
        let first = Set(documents[1000]["body"] ?? [])
        if let word = second.subtracting(first).first {
            #expect(try batched.search(terms: [word], limit: 2000).contains { $0.key == 1000 })
        }
    }
}
