// SPDX-License-Identifier: Apache-2.0

import Foundation
import Retrieval

/// The live Chroma server the tests use: `MMRAG_CHROMA_URL` (set by `.ci/run`), or `nil` to skip those tests.
enum ChromaLive {
    static let url: URL? = ProcessInfo.processInfo.environment["MMRAG_CHROMA_URL"].flatMap(URL.init(string:))
    /// The Python of the server's venv, for tests that start (and kill) a server of their own.
    static let python: String? = ProcessInfo.processInfo.environment["MMRAG_CHROMA_PYTHON"]

    /// A store on fresh collections (a random name in the `swift-tests` database).
    static func store(
        layout: [VectorLayout],
        properties: [Property],
        configure: (inout ChromaVectorStore.Configuration) -> Void = { _ in }
    ) async throws -> ChromaVectorStore {
        var configuration = ChromaVectorStore.Configuration(
            baseURL: url!,
            database: "swift-tests",
            collection: "t-" + UUID().uuidString.lowercased()
        )
        configure(&configuration)
        return try await ChromaVectorStore.connect(configuration, layout: layout, properties: properties)
    }
}
