# SPDX-License-Identifier: Apache-2.0
"""Peers for `kernel-report --storage`, timed the same way: medians of thread CPU time, one thread, one query.

FAISS `IndexFlat` (Float32), `IndexScalarQuantizer` with `QT_fp16` and `QT_8bit` (trained on the base set) searched
for k = 10 over 100,000 × 384 vectors; SimSIMD's Float16 and int8 `cdist` kernels over the same rows (scores only,
no top-k; the int8 rows and query are the data scaled by 127 and rounded, SimSIMD's i8 inputs). Bytes/vector is
FAISS's `code_size` (what `sa_encode` stores; ids not included) and the element size for SimSIMD.

Usage: python Benchmarks/Scripts/storage_peers.py [--quick]
"""
import os
import sys

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402

import cpu_timing  # noqa: E402
import faiss  # noqa: E402

faiss.omp_set_num_threads(1)
try:
    import simsimd  # noqa: E402
except ImportError:
    simsimd = None

quick = "--quick" in sys.argv
rounds = 3 if quick else 7
n, d = (20_000 if quick else 100_000), 384


def median_seconds(f):
    return cpu_timing.median_seconds(f, rounds)


rng = np.random.default_rng(1234)
db = rng.uniform(-1, 1, (n, d)).astype(np.float32)
queries = rng.uniform(-1, 1, (16, d)).astype(np.float32)
print(f"## Peers, 1 × {n} × {d}, k = 10, one thread (thread CPU time): M vectors/s")
print("| method | bytes/vector | inner product | squared L2 |")
print("|---|---|---|---|")
kinds = [
    ("FAISS IndexFlat", None),
    ("FAISS IndexScalarQuantizer QT_fp16", faiss.ScalarQuantizer.QT_fp16),
    ("FAISS IndexScalarQuantizer QT_8bit", faiss.ScalarQuantizer.QT_8bit),
]
for name, qtype in kinds:
    cells = []
    size = 4 * d
    for metric in (faiss.METRIC_INNER_PRODUCT, faiss.METRIC_L2):
        if qtype is None:
            index = faiss.IndexFlat(d, metric)
        else:
            index = faiss.IndexScalarQuantizer(d, qtype, metric)
            index.train(db)
        index.add(db)
        size = index.code_size if qtype is not None else 4 * d
        state = {"i": 0}

        def search():
            q = queries[state["i"] & 15 : (state["i"] & 15) + 1]
            state["i"] += 1
            index.search(q, 10)

        s = median_seconds(search)
        cells.append(f"{n / s / 1e6:.1f}")
    print(f"| {name} | {size} | " + " | ".join(cells) + " |")

if simsimd is not None:
    db16 = db.astype(np.float16)
    q16 = queries[:1].astype(np.float16)
    db8 = np.round(db * 127).astype(np.int8)
    q8 = np.round(queries[:1] * 127).astype(np.int8)
    for name, rows, q, size in (("SimSIMD cdist f16", db16, q16, 2 * d), ("SimSIMD cdist i8", db8, q8, d)):
        cells = []
        for metric in ("dot", "sqeuclidean"):
            s = median_seconds(lambda: simsimd.cdist(q, rows, metric=metric, out_dtype="float32", threads=1))
            cells.append(f"{n / s / 1e6:.1f}")
        print(f"| {name} (scores only) | {size} | " + " | ".join(cells) + " |")

print(f"\nfaiss {faiss.__version__}, numpy {np.__version__}, simsimd {getattr(simsimd, '__version__', '-')}")
