#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""LanceDB beside `retrieval-report --search`: filtered, keyword and hybrid top-10 queries on the same data.

Data: Benchmarks/Scripts/retrieval_data.py (the .fvecs / .jsonl files and retrieval.query.texts.json).
One table of n rows (package, summary, rank, category, bucket = rank mod 100, vector), built with one `table.add`
per 1,000 rows, then:
  near-vector top-10 without a filter (exact scan, `distance_type("dot")`);
  near-vector top-10 with `where("bucket = <q mod 100>", prefilter=True)` (1 % of the rows), with and without a
      scalar (BTREE) index on bucket, recall@10 against the exact filtered top-10;
  full-text top-10 on `summary` (LanceDB's native FTS index, BM25; one column, as its native index takes one);
  hybrid top-10 (vector + FTS, LanceDB's default reciprocal-rank fusion reranker).
Each: one query per call, results as Arrow with the object columns, 20 warm-up queries, median over 3 passes of
the 1,000 queries of p50 and p99, wall clock and process CPU time.

Usage: python retrieval_search_peers.py <data> <work> [--n 100000] [--passes 3]   (pip install lancedb numpy)
"""
import json
import os
import shutil
import sys
import time

import numpy as np

from retrieval_peers import BATCH, DIM, Data, load_average, percentile, argument

COLUMNS = ["i", "package", "summary", "rank", "category", "bucket"]


def time_kind(search, queries, passes, truth=None):
    for q in range(min(20, queries)):
        search(q)
    rows, hits = [], 0
    for p in range(passes):
        wall, cpu = [], []
        for q in range(queries):
            cpu_start = time.process_time()
            start = time.perf_counter()
            found = search(q)
            wall.append((time.perf_counter() - start) * 1e3)
            cpu.append((time.process_time() - cpu_start) * 1e3)
            if p == 0 and truth is not None:
                hits += len(set(found[:10]) & set(truth(q)))
        rows.append([percentile(wall, 50), percentile(wall, 99), percentile(cpu, 50), percentile(cpu, 99)])
    medians = [float(np.median([r[i] for r in rows])) for i in range(4)]
    out = {"p50_ms": medians[0], "p99_ms": medians[1], "cpu_p50_ms": medians[2], "cpu_p99_ms": medians[3]}
    if truth is not None:
        out["recall10"] = hits / (queries * 10)
    return out


def line(t):
    text = (f"p50 {t['p50_ms']:.3f} ms, p99 {t['p99_ms']:.3f} ms (CPU p50 {t['cpu_p50_ms']:.3f} ms, "
            f"p99 {t['cpu_p99_ms']:.3f} ms)")
    return text + (f", recall@10 {t['recall10']:.3f}" if "recall10" in t else "")


def main():
    import lancedb
    import pyarrow as pa

    data_folder, work = sys.argv[1], sys.argv[2]
    n = int(argument("--n", "100000"))
    passes = int(argument("--passes", "3"))
    data = Data(data_folder, n)
    with open(f"{data_folder}/retrieval.query.texts.json", encoding="utf-8") as f:
        texts = [t["summary"] for t in json.load(f)]
    queries = len(data.queries)
    import importlib.metadata as metadata

    results = {"n": n, "lancedb_version": metadata.version("lancedb"), "load_at_start": load_average()}
    print(f"lancedb {results['lancedb_version']}, n {n}, load {load_average()}", flush=True)

    folder = f"{work}/lancedb-search"
    shutil.rmtree(folder, ignore_errors=True)
    db = lancedb.connect(folder)
    table = None
    start = time.perf_counter()
    for s in range(0, n, BATCH):
        rows = data.objects[s:s + BATCH]
        batch = pa.table({
            "i": pa.array([r["i"] for r in rows], pa.int64()),
            "package": pa.array([r["package"] for r in rows]),
            "summary": pa.array([r["summary"] for r in rows]),
            "rank": pa.array([r["rank"] for r in rows], pa.int64()),
            "category": pa.array([r["category"] for r in rows]),
            "bucket": pa.array([r["rank"] % 100 for r in rows], pa.int64()),
            "vector": pa.FixedSizeListArray.from_arrays(pa.array(data.base[s:s + BATCH].reshape(-1)), DIM),
        })
        if table is None:
            table = db.create_table("objects", data=batch)
        else:
            table.add(batch)
    print(f"lancedb: {n} rows in {time.perf_counter() - start:.1f} s (load {load_average()})", flush=True)
    start = time.perf_counter()
    from lancedb.index import FTS

    table.create_index("summary", config=FTS())
    results["fts_index_s"] = time.perf_counter() - start
    print(f"lancedb FTS index on summary: {results['fts_index_s']:.1f} s", flush=True)

    def filtered_truth(q):
        rows = np.arange(q % 100, n, 100)
        scores = data.base[rows] @ data.queries[q]
        order = sorted(range(len(rows)), key=lambda j: (-float(scores[j]), int(rows[j])))
        return [int(rows[j]) for j in order[:10]]

    def vector(q, where=None):
        query = table.search(data.queries[q]).distance_type("dot").select(COLUMNS + ["_distance"]).limit(10)
        if where is not None:
            query = query.where(where, prefilter=True)
        return query.to_arrow()["i"].to_pylist()

    truth = lambda q: data.truth[q].tolist()
    results["flat"] = time_kind(lambda q: vector(q), queries, passes, truth)
    print(f"lancedb near-vector top-10: {line(results['flat'])} (load {load_average()})", flush=True)
    results["filtered"] = time_kind(lambda q: vector(q, f"bucket = {q % 100}"), queries, passes, filtered_truth)
    print(f"lancedb filtered (prefilter, no scalar index): {line(results['filtered'])} (load {load_average()})",
          flush=True)
    table.create_scalar_index("bucket")
    results["filtered_btree"] = time_kind(lambda q: vector(q, f"bucket = {q % 100}"), queries, passes,
                                          filtered_truth)
    print(f"lancedb filtered (prefilter, BTREE on bucket): {line(results['filtered_btree'])} "
          f"(load {load_average()})", flush=True)

    def fts(q):
        return table.search(texts[q], query_type="fts").select(COLUMNS).limit(10).to_arrow()["i"].to_pylist()

    results["bm25"] = time_kind(fts, queries, passes)
    print(f"lancedb FTS top-10: {line(results['bm25'])} (load {load_average()})", flush=True)

    def hybrid(q):
        query = table.search(query_type="hybrid").vector(data.queries[q]).text(texts[q])
        return query.select(COLUMNS).limit(10).to_arrow()["i"].to_pylist()

    results["hybrid"] = time_kind(hybrid, queries, passes)
    print(f"lancedb hybrid top-10 (RRF): {line(results['hybrid'])} (load {load_average()})", flush=True)
    print("RESULT " + json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
