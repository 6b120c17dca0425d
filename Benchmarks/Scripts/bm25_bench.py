#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""BM25 keyword index: build time, memory and top-10 query latency of BM25Index beside bm25s, in one run.

Corpora: the 20k PyPI summaries of the shared ANN fixtures, and a 100k set made of five copies of them where
copy c > 0 rotates each summary's words by c places and appends a marker word per copy and document group (so
copies are not identical and the vocabulary grows). Queries: the 1000 query summaries, three passes, one at a time.

Both libraries get the same words (Weaviate `word` tokenization, English stop words dropped from queries):
  * build: BM25Index.upsert(tokens:) vs bm25s BM25.index(tokens), both from already tokenized documents
    (the Swift row "from text" adds its own tokenizer; Python tokenizing is not timed for bm25s);
  * query: BM25Index.search(terms:limit: 10) vs bm25s BM25.retrieve([terms], k=10), pre-tokenized;
  * memory: growth of the process's resident set while the index is built.
The Swift side (bm25_bench.swift) is compiled in release mode in a scratch package that depends on this
repository. One thread on both sides (bm25s's numpy backend with n_threads=0).

Usage: python Benchmarks/Scripts/bm25_bench.py <fixtures>/ann [--scratch /tmp/mmrag-bm25-bench] [--sizes 20000,100000]
(needs bm25s, numpy and a Swift 6.3 toolchain)
"""
import json
import os
import statistics
import subprocess
import sys
import time

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[variable] = "1"

import bm25s  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bm25_golden import STOP_WORDS, words  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

MANIFEST = """// swift-tools-version: 6.3
import PackageDescription
let package = Package(
    name: "bm25-bench",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "multimodal-rag", path: "%s")],
    targets: [.executableTarget(name: "bm25-bench", dependencies: [.product(name: "Retrieval", package: "multimodal-rag")])]
)
"""


def resident_bytes():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def build_swift(scratch):
    os.makedirs(f"{scratch}/Sources/bm25-bench", exist_ok=True)
    with open(f"{scratch}/Package.swift", "w") as handle:
        handle.write(MANIFEST % REPO)
    with open(f"{HERE}/bm25_bench.swift") as source, open(f"{scratch}/Sources/bm25-bench/main.swift", "w") as target:
        target.write(source.read())
    subprocess.run(["swift", "build", "-c", "release", "--package-path", scratch], check=True)
    return f"{scratch}/.build/release/bm25-bench"


def corpus_file(folder, size, scratch):
    base = []
    with open(f"{folder}/minilm-pypi.base.texts.jsonl", encoding="utf-8") as handle:
        for line in handle:
            base.append(json.loads(line)["summary"] or "")
    path = f"{scratch}/corpus-{size}.jsonl"
    summaries = []
    for i in range(size):
        copy, original = divmod(i, len(base))
        text = base[original]
        if copy:
            parts = text.split(" ")
            shift = copy % max(1, len(parts))
            text = " ".join(parts[shift:] + parts[:shift]) + f" c{copy}g{original % 97}"
        summaries.append(text)
    with open(path, "w", encoding="utf-8") as handle:
        for i, text in enumerate(summaries):
            handle.write(json.dumps({"i": i, "summary": text}, ensure_ascii=False) + "\n")
    return path, summaries


def bm25s_numbers(summaries, queries):
    tokens = [words(text) for text in summaries]
    before = resident_bytes()
    start = time.perf_counter()
    model = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    model.index(tokens, show_progress=False)
    build = time.perf_counter() - start
    memory = resident_bytes() - before
    terms = [[w for w in words(q) if w not in STOP_WORDS] for q in queries]
    terms = [t if t else ["zzzz"] for t in terms]
    for t in terms[:100]:
        model.retrieve([t], k=10, show_progress=False)
    latencies = []
    for _ in range(3):
        for t in terms:
            start = time.perf_counter()
            model.retrieve([t], k=10, show_progress=False, n_threads=0)
            latencies.append(time.perf_counter() - start)
    latencies.sort()
    return {
        "build": build,
        "memory": memory,
        "p50": latencies[len(latencies) // 2],
        "p90": latencies[int(len(latencies) * 0.9)],
        "mean": statistics.fmean(latencies),
    }


def main():
    folder = sys.argv[1]
    scratch = sys.argv[sys.argv.index("--scratch") + 1] if "--scratch" in sys.argv else "/tmp/mmrag-bm25-bench"
    sizes = [int(s) for s in (sys.argv[sys.argv.index("--sizes") + 1] if "--sizes" in sys.argv else "20000,100000").split(",")]
    os.makedirs(scratch, exist_ok=True)
    binary = build_swift(scratch)
    with open(f"{folder}/minilm-pypi.query.texts.json", encoding="utf-8") as handle:
        queries = [record["summary"] or "" for record in json.load(handle)]
    queries_path = f"{scratch}/queries.json"
    with open(queries_path, "w", encoding="utf-8") as handle:
        json.dump([{"summary": q} for q in queries], handle)

    print(f"bm25s {bm25s.__version__}; 1000 queries x 3 passes; times in ms; memory = resident growth while building")
    print("| corpus | library | build (ms) | memory (MB) | query p50 (ms) | query p90 (ms) | query mean (ms) |")
    print("|---|---|---|---|---|---|---|")
    for size in sizes:
        path, summaries = corpus_file(folder, size, scratch)
        swift = json.loads(subprocess.run([binary, path, queries_path], check=True, capture_output=True, text=True).stdout)
        peer = bm25s_numbers(summaries, queries)
        print(f"| {size} | BM25Index (from tokens) | {swift['buildFromTokensSeconds'] * 1e3:.0f} | "
              f"{swift['residentGrowthBytes'] / 1e6:.1f} | {swift['queryP50Seconds'] * 1e3:.3f} | "
              f"{swift['queryP90Seconds'] * 1e3:.3f} | {swift['queryMeanSeconds'] * 1e3:.3f} |")
        print(f"| {size} | BM25Index (from text, tokenizing) | {swift['buildFromTextSeconds'] * 1e3:.0f} | | "
              f"{swift['queryFromTextP50Seconds'] * 1e3:.3f} | | |")
        print(f"| {size} | bm25s (from tokens) | {peer['build'] * 1e3:.0f} | {peer['memory'] / 1e6:.1f} | "
              f"{peer['p50'] * 1e3:.3f} | {peer['p90'] * 1e3:.3f} | {peer['mean'] * 1e3:.3f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
