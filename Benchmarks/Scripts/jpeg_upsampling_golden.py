#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Narrow and short subsampled JPEGs and Pillow's decoded pixels: the golden for chroma upsampling choices.

libjpeg-turbo (Pillow's decoder) smooths subsampled chroma with its "fancy" triangular filter only when the
component is more than 2 samples wide; narrower components are replicated. Writes one JSON file with, per case,
the subsampling, size, the JPEG (base64) and Pillow's RGB pixels (base64), for every width 1...8 and height 1...6
at 4:2:0 and 4:2:2, from seeded random noise (quality 90).

With `--odd-factors`, writes instead the golden for the other sampling factors, made with libjpeg-turbo's `cjpeg`
(Debian: libjpeg-turbo-progs): every width and height 1...16 for 4:4:0 and 4:1:1, and every width and height in
SIZES for 4:1:0, 1x4, 3x1 and two sets of mixed chroma factors, from a seeded smooth image with mild noise,
quality 90, decoded by Pillow. The output is one zlib stream (the JPEG headers repeat): a JSON header line
(versions and the factor names), then per case: factor index (1 byte), width, height (1 byte each), the CRC-32
of Pillow's RGB pixels (4 bytes, big-endian; the pixels themselves would not compress), JPEG length (2 bytes,
big-endian), the JPEG.

Usage: python jpeg_upsampling_golden.py <out.json>   (pip install Pillow)
       python jpeg_upsampling_golden.py --odd-factors <out.json.zz>   (also needs cjpeg and numpy)
"""
import base64
import io
import json
import random
import subprocess
import sys
import zlib

import PIL
from PIL import Image, features


# cjpeg -sample values: (name, luma and chroma factors). Chroma 1x1 unless given.
ODD_FACTORS = (
    ("4:4:0", "1x2,1x1,1x1"),
    ("4:1:1", "4x1,1x1,1x1"),
    ("4:1:0", "4x2,1x1,1x1"),
    ("1x4", "1x4,1x1,1x1"),
    ("3x1", "3x1,1x1,1x1"),
    ("2x2,1x2,2x1", "2x2,1x2,2x1"),
    ("2x1,1x2,1x1", "2x1,1x2,1x1"),
)
SIZES = (1, 2, 3, 4, 5, 7, 8, 9, 15, 16)


def odd_factors(path):
    import numpy as np

    rng = np.random.default_rng(20261205)
    body = bytearray()
    count = 0
    for index, (name, sample) in enumerate(ODD_FACTORS):
        sizes = range(1, 17) if name in ("4:4:0", "4:1:1") else SIZES
        for width in sizes:
            for height in sizes:
                y, x = np.mgrid[0:height, 0:width]
                base = np.stack([128 + 90 * np.sin(x * 0.9 + y * 0.4), 128 + 90 * np.cos(x * 0.5 - y * 0.8),
                                 128 + 90 * np.sin(x * 0.3 * y + 1.0)], axis=-1)
                pixels = np.clip(base + rng.normal(0, 2, base.shape), 0, 255).astype(np.uint8)
                ppm = io.BytesIO()
                Image.fromarray(pixels, "RGB").save(ppm, "PPM")
                jpeg = subprocess.run(["cjpeg", "-quality", "90", "-sample", sample], input=ppm.getvalue(),
                                      capture_output=True, check=True).stdout
                decoded = Image.open(io.BytesIO(jpeg)).convert("RGB").tobytes()
                body += bytes([index, width, height]) + zlib.crc32(decoded).to_bytes(4, "big")
                body += len(jpeg).to_bytes(2, "big") + jpeg
                count += 1
    cjpeg = subprocess.run(["cjpeg", "-version"], capture_output=True).stderr.decode().strip()
    meta = {"pillow": PIL.__version__, "libjpeg_turbo": features.version("libjpeg_turbo"), "cjpeg": cjpeg,
            "factors": [name for name, _ in ODD_FACTORS], "cases": count}
    with open(path, "wb") as f:
        f.write(zlib.compress(json.dumps(meta).encode() + b"\n" + bytes(body), 9))


def main():
    if sys.argv[1] == "--odd-factors":
        odd_factors(sys.argv[2])
        return
    rng = random.Random(20261205)
    cases = []
    for name, subsampling in (("4:2:0", 2), ("4:2:2", 1)):
        for width in range(1, 9):
            for height in range(1, 7):
                image = Image.new("RGB", (width, height))
                image.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(width * height)])
                buffer = io.BytesIO()
                image.save(buffer, "JPEG", quality=90, subsampling=subsampling)
                jpeg = buffer.getvalue()
                decoded = Image.open(io.BytesIO(jpeg)).convert("RGB")
                cases.append({
                    "subsampling": name, "width": width, "height": height,
                    "jpeg": base64.b64encode(jpeg).decode(),
                    "rgb": base64.b64encode(decoded.tobytes()).decode(),
                })
    meta = {"pillow": PIL.__version__, "libjpeg_turbo": features.version("libjpeg_turbo"), "jpeglib": features.version("jpg"), "cases": cases}
    with open(sys.argv[1], "w") as f:
        json.dump(meta, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
