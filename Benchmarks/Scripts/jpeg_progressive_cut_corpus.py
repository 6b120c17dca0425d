#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Progressive JPEGs cut before their last scan, and the pixels libjpeg-turbo (Pillow's decoder) makes of them.

libjpeg-turbo applies block smoothing to a progressive image whose low-frequency AC coefficients are not all known
to full precision (the interblock smoothing of its coefficient controller): a file cut short decodes to smoothed
pixels, not to the plain inverse DCT of the coefficients read so far. This corpus pins that behaviour.

Files are written by Pillow (progressive=True, the standard libjpeg progression: 6 scans for grayscale, 10 for
colour) and, when `cjpeg` is installed (Debian: libjpeg-turbo-progs), by `cjpeg -progressive` for the 4:4:0 and
4:1:1 subsamplings Pillow cannot write and by `cjpeg -scans` for a 4:2:0 script whose luma bands include 10...63; seeded smooth images with noise, several sizes and qualities. Each file is
cut at every scan boundary (just after a scan's entropy-coded data) and in the middle of every scan (a third and
two thirds into its data), and kept whole as a control. Pillow opens the cut files with
`ImageFile.LOAD_TRUNCATED_IMAGES = True` (it then hands libjpeg an EOI marker at the end of the data, as `djpeg`
does for a file that ends early); cuts Pillow refuses even so are left out.

Output: one zlib stream: a JSON header line (versions, names of the samplings and cut kinds, counts), then per
file: sampling index, quality, width, height (1 byte each), JPEG length (4 bytes, big-endian), the JPEG, the number
of cuts (2 bytes), then per cut: cut length (4 bytes; the file is its first bytes), cut kind (1 byte: 0 whole,
1 at a scan boundary, 2 mid-scan), index of the scan it is in or after (1 byte), CRC-32 of Pillow's decoded samples
(4 bytes; mode "L" for grayscale, "RGB" otherwise).

Usage: python jpeg_progressive_cut_corpus.py <out.bin.zz>   (pip install Pillow numpy; cjpeg optional)
"""
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import PIL
from PIL import Image, ImageFile, features

SIZES = ((9, 7), (24, 20), (33, 40), (57, 35))
QUALITIES = (85, 50)
# (name, Pillow subsampling or None for grayscale, cjpeg sampling argument or None)
SAMPLING = (
    ("4:4:4", 0, None),
    ("4:2:2", 1, None),
    ("4:2:0", 2, None),
    ("gray", None, None),
    ("4:4:0", None, "1x2,1x1,1x1"),
    ("4:1:1", None, "4x1,1x1,1x1"),
    ("4:2:0 scans past 9", None, "2x2,1x1,1x1"),
)
# The last sampling uses this scan script: luma's AC in bands 1...9 and 10...63, so a band starts past the nine
# coefficients block smoothing estimates.
SCANS_PAST_9 = """0,1,2: 0-0, 0, 1;
0: 1-9, 0, 2;
0: 10-63, 0, 2;
1: 1-63, 0, 1;
2: 1-63, 0, 1;
0: 1-63, 2, 1;
0,1,2: 0-0, 1, 0;
0: 10-63, 1, 0;
0: 1-9, 1, 0;
1: 1-63, 1, 0;
2: 1-63, 1, 0;
"""
KINDS = ("whole", "scan-boundary", "mid-scan")


def source_pixels(width, height, rng):
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([128 + 90 * np.sin(x * 0.31 + y * 0.17), 128 + 80 * np.cos(x * 0.23 - y * 0.29),
                     128 + 70 * np.sin(x * 0.05 * y + 0.5)], axis=-1)
    return np.clip(base + rng.normal(0, 10, base.shape), 0, 255).astype(np.uint8)


def encode(pixels, sampling, quality):
    name, subsampling, cjpeg_sampling = sampling
    image = Image.fromarray(pixels, "RGB")
    if cjpeg_sampling is not None:
        ppm = io.BytesIO()
        image.save(ppm, "PPM")
        extra = ["-progressive"]
        if name == "4:2:0 scans past 9":
            with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as script:
                script.write(SCANS_PAST_9)
            extra = ["-scans", script.name]
        return subprocess.run(["cjpeg", "-quality", str(quality), "-sample", cjpeg_sampling, *extra],
                              input=ppm.getvalue(), capture_output=True, check=True).stdout
    out = io.BytesIO()
    if subsampling is None:
        image.convert("L").save(out, "JPEG", quality=quality, progressive=True)
    else:
        image.save(out, "JPEG", quality=quality, progressive=True, subsampling=subsampling)
    return out.getvalue()


def scan_data_ranges(data):
    """(start, end) of each scan's entropy-coded data: from after its SOS header to the next marker that is no
    RSTn."""
    ranges = []
    position = 2
    while position + 4 <= len(data):
        marker = data[position + 1]
        if marker == 0xD9:
            break
        length = int.from_bytes(data[position + 2:position + 4], "big")
        position += 2 + length
        if marker != 0xDA:
            continue
        start = position
        while position + 1 < len(data):
            if data[position] == 0xFF and data[position + 1] != 0 and not 0xD0 <= data[position + 1] <= 0xD7:
                break
            position += 1
        ranges.append((start, position))
    return ranges


def pillow_crc(data, gray):
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception:  # noqa: BLE001 - a cut Pillow refuses is left out
        return None
    return zlib.crc32(image.convert("L" if gray else "RGB").tobytes())


def main():
    path = sys.argv[-1]
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    rng = np.random.default_rng(20261206)
    have_cjpeg = shutil.which("cjpeg") is not None
    body = bytearray()
    files = cuts_total = refused = 0
    for s_index, sampling in enumerate(SAMPLING):
        if sampling[2] is not None and not have_cjpeg:
            continue
        for width, height in SIZES:
            for quality in QUALITIES:
                jpeg = encode(source_pixels(width, height, rng), sampling, quality)
                gray = sampling[0] == "gray"
                ranges = scan_data_ranges(jpeg)
                cuts = [(len(jpeg), 0, len(ranges) - 1)]
                for scan, (start, end) in enumerate(ranges):
                    for fraction in (1, 2):
                        middle = start + (end - start) * fraction // 3
                        if start < middle < end:
                            cuts.append((middle, 2, scan))
                    if scan + 1 < len(ranges):
                        cuts.append((end, 1, scan))
                records = bytearray()
                kept = 0
                for length, kind, scan in cuts:
                    crc = pillow_crc(jpeg[:length], gray)
                    if crc is None:
                        refused += 1
                        continue
                    records += length.to_bytes(4, "big") + bytes([kind, scan]) + crc.to_bytes(4, "big")
                    kept += 1
                body += bytes([s_index, quality, width, height]) + len(jpeg).to_bytes(4, "big") + jpeg
                body += kept.to_bytes(2, "big") + records
                files += 1
                cuts_total += kept
    header = {"pillow": PIL.__version__, "libjpeg_turbo": features.version("libjpeg_turbo"),
              "sampling": [name for name, _, _ in SAMPLING], "kinds": list(KINDS), "files": files,
              "cuts": cuts_total, "refused_by_pillow": refused}
    with open(path, "wb") as f:
        f.write(zlib.compress(json.dumps(header).encode() + b"\n" + bytes(body), 9))
    print(json.dumps(header))


if __name__ == "__main__":
    main()
