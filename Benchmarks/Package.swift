// swift-tools-version: 6.3
// SPDX-License-Identifier: Apache-2.0
import PackageDescription

// The benchmark package: the only place a third-party dependency (the benchmark harness) appears.
// Run: swift package --package-path Benchmarks benchmark            (harness: wall clock, allocations)
//      swift run -c release --package-path Benchmarks kernel-report (vectors/s, GB/s, GFLOP/s table; --storage:
//      FlatIndex Float32 / Float16 / 8-bit storage only, FAISS and SimSIMD beside it:
//      python Benchmarks/Scripts/storage_peers.py)
//      MMRAG_FIXTURES=… swift run -c release --package-path Benchmarks tokenizer-report (tokens/s)
//      swift run -c release --package-path Benchmarks embedding-report (model ms/item, PyTorch beside it)
//      MMRAG_FIXTURES=… swift run -c release --package-path Benchmarks imagebind-report (imagebind_huge ms/item and
//      memory; the reference beside it: python Benchmarks/Scripts/imagebind_peer.py)
//      swift build -c release --package-path Benchmarks --product checkpoint-report, then
//      python Benchmarks/Scripts/checkpoint_load.py <binary> FILE… (.pth load time and memory, torch.load beside it)
//      swift run -c release --package-path Benchmarks ivfpq-report <fixtures>/ann (recall, q/s; FAISS beside it:
//      python Benchmarks/Scripts/ivfpq_faiss.py <fixtures>/ann)
//      MMRAG_FIXTURES=… swift run -c release --package-path Benchmarks media-report [FILE…] (decode, CLIP ms;
//      Pillow beside it: python Benchmarks/Scripts/media_pillow.py FILE…)
//      swift run -c release --package-path Benchmarks retrieval-report <data> <work> (collection ingest, search,
//      reopen, memory; data from Benchmarks/Scripts/retrieval_data.py, LanceDB and Chroma beside it:
//      python Benchmarks/Scripts/retrieval_peers.py <data> <work>)
//      swift run -c release --package-path Benchmarks generation-report http (CPU per second of waiting, req/s;
//      URLSession beside the socket transport) | prompt FILE… (prompt assembly; Pillow beside it:
//      python Benchmarks/Scripts/prompt_pillow.py FILE…)

let package = Package(
    name: "multimodal-rag-benchmarks",
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    dependencies: [
        .package(name: "multimodal-rag", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // MARK: - Shared inputs
        .target(
            name: "BenchmarkSupport",
            dependencies: [.product(name: "VectorIndex", package: "multimodal-rag")],
            path: "Sources/BenchmarkSupport"
        ),
        // MARK: - Harness suites
        .executableTarget(
            name: "Kernels",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "VectorIndex", package: "multimodal-rag"),
            ],
            path: "Benchmarks/Kernels",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "FlatSearch",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "VectorIndex", package: "multimodal-rag"),
            ],
            path: "Benchmarks/FlatSearch",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // MARK: - Throughput report (medians in the units the peers report)
        .executableTarget(
            name: "kernel-report",
            dependencies: ["BenchmarkSupport", .product(name: "VectorIndex", package: "multimodal-rag")],
            path: "Sources/KernelReport"
        ),
        .executableTarget(
            name: "ivfpq-report",
            dependencies: ["BenchmarkSupport", .product(name: "VectorIndex", package: "multimodal-rag")],
            path: "Sources/IVFPQReport"
        ),
        .executableTarget(
            name: "tokenizer-report",
            dependencies: [.product(name: "Embedding", package: "multimodal-rag")],
            path: "Sources/TokenizerReport"
        ),
        .executableTarget(
            name: "embedding-report",
            dependencies: ["BenchmarkSupport", .product(name: "Embedding", package: "multimodal-rag")],
            path: "Sources/EmbeddingReport"
        ),
        .executableTarget(
            name: "imagebind-report",
            dependencies: ["BenchmarkSupport", .product(name: "Embedding", package: "multimodal-rag")],
            path: "Sources/ImageBindReport"
        ),
        .executableTarget(
            name: "checkpoint-report",
            dependencies: [.product(name: "Embedding", package: "multimodal-rag")],
            path: "Sources/CheckpointReport"
        ),
        .executableTarget(
            name: "media-report",
            dependencies: [.product(name: "MediaDecoding", package: "multimodal-rag")],
            path: "Sources/MediaReport"
        ),
        .executableTarget(
            name: "retrieval-report",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Retrieval", package: "multimodal-rag"),
                .product(name: "Embedding", package: "multimodal-rag"),
                .product(name: "VectorIndex", package: "multimodal-rag"),
            ],
            path: "Sources/RetrievalReport"
        ),
        .executableTarget(
            name: "generation-report",
            dependencies: [
                .product(name: "Generation", package: "multimodal-rag"),
                .product(name: "MediaDecoding", package: "multimodal-rag"),
            ],
            path: "Sources/GenerationReport"
        ),
    ]
)
