#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Narrow and short subsampled JPEGs and Pillow's decoded pixels: the golden for chroma upsampling choices.

libjpeg-turbo (Pillow's decoder) smooths subsampled chroma with its "fancy" triangular filter only when the
component is more than 2 samples wide; narrower components are replicated. Writes one JSON file with, per case,
the subsampling, size, the JPEG (base64) and Pillow's RGB pixels (base64), for every width 1...8 and height 1...6
at 4:2:0 and 4:2:2, from seeded random noise (quality 90).

Usage: python jpeg_upsampling_golden.py <out.json>   (pip install Pillow)
"""
import base64
import io
import json
import random
import sys

import PIL
from PIL import Image, features


def main():
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
