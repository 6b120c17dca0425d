# SPDX-License-Identifier: CC0-1.0
"""Writes Pillow resize goldens for ImageResizeTests (Pillow 13.0.0, numpy 2.4).

Run from this folder: python make_resize_fixtures.py ../images
"""
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

src = Path(sys.argv[1] if len(sys.argv) > 1 else "../images")
filters = {"bicubic": Image.Resampling.BICUBIC, "bilinear": Image.Resampling.BILINEAR, "box": Image.Resampling.BOX}
cases = [
    ("png_rgb8_128x96.png", "bilinear", 50, 37),
    ("png_rgb8_128x96.png", "box", 50, 37),
    ("png_rgb8_128x96.png", "bicubic", 150, 111),
    ("png_rgb8_128x96.png", "bicubic", 128, 30),
    ("png_rgb8_128x96.png", "bicubic", 40, 96),
    ("png_rgb8_128x96.png", "bicubic", 120, 30),
    ("png_rgb8_128x96.png", "bilinear", 200, 60),
    ("png_rgb8_128x96.png", "bicubic", 60, 200),
    ("png_rgb8_128x96.png", "box", 200, 41),
    ("png_rgba8_96x64.png", "bicubic", 41, 29),
    ("png_ga8_96x64.png", "bilinear", 33, 70),
    ("png_gray8_128x96.png", "box", 64, 48),
    ("png_gray8_128x96.png", "bicubic", 17, 9),
]
entries = []
for name, flt, w, h in cases:
    im = Image.open(src / name)
    im.load()
    out = im.resize((w, h), filters[flt])
    arr = np.asarray(out)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    stem = f"{Path(name).stem}_{flt}_{w}x{h}"
    np.save(f"{stem}.npy", np.ascontiguousarray(arr))
    entries.append({"input": f"images/{name}", "mode": im.mode, "filter": flt, "width": w, "height": h,
                    "expected": f"{stem}.npy", "tolerance": {"max_abs": 0}})
json.dump({"generator": "make_resize_fixtures.py", "reference": "Pillow 13.0.0 Image.resize", "files": entries},
          open("manifest.json", "w"), indent=1)
