// SPDX-License-Identifier: Apache-2.0

import Foundation
import MultimodalRAG
import Testing
import _RAGTestSupport

@testable import mmrag

/// A cold cache without a reachable hub: a clear message that says what to do, a non-zero exit, and no hang.
@Suite struct ModelLoaderTests {
    /// The environment of a machine with an empty cache and a hub at `endpoint`.
    static func coldCache(endpoint: String, timeout: String? = nil) throws -> [String: String] {
        let cache = try TinyModel.temporaryFolder("hf-cache")
        var environment = [
            "HF_HUB_CACHE": cache.path, "HF_HOME": cache.path, "HF_ENDPOINT": endpoint, "HOME": cache.path,
        ]
        if let timeout { environment["HF_HUB_DOWNLOAD_TIMEOUT"] = timeout }
        return environment
    }

    @Test func aClosedPortFailsAtOnceWithWhatToDo() async throws {
        let environment = try Self.coldCache(endpoint: "http://127.0.0.1:1")
        let result = await TinyModel.run(["demo"], environment: environment)
        #expect(result.code == 1)
        let lines = result.err.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(result.err)")
        #expect(result.err.hasPrefix("error: cannot reach http://127.0.0.1:1 to download openai/clip-vit-base-patch32"))
        #expect(result.err.contains("the Hugging Face cache \(environment["HF_HUB_CACHE"]!) has no copy of it"))
        #expect(result.err.contains("set HF_ENDPOINT"))
        #expect(result.err.contains("HF_HUB_CACHE (or HF_HOME)"))
        #expect(result.err.contains("--model PATH"))
        #expect(result.out.isEmpty)
    }

    @Test func offlineModeWithAColdCacheSaysSo() async throws {
        var environment = try Self.coldCache(endpoint: "http://127.0.0.1:1")
        environment["HF_HUB_OFFLINE"] = "1"
        let result = await TinyModel.run(["demo", "--quiet"], environment: environment)
        #expect(result.code == 1)
        #expect(result.err.hasPrefix("error: HF_HUB_OFFLINE is set and the Hugging Face cache"))
        #expect(result.err.contains("--model PATH"))
    }

    @Test(.enabled(if: TinyModel.available)) func aLocalFolderNeedsNoHub() async throws {
        let environment = try Self.coldCache(endpoint: "http://127.0.0.1:1")
        let output = CapturedOutput()
        let loader = ModelLoader(console: .capturing(output, environment: environment))
        let embedder = try await loader.load(try TinyModel.folder().path)
        #expect(embedder.space.modelID == "clip-tiny")
        #expect(embedder.space.dimension == 32)
        #expect(output.stderr.isEmpty)
    }
}
