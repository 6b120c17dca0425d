# SPDX-License-Identifier: Apache-2.0
"""Prompt assembly in Python with Pillow, the peer of `generation-report prompt`.

For each JPEG: decode, downscale so the longer side is 512 (bicubic, aspect kept), re-encode as JPEG quality 85
(4:2:0), base64 into a data URL; then the OpenAI chat request body as JSON. Thread CPU time, median of 15 rounds
after a warm-up.

    python Benchmarks/Scripts/prompt_pillow.py FILE...
    python Benchmarks/Scripts/prompt_pillow.py --stages FILE...   # decode, resize, encode, base64 one by one
"""
import base64
import io
import json
import statistics
import sys
import time

from PIL import Image


def assemble(blobs):
    parts = [{"type": "text", "text": "Which of these shows the answer?"}]
    for blob in blobs:
        image = Image.open(io.BytesIO(blob))
        image = image.convert("RGB")
        scale = 512 / max(image.size)
        size = (max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale)))
        image = image.resize(size, Image.BICUBIC)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85, subsampling="4:2:0")
        url = "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
        parts.append({"type": "image_url", "image_url": {"url": url, "detail": "low"}})
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": parts}], "stream": False}
    return json.dumps(body).encode()


def stages(blobs):
    names = ["decode", "resize", "encode", "base64"]
    rounds = {name: [] for name in names}
    for round_index in range(16):
        totals = dict.fromkeys(names, 0.0)
        for blob in blobs:
            t0 = time.thread_time()
            image = Image.open(io.BytesIO(blob))
            image = image.convert("RGB")
            t1 = time.thread_time()
            totals["decode"] += t1 - t0
            scale = 512 / max(image.size)
            size = (max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale)))
            t0 = time.thread_time()
            image = image.resize(size, Image.BICUBIC)
            t1 = time.thread_time()
            totals["resize"] += t1 - t0
            out = io.BytesIO()
            t0 = time.thread_time()
            image.save(out, format="JPEG", quality=85, subsampling="4:2:0")
            t1 = time.thread_time()
            totals["encode"] += t1 - t0
            t0 = time.thread_time()
            base64.b64encode(out.getvalue()).decode("ascii")
            t1 = time.thread_time()
            totals["base64"] += t1 - t0
        if round_index > 0:
            for name in names:
                rounds[name].append(totals[name] * 1000)
    parts = [f"{name} {statistics.median(rounds[name]):.1f} ms" for name in names]
    print(f"Pillow {Image.__version__}: prompt stages, {len(blobs)} images, thread CPU medians: " + ", ".join(parts))


def main():
    files = sys.argv[1:]
    if files and files[0] == "--stages":
        stages([open(path, "rb").read() for path in files[1:]])
        return
    blobs = [open(path, "rb").read() for path in files]
    assemble(blobs)
    cpu, wall = [], []
    for _ in range(15):
        c0, w0 = time.thread_time(), time.perf_counter()
        body = assemble(blobs)
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    print(
        f"Pillow {Image.__version__}: prompt assembly, {len(files)} images -> {len(body)} bytes of JSON: "
        f"CPU median {statistics.median(cpu):.1f} ms, wall median {statistics.median(wall):.1f} ms"
    )


if __name__ == "__main__":
    main()
