// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing

@Suite struct SentencePoolingTests {
    /// A fresh folder holding `modules.json` with `contents` (none when `nil`).
    private func folder(modules contents: String?) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pooling-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        if let contents { try Data(contents.utf8).write(to: url.appendingPathComponent("modules.json")) }
        return url
    }

    @Test("modules.json decides normalisation; absent means normalised; malformed is invalidConfiguration")
    func normalization() throws {
        func module(_ index: Int, _ path: String, _ type: String) -> String {
            #"{"idx": \#(index), "name": "\#(index)", "path": "\#(path)", "type": "sentence_transformers.models.\#(type)"}"#
        }
        let transformer = module(0, "", "Transformer")
        let pooling = module(1, "1_Pooling", "Pooling")
        let normalize = module(2, "2_Normalize", "Normalize")
        let cases: [(String?, Bool)] = [
            (nil, true),
            ("[\(transformer), \(pooling), \(normalize)]", true),
            ("[\(transformer), \(pooling)]", false),
        ]
        for (contents, expected) in cases {
            let url = try folder(modules: contents)
            defer { try? FileManager.default.removeItem(at: url) }
            #expect(try SentencePooling.normalizes(directory: url) == expected, "\(contents ?? "no modules.json")")
        }
        for malformed in ["{\"type\": \"Normalize\"}", "[1, 2", ""] {
            let url = try folder(modules: malformed)
            defer { try? FileManager.default.removeItem(at: url) }
            #expect {
                _ = try SentencePooling.normalizes(directory: url)
            } throws: { error in
                (error as? EmbeddingError)?.code == .invalidConfiguration
                    && (error as? EmbeddingError)?.message.contains("modules.json") == true
            }
        }
    }
}
