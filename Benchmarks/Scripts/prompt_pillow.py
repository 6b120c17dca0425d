# SPDX-License-Identifier: Apache-2.0
"""Prompt assembly in Python with Pillow, the peer of `generation-report prompt`.

For each JPEG: decode, downscale so the longer side is 512 (bicubic, aspect kept), re-encode as JPEG quality 85
(4:2:0), base64 into a data URL; then the OpenAI chat request body as JSON. Thread CPU time, median of 15 rounds
after a warm-up.

    python Benchmarks/Scripts/prompt_pillow.py FILE...
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


def main():
    files = sys.argv[1:]
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
