// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import _RAGTestSupport

/// Reads the fixtures committed in `Fixtures/` and the large shared ones.
enum EmbeddingFixtures {
    static func url(_ relativePath: String) throws -> URL {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appendingPathComponent(relativePath)
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: url(relativePath)))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ relativePath: String) throws -> T {
        try decoder.decode(type, from: Data(contentsOf: url(relativePath)))
    }

    /// A JSON decoder for the goldens, whose keys are snake case.
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// A file under `$MMRAG_FIXTURES/models/clip-tokenizer/`.
    static func clip(_ name: String) throws -> URL {
        try Fixtures.shared("models/clip-tokenizer/" + name)
    }
}
