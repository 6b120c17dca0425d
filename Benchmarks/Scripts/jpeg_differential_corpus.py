#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The JPEG part of the differential corpus: small JPEGs over sizes x subsampling x coding modes, each with the
CRC-32 of the RGB (or L) pixels Pillow decodes, for a test that asserts equality file by file.

Files are written by libjpeg-turbo's `cjpeg` (Debian: libjpeg-turbo-progs) from a seeded smooth image with mild
noise, quality 85, for every width and height in SIZES (or 1...40 with --full), every subsampling in SAMPLING
(4:4:4, 4:2:2, 4:2:0, 4:4:0, 4:1:1, grayscale) and every mode in MODES (baseline, progressive, optimised Huffman
tables, a restart marker every 2 MCUs, progressive with a restart every MCU row). Arithmetic coding is left out
(the decoder reports it as unsupported).

Output: one zlib stream: a JSON header line (versions, the names of the subsamplings and modes, the case count),
then per case: subsampling index, mode index, width, height (1 byte each), CRC-32 of Pillow's decoded samples
(4 bytes, big-endian; mode "L" for grayscale, "RGB" otherwise), JPEG length (2 bytes, big-endian), the JPEG.

Usage: python jpeg_differential_corpus.py [--full] <out.bin.zz>   (pip install Pillow numpy; cjpeg)
"""
import io
import json
import subprocess
import sys
import zlib

import numpy as np
import PIL
from PIL import Image, features

SIZES = (1, 2, 3, 7, 8, 9, 15, 16, 17)
SAMPLING = (
    ("4:4:4", ["-sample", "1x1,1x1,1x1"]),
    ("4:2:2", ["-sample", "2x1,1x1,1x1"]),
    ("4:2:0", ["-sample", "2x2,1x1,1x1"]),
    ("4:4:0", ["-sample", "1x2,1x1,1x1"]),
    ("4:1:1", ["-sample", "4x1,1x1,1x1"]),
    ("gray", ["-grayscale"]),
)
MODES = (
    ("baseline", []),
    ("progressive", ["-progressive"]),
    ("optimized", ["-optimize"]),
    ("restart-2-mcus", ["-restart", "2B"]),
    ("progressive-restart-row", ["-progressive", "-restart", "1"]),
)


def main():
    full = sys.argv[1] == "--full"
    path = sys.argv[-1]
    sizes = range(1, 41) if full else SIZES
    rng = np.random.default_rng(20261205)
    body = bytearray()
    count = 0
    for width in sizes:
        for height in sizes:
            y, x = np.mgrid[0:height, 0:width]
            base = np.stack([128 + 90 * np.sin(x * 0.7 + y * 0.3), 128 + 90 * np.cos(x * 0.4 - y * 0.6),
                             128 + 90 * np.sin(x * 0.2 * y + 0.5)], axis=-1)
            pixels = np.clip(base + rng.normal(0, 4, base.shape), 0, 255).astype(np.uint8)
            ppm = io.BytesIO()
            Image.fromarray(pixels, "RGB").save(ppm, "PPM")
            for s_index, (_, s_args) in enumerate(SAMPLING):
                for m_index, (_, m_args) in enumerate(MODES):
                    jpeg = subprocess.run(["cjpeg", "-quality", "85", *s_args, *m_args], input=ppm.getvalue(),
                                          capture_output=True, check=True).stdout
                    image = Image.open(io.BytesIO(jpeg))
                    decoded = image.convert("L" if image.mode == "L" else "RGB").tobytes()
                    body += bytes([s_index, m_index, width, height]) + zlib.crc32(decoded).to_bytes(4, "big")
                    body += len(jpeg).to_bytes(2, "big") + jpeg
                    count += 1
    cjpeg = subprocess.run(["cjpeg", "-version"], capture_output=True).stderr.decode().strip()
    header = {"pillow": PIL.__version__, "libjpeg_turbo": features.version("libjpeg_turbo"), "cjpeg": cjpeg,
              "sampling": [name for name, _ in SAMPLING], "modes": [name for name, _ in MODES], "cases": count}
    with open(path, "wb") as f:
        f.write(zlib.compress(json.dumps(header).encode() + b"\n" + bytes(body), 9))


if __name__ == "__main__":
    main()
