#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""LanceDB and Chroma (both embedded, on disk) beside retrieval-report, in its units and on its data.

Data: Benchmarks/Scripts/retrieval_data.py (the same .fvecs / .jsonl files retrieval-report reads).
Measures, like retrieval-report:
  ingest objects/s: 1,000-object batches with caller-supplied vectors, the batches built before the clock starts
      (LanceDB: one `table.add` per batch, each a new data file and manifest version, measured as it writes them
      (no `fsync`) and with each batch's new files and their folders synced before the next batch, alternating;
      Chroma: one `collection.add` per batch into a `PersistentClient`);
  near-vector top-10 latency p50 / p99 in ms (one query per call, 20 warm-up queries, median over 3 passes of
      1,000 queries) and recall@10 against the exact ground truth:
      LanceDB without an index (exact scan, `distance_type("dot")`), LanceDB IVF_PQ (nlist and M as ours, swept
      over nprobes x refine_factor; the cheapest setting with recall@10 >= 0.95 is reported), Chroma's HNSW
      (its defaults, space "ip");
  reopen: seconds to open the database and the table / collection in a fresh process, and to open it and answer
      one query; resident bytes that process gained per object;
  disk bytes per object.

Usage: python retrieval_peers.py <data> <work> [--n 100000] [--runs 3] [--passes 3] [--ivf 256,48]
           [--systems lancedb,chroma] [--ivf-only (LanceDB: index the table a previous run left)]
           [--ingest-only (LanceDB: the ingest runs only)]
       (pip install lancedb chromadb numpy)
"""
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

DIM = 384
BATCH = 1000
PASSES = 3
SWEEP_QUERIES = 200
IVF_ONLY = "--ivf-only" in sys.argv
INGEST_ONLY = "--ingest-only" in sys.argv


def argument(flag, default):
    return sys.argv[sys.argv.index(flag) + 1] if flag in sys.argv else default


def resident_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def read_vectors(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    width = raw[0]
    rows = raw.reshape(-1, width + 1)[:, 1:]
    return np.ascontiguousarray(rows.view(dtype) if dtype == np.float32 else rows)


def disk_bytes(folder):
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if os.path.isfile(path) and not os.path.islink(path):
                total += os.path.getsize(path)
    return total


def percentile(values, p):
    ordered = sorted(values)
    rank = int(np.ceil(p / 100 * len(ordered)))
    return ordered[min(len(ordered) - 1, max(0, rank - 1))]


class Data:
    def __init__(self, folder, n):
        self.n = n
        self.base = read_vectors(f"{folder}/retrieval-{n}.base.fvecs", np.float32)
        self.queries = read_vectors(f"{folder}/retrieval.query.fvecs", np.float32)
        self.truth = read_vectors(f"{folder}/retrieval-{n}.groundtruth.ivecs", np.int32)[:, :10]
        with open(f"{folder}/retrieval-{n}.objects.jsonl", encoding="utf-8") as f:
            self.objects = [json.loads(line) for line in f]

    def recall(self, found):
        hits = sum(len(set(ids[:10]) & set(self.truth[q].tolist())) for q, ids in enumerate(found))
        return hits / (len(found) * 10)


def time_queries(search, data, passes=None, queries=None):
    """search(q) -> list of row numbers. Latencies in ms, wall clock and process CPU time (every thread's): median
    over the passes of p50 and p99; recall@10 of the first pass (against data.truth's first rows)."""
    passes = PASSES if passes is None else passes
    queries = data.queries if queries is None else queries
    for q in queries[:20]:
        search(q)
    rows, found = [], []
    for p in range(passes):
        wall, cpu = [], []
        for q in queries:
            cpu_start = time.process_time()
            start = time.perf_counter()
            ids = search(q)
            wall.append((time.perf_counter() - start) * 1e3)
            cpu.append((time.process_time() - cpu_start) * 1e3)
            if p == 0:
                found.append(ids)
        rows.append([percentile(wall, 50), percentile(wall, 99), percentile(cpu, 50), percentile(cpu, 99)])
    medians = [float(np.median([r[i] for r in rows])) for i in range(4)]
    hits = sum(len(set(ids[:10]) & set(data.truth[q].tolist())) for q, ids in enumerate(found))
    return {"p50_ms": medians[0], "p99_ms": medians[1], "cpu_p50_ms": medians[2], "cpu_p99_ms": medians[3],
            "recall10": hits / (len(found) * 10)}


def line(t):
    return (f"p50 {t['p50_ms']:.3f} ms, p99 {t['p99_ms']:.3f} ms (CPU p50 {t['cpu_p50_ms']:.3f} ms, "
            f"p99 {t['cpu_p99_ms']:.3f} ms), recall@10 {t['recall10']:.3f}")


def prefixed(prefix, t):
    return {prefix + k: v for k, v in t.items()}


# MARK: - LanceDB


def lance_batches(data):
    import pyarrow as pa

    batches = []
    for start in range(0, data.n, BATCH):
        rows = data.objects[start:start + BATCH]
        vectors = pa.FixedSizeListArray.from_arrays(pa.array(data.base[start:start + BATCH].reshape(-1)), DIM)
        batches.append(pa.table({
            "i": pa.array([r["i"] for r in rows], pa.int64()),
            "package": pa.array([r["package"] for r in rows]),
            "summary": pa.array([r["summary"] for r in rows]),
            "rank": pa.array([r["rank"] for r in rows], pa.int64()),
            "category": pa.array([r["category"] for r in rows]),
            "vector": vectors,
        }))
    return batches


def lance_search(table, q, nprobes=None, refine=None):
    columns = ["i", "package", "summary", "rank", "category", "_distance"]
    query = table.search(q).distance_type("dot").select(columns).limit(10)
    if nprobes is not None:
        query = query.nprobes(nprobes)
        if refine and refine > 1:
            query = query.refine_factor(refine)
    return query.to_arrow()["i"].to_pylist()


class FolderSync:
    """Makes a folder's new and changed files durable: `fsync` on each file whose size or modification time changed
    since the last call, then on each folder that holds one or a new folder (so the new names are durable too)."""

    def __init__(self, folder):
        self.folder = folder
        self.seen = {}

    def __call__(self):
        folders = set()
        for root, subfolders, files in os.walk(self.folder):
            for name in subfolders:
                path = os.path.join(root, name)
                if path not in self.seen:
                    self.seen[path] = None
                    folders.add(root)
            for name in files:
                path = os.path.join(root, name)
                status = os.stat(path)
                stamp = (status.st_size, status.st_mtime_ns)
                if self.seen.get(path) != stamp:
                    self.seen[path] = stamp
                    descriptor = os.open(path, os.O_RDONLY)
                    os.fsync(descriptor)
                    os.close(descriptor)
                    folders.add(root)
        for root in folders | {self.folder}:
            descriptor = os.open(root, os.O_RDONLY)
            os.fsync(descriptor)
            os.close(descriptor)


def lance_ingest(batches, folder, durable):
    """One ingest into a new table; returns (table, seconds). `durable`: each batch's files synced before the next
    batch starts, as our commits are (LanceDB itself does not sync)."""
    import lancedb

    shutil.rmtree(folder, ignore_errors=True)
    sync = FolderSync(folder) if durable else (lambda: None)
    db = lancedb.connect(folder)
    start = time.perf_counter()
    table = db.create_table("objects", data=batches[0])
    sync()
    for batch in batches[1:]:
        table.add(batch)
        sync()
    return table, time.perf_counter() - start


def lance_flat(data, folder, runs, out):
    """Ingest runs (as LanceDB writes, and with each batch synced, alternating), then exact search without an index;
    returns the table of the last run."""
    batches = lance_batches(data)
    rates, durable_rates = [], []
    for run in range(runs):
        _, seconds = lance_ingest(batches, folder, durable=True)
        durable_rates.append(data.n / seconds)
        print(f"lancedb ingest run {run + 1}, each batch synced: {durable_rates[-1]:.0f} objects/s "
              f"(load {load_average()})", flush=True)
        before = resident_bytes()
        table, seconds = lance_ingest(batches, folder, durable=False)
        rates.append(data.n / seconds)
        ingest_resident = resident_bytes() - before
        print(f"lancedb ingest run {run + 1}: {rates[-1]:.0f} objects/s (load {load_average()})", flush=True)
    out |= {"ingest_objects_per_s": float(np.median(rates)), "ingest_runs": rates,
            "durable_ingest_objects_per_s": float(np.median(durable_rates)), "durable_ingest_runs": durable_rates}
    if INGEST_ONLY:
        return table
    flat = time_queries(lambda q: lance_search(table, q), data)
    print(f"lancedb flat top-10: {line(flat)} (load {load_average()})", flush=True)
    disk_flat = disk_bytes(folder)
    reopen = reopen_child("lancedb", folder, data)
    print(f"lancedb reopen {reopen[0]:.3f} s (with first query {reopen[1]:.3f} s), resident "
          f"{reopen[2] / data.n:.0f} B/object, disk {disk_flat / data.n:.0f} B/object", flush=True)
    out |= {
        "reopen_s": reopen[0], "reopen_first_query_s": reopen[1], "memory_bytes_per_object": reopen[2] / data.n,
        "ingest_memory_bytes_per_object": ingest_resident / data.n, "disk_bytes_per_object": disk_flat / data.n,
        **prefixed("flat_", flat),
    }
    return table


def run_lancedb(data, work, runs, lists, m, results):
    import lancedb
    from lancedb.index import IvfPq

    folder = f"{work}/lancedb"
    out = {}
    if IVF_ONLY:
        table = lancedb.connect(folder).open_table("objects")
        reopen = reopen_child("lancedb", folder, data)
        out |= {"reopen_s": reopen[0], "reopen_first_query_s": reopen[1],
                "memory_bytes_per_object": reopen[2] / data.n, "disk_bytes_per_object": disk_bytes(folder) / data.n}
    else:
        table = lance_flat(data, folder, runs, out)
        if INGEST_ONLY:
            results["lancedb"] = out
            return
    start = time.perf_counter()
    # With `config`, the first argument names the vector column.
    table.create_index("vector", config=IvfPq(distance_type="dot", num_partitions=lists, num_sub_vectors=m))
    out["ivfpq_index_s"] = time.perf_counter() - start
    print(f"lancedb reopen (no index) {out['reopen_s']:.3f} s (with first query {out['reopen_first_query_s']:.3f} s), "
          f"resident {out['memory_bytes_per_object']:.0f} B/object; IVF_PQ index built in {out['ivfpq_index_s']:.1f} s",
          flush=True)
    sweep = []
    sample = data.queries[:SWEEP_QUERIES]
    for nprobes in (8, 16, 32, 64, 128):
        for refine in (1, 4, 8, 16, 32):
            t = time_queries(lambda q: lance_search(table, q, nprobes, refine), data, 1, sample)
            sweep.append({"nprobes": nprobes, "refine": refine, **t})
            print(f"lancedb IVF_PQ nprobes {nprobes} refine {refine}: {line(t)}", flush=True)
    good = [s for s in sweep if s["recall10"] >= 0.95] or [max(sweep, key=lambda s: s["recall10"])]
    best = min(good, key=lambda s: s["cpu_p50_ms"])
    ivf = time_queries(lambda q: lance_search(table, q, best["nprobes"], best["refine"]), data)
    print(f"lancedb IVF_PQ nprobes {best['nprobes']} refine {best['refine']}: {line(ivf)} (load {load_average()})",
          flush=True)
    reopen = reopen_child("lancedb", folder, data, best["nprobes"], best["refine"])
    out["ivfpq"] = {
        "lists": lists, "m": m, "nprobes": best["nprobes"], "refine": best["refine"], **ivf, "sweep": sweep,
        "reopen_s": reopen[0], "reopen_first_query_s": reopen[1],
        "memory_bytes_per_object": reopen[2] / data.n, "disk_bytes_per_object": disk_bytes(folder) / data.n,
    }
    results["lancedb"] = out


# MARK: - Chroma


def chroma_batches(data):
    batches = []
    for start in range(0, data.n, BATCH):
        rows = data.objects[start:start + BATCH]
        batches.append({
            "ids": [str(r["i"]) for r in rows],
            "embeddings": data.base[start:start + BATCH],
            "metadatas": [{"package": r["package"], "rank": r["rank"], "category": r["category"]} for r in rows],
            "documents": [r["summary"] for r in rows],
        })
    return batches


def chroma_search(collection, q):
    found = collection.query(query_embeddings=[q], n_results=10, include=["metadatas", "documents", "distances"])
    return [int(i) for i in found["ids"][0]]


def run_chroma(data, work, runs, results):
    import chromadb

    batches = chroma_batches(data)
    folder = f"{work}/chroma"
    rates = []
    for run in range(runs):
        shutil.rmtree(folder, ignore_errors=True)
        before = resident_bytes()
        client = chromadb.PersistentClient(path=folder)
        collection = client.create_collection("objects", metadata={"hnsw:space": "ip"})
        start = time.perf_counter()
        for batch in batches:
            collection.add(**batch)
        rates.append(data.n / (time.perf_counter() - start))
        ingest_resident = resident_bytes() - before
        print(f"chroma ingest run {run + 1}: {rates[-1]:.0f} objects/s (load {load_average()})", flush=True)
    hnsw = time_queries(lambda q: chroma_search(collection, q), data)
    print(f"chroma HNSW top-10: {line(hnsw)} (load {load_average()})", flush=True)
    del collection, client
    reopen = reopen_child("chroma", folder, data)
    results["chroma"] = {
        "ingest_objects_per_s": float(np.median(rates)), "ingest_runs": rates,
        **prefixed("hnsw_", hnsw),
        "reopen_s": reopen[0], "reopen_first_query_s": reopen[1], "memory_bytes_per_object": reopen[2] / data.n,
        "ingest_memory_bytes_per_object": ingest_resident / data.n,
        "disk_bytes_per_object": disk_bytes(folder) / data.n,
    }


# MARK: - Reopen in a fresh process


def reopen_child(system, folder, data, nprobes=None, refine=None, times=5):
    rows = []
    for _ in range(times):
        command = [sys.executable, __file__, "--reopen", system, folder, data.folder, str(nprobes or 0),
                   str(refine or 0)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        line = next(x for x in output.splitlines() if x.startswith("REOPEN"))
        rows.append([float(x) for x in line.split()[1:]])
    return [float(np.median([r[i] for r in rows])) for i in range(3)]


def reopen_once(system, folder, data_folder, nprobes, refine):
    query = read_vectors(f"{data_folder}/retrieval.query.fvecs", np.float32)[0]
    if system == "lancedb":
        import lancedb

        before = resident_bytes()
        start = time.perf_counter()
        table = lancedb.connect(folder).open_table("objects")
        opened = time.perf_counter() - start
        lance_search(table, query, nprobes or None, refine or None)
    else:
        import chromadb

        before = resident_bytes()
        start = time.perf_counter()
        collection = chromadb.PersistentClient(path=folder).get_collection("objects")
        opened = time.perf_counter() - start
        chroma_search(collection, query)
    first = time.perf_counter() - start
    print(f"REOPEN {opened} {first} {resident_bytes() - before}")


def main():
    if sys.argv[1] == "--reopen":
        reopen_once(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
        return
    data_folder, work = sys.argv[1], sys.argv[2]
    n = int(argument("--n", "100000"))
    runs = int(argument("--runs", "3"))
    global PASSES
    PASSES = int(argument("--passes", str(PASSES)))
    lists, m = (int(x) for x in argument("--ivf", "256,48").split(","))
    systems = argument("--systems", "lancedb,chroma").split(",")
    os.makedirs(work, exist_ok=True)
    data = Data(data_folder, n)
    data.folder = data_folder
    results = {"n": n, "load_at_start": load_average()}
    import importlib.metadata as metadata

    for system in systems:
        results[f"{system}_version"] = metadata.version({"chroma": "chromadb"}.get(system, system))
        print(f"{system} {results[f'{system}_version']}, n {n}, load {load_average()}", flush=True)
        if system == "lancedb":
            run_lancedb(data, work, runs, lists, m, results)
        else:
            run_chroma(data, work, runs, results)
    print("RESULT " + json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
