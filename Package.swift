// swift-tools-version: 6.3
// SPDX-License-Identifier: Apache-2.0
import PackageDescription

// MARK: - Shared settings (applied to every target by the loop at the end)

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    .strictMemorySafety(),
    .treatWarning("StrictMemorySafety", as: .error),
    // .define("RAG_INTERNAL_CHECKS"),  // O(n) invariant checks after every mutation; invalidates benchmarks
]

// MARK: - Package

let package = Package(
    name: "multimodal-rag",
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    products: [
        .library(name: "MediaDecoding", targets: ["MediaDecoding"]),
        .library(name: "VectorIndex", targets: ["VectorIndex"]),
        .library(name: "Embedding", targets: ["Embedding"]),
        .library(name: "Retrieval", targets: ["Retrieval"]),
        .library(name: "Generation", targets: ["Generation"]),
        .library(name: "MultimodalRAG", targets: ["MultimodalRAG"]),
        .executable(name: "mmrag", targets: ["mmrag"]),
    ],
    targets: [
        // MARK: - Support (hidden, `package` access only; not products)
        // Internals (locks, parallel-for, files, checksums) sit at the bottom and import nothing of ours.
        .target(name: "_RAGInternals"),
        // The only C: x86-64 micro-kernels compiled per instruction set with function-level target attributes,
        // dispatched from `_RAGNumerics` and, for the resize passes and JPEG colour / DCT loops, from
        // `MediaDecoding`, at the level `_RAGNumerics.InstructionLevel` chooses (on other architectures only the
        // CPU feature probe is compiled).
        .target(name: "_RAGKernelsC"),
        .target(
            name: "_RAGNumerics",
            dependencies: ["_RAGInternals", "_RAGKernelsC"],
            linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
        ),
        .target(name: "_RAGHTTP", dependencies: ["_RAGInternals"]),

        // MARK: - Library layers (leaves first)
        .target(name: "MediaDecoding", dependencies: ["_RAGNumerics", "_RAGKernelsC"]),
        .target(name: "VectorIndex", dependencies: ["_RAGInternals", "_RAGNumerics"]),
        .target(name: "Embedding", dependencies: ["MediaDecoding", "_RAGInternals", "_RAGNumerics", "_RAGHTTP"]),
        .target(
            name: "Retrieval",
            dependencies: ["Embedding", "VectorIndex", "MediaDecoding", "_RAGInternals", "_RAGNumerics", "_RAGHTTP"]
        ),
        .target(name: "Generation", dependencies: ["Retrieval", "Embedding", "MediaDecoding", "_RAGHTTP"]),

        // MARK: - Umbrella (only `@_exported import` lines)
        .target(
            name: "MultimodalRAG",
            dependencies: ["Embedding", "Generation", "MediaDecoding", "Retrieval", "VectorIndex"]
        ),

        // MARK: - Command line (public API only: imports `MultimodalRAG`)
        .executableTarget(name: "mmrag", dependencies: ["MultimodalRAG"], resources: [.copy("Samples")]),

        // MARK: - Tests
        .target(
            name: "_RAGTestSupport",
            dependencies: ["_RAGInternals", "_RAGNumerics"],
            path: "Tests/_RAGTestSupport"
        ),
        .testTarget(
            name: "MediaDecodingTests",
            dependencies: ["MediaDecoding", "_RAGNumerics", "_RAGTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "RAGInternalsTests", dependencies: ["_RAGInternals", "_RAGTestSupport"]),
        .testTarget(name: "RAGNumericsTests", dependencies: ["_RAGNumerics", "_RAGTestSupport"]),
        .testTarget(name: "RAGHTTPTests", dependencies: ["_RAGHTTP", "_RAGTestSupport"]),
        .testTarget(
            name: "VectorIndexTests",
            dependencies: ["VectorIndex", "_RAGNumerics", "_RAGTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "EmbeddingTests",
            dependencies: ["Embedding", "MediaDecoding", "_RAGHTTP", "_RAGTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .executableTarget(
            name: "RetrievalCrashWorker",
            dependencies: ["Retrieval", "Embedding", "VectorIndex"],
            path: "Tests/RetrievalCrashWorker"
        ),
        .testTarget(
            name: "RetrievalTests",
            dependencies: ["Retrieval", "RetrievalCrashWorker", "_RAGHTTP", "_RAGInternals", "_RAGTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "GenerationTests",
            dependencies: [
                "Generation", "Embedding", "MediaDecoding", "Retrieval", "_RAGHTTP", "_RAGInternals", "_RAGTestSupport",
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "MultimodalRAGTests", dependencies: ["MultimodalRAG"]),
        .testTarget(name: "mmragTests", dependencies: ["mmrag", "MultimodalRAG", "_RAGTestSupport"]),
    ]
)

for target in package.targets where target.type != .plugin && target.name != "_RAGKernelsC" {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}
