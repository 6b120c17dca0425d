#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Large JPEGs (6-18 MP) derived from the benchmark photos, for timing the JPEG decoder beside Pillow.

The shared benchmark photos (`$MMRAG_FIXTURES/media/bench`) are 0.3-2 MP; camera photos are 3-18 MP. This
upscales three of them (bicubic) and adds seeded grain (Gaussian, sigma 3) so the entropy-coded data is about as
dense as a camera photo's, then saves baseline and progressive JPEGs with Pillow at quality 90.

Usage: python jpeg_large_photos.py <out-folder>   (pip install Pillow numpy; MMRAG_FIXTURES set)
"""
import os
import sys

import numpy as np
from PIL import Image

# (source, scale, subsampling 0 = 4:4:4 / 2 = 4:2:0, progressive)
PLAN = (
    ("retina.jpg", 3, 2, False),
    ("retina.jpg", 3, 2, True),
    ("hubble_deep_field.jpg", 3, 0, False),
    ("motorcycle_left.png", 4, 2, False),
    ("motorcycle_left.png", 4, 2, True),
)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    bench = os.path.join(os.environ["MMRAG_FIXTURES"], "media", "bench")
    rng = np.random.default_rng(20261206)
    for source, scale, subsampling, progressive in PLAN:
        image = Image.open(os.path.join(bench, source)).convert("RGB")
        image = image.resize((image.width * scale, image.height * scale), Image.BICUBIC)
        grain = rng.normal(0, 3, (image.height, image.width, 1))
        pixels = np.clip(np.asarray(image, dtype=np.float32) + grain, 0, 255).astype(np.uint8)
        name = (f"{source.split('.')[0]}_{image.width}x{image.height}_"
                f"{'progressive' if progressive else 'baseline'}_{'420' if subsampling else '444'}_q90.jpg")
        Image.fromarray(pixels).save(os.path.join(out, name), quality=90, subsampling=subsampling,
                                     progressive=progressive)
        print(name, os.path.getsize(os.path.join(out, name)))


if __name__ == "__main__":
    main()
