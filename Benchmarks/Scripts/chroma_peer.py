# SPDX-License-Identifier: Apache-2.0
"""Chroma's own Python client against the same server and data as `RetrievalReport --chroma`: ingest objects/s
(batches of 1,000 with the same metadata) and near-vector top-10 p50/p99 (wall clock, median over 3 passes).

usage: python chroma_peer.py DATA_FOLDER URL [N]
"""
import json, sys, time
import numpy as np
import chromadb

folder, url = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
def fvecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    d = raw[0]
    return raw.reshape(-1, d + 1)[:, 1:].view(np.float32)
base = fvecs(f"{folder}/retrieval-{n}.base.fvecs")
queries = fvecs(f"{folder}/retrieval.query.fvecs")
objects = [json.loads(line) for line in open(f"{folder}/retrieval-{n}.objects.jsonl")]
host, port = url.split("//")[1].split(":")
client = chromadb.HttpClient(host=host, port=int(port))
name = f"bench-{n}-python"
rates = []
for run in range(3):
    try:
        client.delete_collection(name)
    except Exception:
        pass
    col = client.create_collection(name, configuration={"hnsw": {"space": "cosine"}})
    start = time.perf_counter()
    for s in range(0, n, 1000):
        e = min(n, s + 1000)
        col.upsert(ids=[str(i) for i in range(s, e)], embeddings=base[s:e],
                   metadatas=[{"package": o["package"], "summary": o["summary"], "rank": o["rank"],
                               "category": o["category"], "bucket": o["rank"] % 100} for o in objects[s:e]],
                   documents=[o["summary"] for o in objects[s:e]])
    rates.append(n / (time.perf_counter() - start))
    print(f"python ingest run {run + 1}: {rates[-1]:.0f} objects/s", flush=True)
for q in queries[:20]:
    col.query(query_embeddings=[q], n_results=10)
p50s, p99s = [], []
for _ in range(3):
    lat = []
    for q in queries:
        t = time.perf_counter()
        col.query(query_embeddings=[q], n_results=10, include=["metadatas", "distances"])
        lat.append((time.perf_counter() - t) * 1e3)
    p50s.append(np.percentile(lat, 50)); p99s.append(np.percentile(lat, 99))
print(f"python client: ingest median {np.median(rates):.0f} objects/s; near-vector top-10 p50 "
      f"{np.median(p50s):.3f} ms, p99 {np.median(p99s):.3f} ms")
