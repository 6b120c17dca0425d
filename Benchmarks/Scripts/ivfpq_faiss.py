#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""FAISS IndexIVFPQ on the shared ANN fixtures, at the parameters and in the units of ivfpq-report.

One thread. q/s = 1,000 queries in one search call, median of rounds, measured as thread CPU time (like
ivfpq-report, so a busy machine does not skew the ratio); training also in thread CPU time.

Usage: python ivfpq_faiss.py <fixtures>/ann [--quick] [--setups 0,1] [--lists 1024] [--no-refine] [--seed N]
    [--refine flat|fp16|sq8]
    (needs numpy and faiss-cpu)
--refine picks what the refine(4) columns re-rank from: the Float32 vectors (IndexRefineFlat, the default) or
an IndexScalarQuantizer of them (QT_fp16 or QT_8bit) behind IndexRefine.
--seed N seeds both k-means runs (the coarse quantizer's and the product quantizer's); without it FAISS's
default seed is kept.
<fixtures>/ann is any folder with the fixtures' file names (the 100k MiniLM set: --setups 0,1 --lists 1024).
"""
import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import sys
import time

import numpy as np
import faiss

faiss.omp_set_num_threads(1)


def read_vectors(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    width = raw[0]
    rows = raw.reshape(-1, width + 1)[:, 1:]
    return np.ascontiguousarray(rows.view(dtype) if dtype == np.float32 else rows)


def cpu(body):
    start = time.thread_time()
    result = body()
    return time.thread_time() - start, result


def main():
    ann = sys.argv[1]
    quick = "--quick" in sys.argv
    rounds = 3 if quick else 5
    setups = [
        ("minilm-pypi", "minilm-pypi.base.fvecs", "minilm-pypi.query.fvecs", "minilm-pypi.groundtruth.ivecs", "ip", 256, 48),
        ("minilm-pypi", "minilm-pypi.base.fvecs", "minilm-pypi.query.fvecs", "minilm-pypi.groundtruth.ivecs", "ip", 256, 24),
        ("synthetic-clustered-20k", "synthetic-clustered-20k.base.fvecs", "synthetic-clustered.query.fvecs",
         "synthetic-clustered-20k.groundtruth.ivecs", "l2", 256, 16),
    ]
    def option(flag):
        if flag in sys.argv and sys.argv.index(flag) + 1 < len(sys.argv):
            return [int(x) for x in sys.argv[sys.argv.index(flag) + 1].split(",")]
        return None

    chosen = option("--setups")
    lists = option("--lists")
    seed = option("--seed")
    print(f"faiss {faiss.__version__}, numpy {np.__version__}, 1 thread, {faiss.get_compile_options()}")
    for number, (name, base, query, truth, metric, nlist, m) in enumerate(setups):
        if chosen is not None and number not in chosen:
            continue
        if lists is not None:
            nlist = lists[0]
        xb = read_vectors(os.path.join(ann, base), np.float32)
        xq = read_vectors(os.path.join(ann, query), np.float32)
        gt = read_vectors(os.path.join(ann, truth), np.int32)
        d = xb.shape[1]
        faiss_metric = faiss.METRIC_INNER_PRODUCT if metric == "ip" else faiss.METRIC_L2
        quantizer = faiss.IndexFlatIP(d) if metric == "ip" else faiss.IndexFlatL2(d)
        index = faiss.IndexIVFPQ(quantizer, d, nlist, m, 8, faiss_metric)
        if seed is not None:
            index.cp.seed = seed[0]
            index.pq.cp.seed = seed[0]
        train, _ = cpu(lambda: index.train(xb))
        add, _ = cpu(lambda: index.add(xb))
        invlists = index.invlists
        sizes = [invlists.list_size(i) for i in range(nlist)]
        exact = sum(sizes) * (m + 8)
        seeded = f", seed {seed[0]}" if seed is not None else ""
        print(f"## {name} IVF{nlist},PQ{m}x8{seeded}: train {train:.2f} s, add {add:.2f} s (thread CPU time); "
              f"codes + ids {exact / len(xb):.1f} bytes/vector")
        print("| nprobe | R@1 | 10-R@10 | q/s 1 thread | +refine(4) R@1 | R@10 | q/s 1 thread |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        kind = sys.argv[sys.argv.index("--refine") + 1] if "--refine" in sys.argv else "flat"
        if kind == "flat":
            refine = faiss.IndexRefineFlat(index, faiss.swig_ptr(xb))
        else:
            qtype = faiss.ScalarQuantizer.QT_fp16 if kind == "fp16" else faiss.ScalarQuantizer.QT_8bit
            stored = faiss.IndexScalarQuantizer(d, qtype, faiss_metric)
            stored.train(xb)
            stored.add(xb)
            refine = faiss.IndexRefine(index, stored)
        refine.k_factor = 4
        print(f"re-ranking from {kind}")
        for nprobe in (1, 4, 8, 16, 32, 64):
            index.nprobe = nprobe
            row = [str(nprobe)]
            for searched in (index,) if "--no-refine" in sys.argv else (index, refine):
                _, ids = searched.search(xq, 10)
                r1 = float(np.mean(ids[:, 0] == gt[:, 0]))
                r10 = float(np.mean([len(np.intersect1d(ids[i], gt[i, :10])) for i in range(len(xq))]) / 10)
                times = sorted(cpu(lambda: searched.search(xq, 10))[0] for _ in range(rounds))
                row += [f"{r1:.3f}", f"{r10:.3f}", f"{len(xq) / times[len(times) // 2]:.0f}"]
            print("| " + " | ".join(row) + " |")
        print()


if __name__ == "__main__":
    main()
