# SPDX-License-Identifier: Apache-2.0
"""Loading a PyTorch checkpoint: this library's reader beside torch.load, each run in a fresh process.

  python checkpoint_load.py --make FILE GIB          # a float32 state dict of GIB GiB (1024 x 1024 tensors)
  python checkpoint_load.py BINARY FILE... [--runs N] # BINARY: Benchmarks/.build/release/checkpoint-report

Per file and runtime, the median over N runs (alternating) of: time to open, time to have every tensor in memory,
process CPU time, and memory after loading and at the peak (VmHWM), split into anonymous memory (the tensors'
own arrays) and file-backed pages (the mapped file; page cache the kernel may drop). PyTorch runs three ways:
torch.load(weights_only=True, mmap=True) as it returns (tensors still views of the mapped file, nothing read),
the same followed by a copy of every tensor (what having the weights in memory costs), and
torch.load(weights_only=True) without mmap. torch 2.13.0+cpu.
"""
import json
import statistics
import subprocess
import sys

TORCH_CHILD = r"""
import json, sys, time
import torch
def memory():
    out = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) / 1024
    return out
path, mode = sys.argv[1], sys.argv[2]
torch.set_num_threads(1)
before = memory()
c0 = time.process_time(); t0 = time.perf_counter()
sd = torch.load(path, weights_only=True, mmap=(mode != "read"), map_location="cpu")
t1 = time.perf_counter()
opened = memory()
if mode == "mmap+copy":
    sd = {k: v.clone() for k, v in sd.items()}
elements = sum(v.numel() for v in sd.values())
t2 = time.perf_counter(); cpu = time.process_time() - c0
loaded = memory()
print(json.dumps({"runtime": "torch " + mode, "file": path.split("/")[-1], "tensors": len(sd), "elements": elements,
    "open_ms": (t1 - t0) * 1000, "materialize_ms": (t2 - t1) * 1000, "total_ms": (t2 - t0) * 1000,
    "cpu_ms": cpu * 1000, "rss_before_mib": before["VmRSS"], "rss_opened_mib": opened["VmRSS"],
    "rss_loaded_mib": loaded["VmRSS"], "anon_loaded_mib": loaded["RssAnon"], "file_loaded_mib": loaded["RssFile"],
    "peak_mib": loaded["VmHWM"]}))
"""


def make(path, gib):
    import collections
    import torch
    torch.manual_seed(0)
    sd = collections.OrderedDict()
    for i in range(int(gib * 256)):
        sd[f"layers.{i}.weight"] = torch.randn(1024, 1024)
    torch.save(sd, path)


def main():
    if sys.argv[1] == "--make":
        make(sys.argv[2], float(sys.argv[3]))
        return
    args = sys.argv[1:]
    runs = 5
    if "--runs" in args:
        at = args.index("--runs")
        runs = int(args[at + 1])
        del args[at:at + 2]
    binary, files = args[0], args[1:]
    for path in files:
        results = {}
        for _ in range(runs):
            commands = [("swift", [binary, path])] + [
                ("torch " + mode, [sys.executable, "-c", TORCH_CHILD, path, mode])
                for mode in ("mmap", "mmap+copy", "read")
            ]
            for name, command in commands:
                line = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
                results.setdefault(name, []).append(json.loads(line))
        print(f"\n{path} ({runs} runs each, medians; memory in MiB)")
        keys = ["open_ms", "total_ms", "cpu_ms", "rss_before_mib", "rss_loaded_mib", "anon_loaded_mib",
                "file_loaded_mib", "peak_mib"]
        print("| runtime | " + " | ".join(keys) + " | peak - before |")
        print("|---" * (len(keys) + 2) + "|")
        for name, rows in results.items():
            med = {k: statistics.median(r[k] for r in rows) for k in keys}
            growth = statistics.median(r["peak_mib"] - r["rss_before_mib"] for r in rows)
            print(f"| {name} | " + " | ".join(f"{med[k]:.1f}" for k in keys) + f" | {growth:.1f} |")


if __name__ == "__main__":
    main()
