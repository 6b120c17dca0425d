#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The data of the retrieval benchmark (retrieval-report and retrieval_peers.py read the same files).

From the shared `minilm-pypi` set (20,000 real all-MiniLM-L6-v2 vectors of PyPI summaries, 1,000 held-apart
queries) it writes, for n = 20,000 and n = 100,000:

  <out>/retrieval-<n>.base.fvecs         n unit vectors, 384-d, float32 (TEXMEX .fvecs)
  <out>/retrieval-<n>.objects.jsonl      one {"i", "package", "summary", "rank", "category"} per base vector
  <out>/retrieval-<n>.groundtruth.ivecs  per query the exact top-100 ids (float64 inner products, ties -> lower id)
  <out>/retrieval.query.fvecs            the 1,000 real queries (a copy)
  <out>/retrieval.query.texts.json       their texts (package summaries; a copy), for keyword and hybrid queries

The 20k set is the real vectors unchanged. The 100k set is those 20,000 real vectors followed by four seeded
perturbed copies of each (copy c of vector j is row c * 20000 + j): x + g, with g Gaussian (numpy PCG64,
seed 20261205) of expected norm 0.6, scaled back to unit length, so each copy has cosine ~0.86 with its
original. Embedding 80,000 more real summaries with MiniLM needs PyTorch and the model weights, which this
2-core shared machine could not do in the benchmark's time; the copies keep the real vectors' anisotropy and
neighbourhood structure, and the same file feeds us and the peers.

Properties: package (the summary's PyPI package; copies get a suffix "-c<c>"), summary (the real text),
rank (the row number), category (one of 16 names, from a stable hash of the package name).

Usage: python retrieval_data.py <fixtures>/ann <out>      (needs numpy)
"""
import hashlib
import json
import os
import shutil
import sys

import numpy as np

CATEGORIES = [
    "web", "data", "science", "devtools", "testing", "cloud", "security", "ml",
    "cli", "docs", "database", "network", "media", "finance", "education", "other",
]


def read_fvecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    width = raw[0]
    return np.ascontiguousarray(raw.reshape(-1, width + 1)[:, 1:].view(np.float32))


def write_fvecs(path, matrix):
    n, d = matrix.shape
    out = np.empty((n, d + 1), dtype=np.int32)
    out[:, 0] = d
    out[:, 1:] = matrix.astype(np.float32).view(np.int32)
    out.tofile(path)


def write_ivecs(path, matrix):
    n, k = matrix.shape
    out = np.empty((n, k + 1), dtype=np.int32)
    out[:, 0] = k
    out[:, 1:] = matrix
    out.tofile(path)


def exact_top(base, queries, k=100):
    base64 = base.astype(np.float64)
    top = np.empty((len(queries), k), dtype=np.int32)
    for start in range(0, len(queries), 100):
        scores = queries[start:start + 100].astype(np.float64) @ base64.T
        for row, s in enumerate(scores):
            # Sort by score descending, ties -> lower id (lexsort's last key is primary).
            part = np.argpartition(-s, k)[: k + 50]
            order = np.lexsort((part, -s[part]))[:k]
            top[start + row] = part[order]
    return top


def main():
    ann, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    real = read_fvecs(os.path.join(ann, "minilm-pypi.base.fvecs"))
    queries = read_fvecs(os.path.join(ann, "minilm-pypi.query.fvecs"))
    texts = [json.loads(line) for line in open(os.path.join(ann, "minilm-pypi.base.texts.jsonl"), encoding="utf-8")]
    write_fvecs(os.path.join(out, "retrieval.query.fvecs"), queries)
    shutil.copyfile(os.path.join(ann, "minilm-pypi.query.texts.json"), os.path.join(out, "retrieval.query.texts.json"))
    rng = np.random.Generator(np.random.PCG64(20261205))
    copies = []
    for _ in range(4):
        noise = rng.standard_normal(real.shape) * (0.6 / np.sqrt(real.shape[1]))
        moved = real.astype(np.float64) + noise
        moved /= np.linalg.norm(moved, axis=1, keepdims=True)
        copies.append(moved.astype(np.float32))
    full = np.concatenate([real] + copies)
    for n in (20_000, 100_000):
        base = full[:n]
        write_fvecs(os.path.join(out, f"retrieval-{n}.base.fvecs"), base)
        with open(os.path.join(out, f"retrieval-{n}.objects.jsonl"), "w", encoding="utf-8") as f:
            for i in range(n):
                source = texts[i % len(texts)]
                copy = i // len(texts)
                package = source["package"] + (f"-c{copy}" if copy else "")
                digest = hashlib.sha256(package.encode()).digest()
                record = {
                    "i": i,
                    "package": package,
                    "summary": source["summary"],
                    "rank": i,
                    "category": CATEGORIES[digest[0] % len(CATEGORIES)],
                }
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        write_ivecs(os.path.join(out, f"retrieval-{n}.groundtruth.ivecs"), exact_top(base, queries))
        print(f"wrote n={n} to {out}")
    cos = np.einsum("ij,ij->i", copies[0].astype(np.float64), real.astype(np.float64))
    print(f"cosine copy/original: mean {cos.mean():.3f} min {cos.min():.3f}")
    digest = hashlib.sha256(full.tobytes()).hexdigest()
    print(f"sha256 of the 100k float32 rows: {digest}")


if __name__ == "__main__":
    main()
