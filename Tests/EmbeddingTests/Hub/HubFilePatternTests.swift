// SPDX-License-Identifier: Apache-2.0

import Embedding
import Foundation
import Testing

/// Shell-style file patterns, observed through offline lookups of hand-made caches.
@Suite struct HubFilePatternTests {
    @Test(arguments: [
        ("config.json", "*.json", true),
        ("onnx/config.json", "*.json", true),  // `*` crosses `/`, as in fnmatch
        ("model.safetensors", "*.json", false),
        ("model-00001-of-00002.safetensors", "model-0000?-of-*.safetensors", true),
        ("vocab.txt", "[uv]ocab.txt", true),
        ("vocab.txt", "[!v]ocab.txt", false),
        ("onnx/model.onnx", "onnx/", true),
        ("README.md", "*", true),
        ("a.json.bak", "*.json", false),
    ])
    func filePatterns(path: String, pattern: String, matches: Bool) async throws {
        let hubCache = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mmrag-pattern-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: hubCache) }
        // Patterns are internal; observe them through an offline lookup of a hand-made cache.
        let repo = hubCache.appendingPathComponent("models--o--r")
        let commit = String(repeating: "a", count: 40)
        let file = repo.appendingPathComponent("snapshots/\(commit)/\(path)")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: file)
        try FileManager.default.createDirectory(
            at: repo.appendingPathComponent("refs"),
            withIntermediateDirectories: true
        )
        try Data(commit.utf8).write(to: repo.appendingPathComponent("refs/main"))
        let hub = HubClient(configuration: HubConfiguration(cacheDirectory: hubCache, offline: true))
        let found = (try? await hub.snapshot(of: HubRepoID("o/r"), matching: [pattern])) != nil
        #expect(found == matches)
    }
}
