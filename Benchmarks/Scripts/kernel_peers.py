# SPDX-License-Identifier: Apache-2.0
"""Peers for `kernel-report --cpu-time`, timed the same way: medians of thread CPU time, one thread.

NumPy (OpenBLAS sgemv / sgemm), FAISS `fvec_inner_products_ny` / `fvec_L2sqr_ny` and SimSIMD `cdist` on the
shapes of the report: one query against 1,000 and 100,000 rows, and 64 queries against 100,000 rows.
Thread CPU time keeps the ratios meaningful on a machine shared with other jobs.

Usage: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python kernel_peers.py [--quick] [--gemm-threads N]

--gemm-threads N (N > 1) prints only the 64-query product, on N OpenBLAS threads, timed by the wall clock (the
report's two-thread row).
"""
import os
import sys
import time

gemm_threads = int(sys.argv[sys.argv.index("--gemm-threads") + 1]) if "--gemm-threads" in sys.argv else 1
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = str(gemm_threads)

import numpy as np  # noqa: E402

import cpu_timing  # noqa: E402

try:
    import faiss  # noqa: E402

    faiss.omp_set_num_threads(1)
except ImportError:
    faiss = None
try:
    import simsimd  # noqa: E402
except ImportError:
    simsimd = None

quick = "--quick" in sys.argv
rounds = 3 if quick else 7
dims = [128, 768] if quick else [128, 384, 512, 768, 1536]


def median_seconds(f):
    return cpu_timing.median_seconds(f, rounds)


rng = np.random.default_rng(1234)
if gemm_threads == 1:
    print("## Single query scans: M vectors/s (GB/s), thread CPU time")
for rows in (1000, 20_000 if quick else 100_000) if gemm_threads == 1 else ():
    cells = {}
    for d in dims:
        db = rng.standard_normal((rows, d), dtype=np.float32)
        q = rng.standard_normal(d, dtype=np.float32)
        q2 = q.reshape(1, d)
        out = np.empty(rows, dtype=np.float32)
        methods = {"NumPy db @ q": lambda: db @ q}
        if faiss is not None:
            pq, pdb, pout = faiss.swig_ptr(q), faiss.swig_ptr(db), faiss.swig_ptr(out)
            methods["FAISS fvec_inner_products_ny"] = lambda: faiss.fvec_inner_products_ny(pout, pq, pdb, d, rows)
            methods["FAISS fvec_L2sqr_ny"] = lambda: faiss.fvec_L2sqr_ny(pout, pq, pdb, d, rows)
        if simsimd is not None:
            methods["SimSIMD cdist dot f32"] = lambda: simsimd.cdist(q2, db, metric="dot", out_dtype="float32", threads=1)
            methods["SimSIMD cdist sqeuclidean f32"] = lambda: simsimd.cdist(
                q2, db, metric="sqeuclidean", out_dtype="float32", threads=1)
        if faiss is not None and rows > 1000:
            flat_ip, flat_l2 = faiss.IndexFlatIP(d), faiss.IndexFlatL2(d)
            flat_ip.add(db)
            flat_l2.add(db)
            methods["FAISS IndexFlatIP search, k = 10"] = lambda: flat_ip.search(q2, 10)
            methods["FAISS IndexFlatL2 search, k = 10"] = lambda: flat_l2.search(q2, 10)
        for name, f in methods.items():
            s = median_seconds(f)
            cells.setdefault(name, []).append(f"{rows / s / 1e6:.1f} ({rows * d * 4 / s / 1e9:.1f})")
    print(f"| method | rows | " + " | ".join(f"d={d}" for d in dims) + " |")
    for name, c in cells.items():
        print(f"| {name} | 1 × {rows} | " + " | ".join(c) + " |")

clock = time.thread_time if gemm_threads == 1 else time.perf_counter
print(f"\n## 64 queries × rows, GFLOP/s, {gemm_threads} thread(s), " + ("thread CPU time" if gemm_threads == 1 else "wall clock"))
rows = 20_000 if quick else 100_000
cells = []
for d in dims:
    db = rng.standard_normal((rows, d), dtype=np.float32)
    Q = rng.standard_normal((64, d), dtype=np.float32)
    s = cpu_timing.median_seconds(lambda: db @ Q.T, rounds, clock)
    cells.append(f"{2 * 64 * rows * d / s / 1e9:.1f}")
print("| NumPy db @ Q.T (OpenBLAS sgemm) | " + " | ".join(cells) + " |")
print(f"\nnumpy {np.__version__}, faiss {getattr(faiss, '__version__', '-')}, simsimd {getattr(simsimd, '__version__', '-')}")
try:
    print(np.show_config(mode="dicts")["Build Dependencies"]["blas"])
except Exception:
    pass
