# SPDX-License-Identifier: Apache-2.0
"""Pillow + NumPy beside `media-report`: median decode and CLIP preprocessing ms, thread CPU time and wall time.

Usage:  python Benchmarks/Scripts/media_pillow.py [--rounds 15] FILE...
Needs:  pillow, numpy. One thread (Pillow decodes and resizes on the calling thread).
Decode = Image.open + load from bytes in memory, converted to RGB unless the mode is RGB or L.
CLIP   = decode + RGB + bicubic resize of the shortest edge to 224 + centre crop 224 + /255 + normalize
         to a float32 CHW array (what ../shared/tools/pillow_decode_bench.py does, plus CPU time).
"""
import argparse
import io
import json
import os
import statistics
import time

import numpy as np
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32).reshape(3, 1, 1)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32).reshape(3, 1, 1)


def decode(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB") if image.mode not in ("RGB", "L") else image


def clip(data):
    image = decode(data).convert("RGB")
    width, height = image.size
    scale = 224 / min(width, height)
    image = image.resize((max(224, round(width * scale)), max(224, round(height * scale))), Image.BICUBIC)
    width, height = image.size
    left, top = (width - 224) // 2, (height - 224) // 2
    image = image.crop((left, top, left + 224, top + 224))
    array = np.asarray(image, dtype=np.float32).transpose(2, 0, 1) / 255.0
    return (array - MEAN) / STD


def measure(function, data, rounds):
    """Median thread-CPU and wall seconds of `function(data)` over `rounds` runs after one warm-up."""
    function(data)
    cpus, walls = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.thread_time()
        function(data)
        cpus.append(time.thread_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(cpus) * 1e3, statistics.median(walls) * 1e3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    files = args.files
    if not files:
        bench = os.path.join(os.environ["MMRAG_FIXTURES"], "media", "bench")
        files = [os.path.join(bench, name) for name in sorted(os.listdir(bench)) if not name.endswith(".md")]
    print(f"# Pillow {Image.__version__}, NumPy {np.__version__}: median of {args.rounds} rounds, one thread")
    print("| file | size | decode CPU ms | decode wall ms | MP/s (CPU) | CLIP CPU ms | CLIP wall ms |")
    print("|---|---|---|---|---|---|---|")
    for path in files:
        with open(path, "rb") as handle:
            data = handle.read()
        width, height = decode(data).size
        decode_cpu, decode_wall = measure(decode, data, args.rounds)
        clip_cpu, clip_wall = measure(clip, data, args.rounds)
        name = os.path.basename(path)
        megapixels = width * height / 1e6
        print(f"| {name} | {width}x{height} | {decode_cpu:.2f} | {decode_wall:.2f} | {megapixels / decode_cpu * 1e3:.1f} "
              f"| {clip_cpu:.2f} | {clip_wall:.2f} |")
        record = {"file": name, "width": width, "height": height, "decode_cpu_ms": decode_cpu,
                  "decode_wall_ms": decode_wall, "clip_cpu_ms": clip_cpu, "clip_wall_ms": clip_wall}
        print("<!--", json.dumps(record, sort_keys=True), "-->")


if __name__ == "__main__":
    main()
