#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Damaged JPEGs and what libjpeg-turbo makes of them: the golden for the decoder's recovery from damage.

Makes small JPEGs with Pillow (seeded, smooth gradients plus noise), damages each in one way libjpeg-turbo
recovers from with a "Corrupt JPEG data" warning (or in one way it refuses), and records per case:
- the damaged file (`<name>.jpg`),
- the pixels libjpeg-turbo decodes (`<name>.png`, RGB): Pillow's, opened by default; where Pillow refuses by
  default (a file cut short without EOI) the pixels come from Pillow with `ImageFile.LOAD_TRUNCATED_IMAGES = True`,
  which are those of `djpeg` (libjpeg-turbo's own tool), and the manifest says so,
- the warnings `djpeg` prints and its exit status (0 clean, 2 warnings, 1 refused) when `djpeg` is installed
  (Debian: libjpeg-turbo-progs),
- for the refused cases, that Pillow and djpeg both refuse.

Usage: python jpeg_damaged_golden.py <out-folder>   (pip install Pillow numpy)
"""
import io
import json
import os
import random
import shutil
import subprocess
import sys

import numpy as np
import PIL
from PIL import Image, ImageFile, features


def source_image(width, height, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    r = 128 + 100 * np.sin(x / 5.0) * np.cos(y / 7.0)
    g = 60 + 150 * x / max(width - 1, 1)
    b = 200 - 150 * y / max(height - 1, 1)
    noisy = np.stack([r, g, b], axis=-1) + rng.normal(0, 12, (height, width, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")


def encode(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, **options)
    return buffer.getvalue()


def segments(data):
    """(marker, offset of FF, offset after the segment) for the markers before the first SOS, and the SOS."""
    out = []
    position = 2
    while position < len(data):
        marker = data[position + 1]
        length = int.from_bytes(data[position + 2:position + 4], "big")
        out.append((marker, position, position + 2 + length))
        if marker == 0xDA:
            break
        position += 2 + length
    return out


def find(data, marker):
    return next(s for s in segments(data) if s[0] == marker)


def scan_start(data):
    return find(data, 0xDA)[2]


def restart_offsets(data):
    start = scan_start(data)
    return [i for i in range(start, len(data) - 1) if data[i] == 0xFF and 0xD0 <= data[i + 1] <= 0xD7]


def pillow_decode(data, load_truncated):
    ImageFile.LOAD_TRUNCATED_IMAGES = load_truncated
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
        return image.convert("RGB"), None
    except Exception as error:  # noqa: BLE001 - any refusal is recorded
        return None, f"{type(error).__name__}: {error}"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False


def djpeg(data):
    if shutil.which("djpeg") is None:
        return None
    result = subprocess.run(["djpeg", "-ppm"], input=data, capture_output=True)
    warnings = [line for line in result.stderr.decode(errors="replace").splitlines() if line.strip()]
    pixels = None
    if result.returncode != 1 and result.stdout:
        pixels = np.asarray(Image.open(io.BytesIO(result.stdout)).convert("RGB"))
    return {"status": result.returncode, "messages": warnings, "pixels": pixels}


def cases():
    base = encode(source_image(40, 32, 1), subsampling=2)
    base444 = encode(source_image(24, 16, 2), subsampling=0)
    restart = encode(source_image(40, 32, 3), subsampling=2, restart_marker_blocks=1)
    progressive = encode(source_image(40, 32, 4), subsampling=2, progressive=True)
    gray = encode(source_image(24, 24, 5).convert("L"))
    rng = random.Random(20261205)
    out = []

    def add(name, kind, data, note):
        out.append((name, kind, data, note))

    dqt = find(base, 0xDB)[1]
    add("junk-between-segments", "extraneous", base[:dqt] + bytes([0x12, 0x34, 0x56]) + base[dqt:],
        "3 bytes of junk between APP0 and DQT")
    sos = find(base, 0xDA)[1]
    add("junk-before-sos", "extraneous", base[:sos] + bytes([0x00, 0xFF, 0x00, 0x41]) + base[sos:],
        "junk with a stuffed FF 00 pair before SOS")
    add("junk-after-scan", "extraneous", base[:-2] + bytes(rng.randrange(256) & 0x7F for _ in range(9)) + base[-2:],
        "9 bytes after the scan's data, before EOI")
    add("fill-bytes-before-marker", "clean", base[:dqt] + b"\xff\xff\xff" + base[dqt:],
        "FF fill bytes before a marker (allowed, no warning)")
    app0_end = find(base, 0xE0)[2]
    bad_exif = b"Exif\x00\x00" + bytes([0x4D, 0x4D, 0x00, 0x2A, 0xFF, 0xFF, 0xFF, 0xF0]) + bytes(range(20))
    add("corrupt-exif", "clean", base[:app0_end] + b"\xff\xe1" + (len(bad_exif) + 2).to_bytes(2, "big") + bad_exif
        + base[app0_end:], "APP1 Exif whose IFD offset points past the segment (libjpeg does not read EXIF)")
    body = b"Exif\x00\x00" + bytes(range(30))
    add("app1-length-short", "extraneous", base[:app0_end] + b"\xff\xe1\x00\x0a" + body + base[app0_end:],
        "APP1 whose length (10) is shorter than its contents: the rest reads as junk")
    comment = b"\xff\xfe\x00\x20" + bytes(range(0x41, 0x41 + 30))
    add("app1-length-long", "extraneous", base[:app0_end] + b"\xff\xe1\x00\x20" + bytes(range(16)) + comment
        + base[app0_end:], "APP1 whose length runs into the COM segment after it")
    add("app1-length-one", "extraneous", base[:app0_end] + b"\xff\xe1\x00\x01" + bytes(range(1, 9)) + base[app0_end:],
        "APP1 with length 1: libjpeg skips only the length field")
    data_start = scan_start(base)
    cut = data_start + (len(base) - data_start) // 2
    add("scan-cut-eoi", "premature-end", base[:cut] + b"\xff\xd9", "scan cut in the middle, EOI after it")
    add("scan-cut-eof", "premature-end", base[:cut], "file cut in the middle of the scan (no EOI)")
    add("scan-cut-early-eof", "premature-end", base[:data_start + 12], "file cut 12 bytes into the scan")
    add("no-eoi", "premature-end", base[:-2], "the file lacks only its EOI marker")
    cut444 = scan_start(base444) + (len(base444) - scan_start(base444)) // 3
    add("scan-cut-444", "premature-end", base444[:cut444] + b"\xff\xd9", "4:4:4 scan cut at a third")
    gray_cut = scan_start(gray) + (len(gray) - scan_start(gray)) * 2 // 3
    add("scan-cut-gray", "premature-end", gray[:gray_cut] + b"\xff\xd9", "grayscale scan cut at two thirds")
    bad = scan_start(base) + (len(base) - scan_start(base)) // 3
    add("bad-huffman", "bad-code", base[:bad] + b"\xff\x00\xff\x00\xff\x00" + base[bad + 6:],
        "48 one bits in the middle of the scan: no code of the tables")
    add("bad-huffman-overwrite", "bad-code", base[:bad] + bytes([0xFE, 0xFF, 0x00, 0xFB]) + base[bad + 4:],
        "a run of one bits in the middle of the scan")
    rst = restart_offsets(restart)
    add("restart-missing", "restart", restart[:rst[2]] + restart[rst[2] + 2:], "the third RST marker removed")
    wrong = bytearray(restart)
    wrong[rst[1] + 1] = 0xD0 + ((wrong[rst[1] + 1] - 0xD0 + 4) & 7)
    add("restart-wrong-number", "restart", bytes(wrong), "the second RST marker numbered 4 too far")
    add("restart-junk", "extraneous", restart[:rst[3]] + b"\x11\x22\x33" + restart[rst[3]:],
        "junk before the fourth RST marker")
    seg = restart[:rst[1] + 2] + restart[rst[2]:]
    add("restart-segment-missing", "restart", seg, "the data between the second and third RST markers removed")
    rcut = rst[4] + 7
    add("restart-cut-eof", "premature-end", restart[:rcut], "file with restart markers cut inside an interval")
    scans = [i for i in range(len(progressive) - 1) if progressive[i] == 0xFF and progressive[i + 1] == 0xDA]
    last = scans[-1]
    last_data = last + 2 + int.from_bytes(progressive[last + 2:last + 4], "big")
    pcut = last_data + (len(progressive) - last_data) // 2
    add("progressive-last-scan-cut", "premature-end", progressive[:pcut] + b"\xff\xd9",
        "progressive: the last scan cut in the middle, EOI after it")
    pbad = last_data + (len(progressive) - last_data) // 3
    add("progressive-bad-huffman", "bad-code", progressive[:pbad] + b"\xff\x00\xff\x00\xff\x00"
        + progressive[pbad + 6:], "progressive: 48 one bits in the last scan")
    # Refused by libjpeg-turbo (errors, not warnings).
    add("refused-second-soi", "refused", base[:dqt] + b"\xff\xd8" + base[dqt:], "a second SOI marker")
    add("refused-unknown-marker", "refused", base[:dqt] + b"\xff\x02\x00\x04\x00\x00" + base[dqt:],
        "a reserved marker FF02")
    add("refused-jpg-marker", "refused", base[:dqt] + b"\xff\xc8\x00\x04\x00\x00" + base[dqt:],
        "the JPG marker FFC8")
    no_dqt = base[:dqt] + base[find(base, 0xDB)[2]:]
    while any(s[0] == 0xDB for s in segments(no_dqt)):
        s = find(no_dqt, 0xDB)
        no_dqt = no_dqt[:s[1]] + no_dqt[s[2]:]
    add("refused-no-quantization-table", "refused", no_dqt, "every DQT segment removed")
    add("refused-dri-length", "refused", restart.replace(b"\xff\xdd\x00\x04", b"\xff\xdd\x00\x05\x00", 1),
        "a DRI segment of length 5")
    add("refused-scan-before-frame", "refused", base[:dqt] + base[sos:], "SOS with no SOF before it")
    return out


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    manifest = {
        "generator": "Benchmarks/Scripts/jpeg_damaged_golden.py",
        "pillow": PIL.__version__,
        "libjpeg_turbo": features.version("libjpeg_turbo"),
        "djpeg": subprocess.run(["djpeg", "-version"], capture_output=True).stderr.decode().strip()
        if shutil.which("djpeg") else None,
        "cases": [],
    }
    for name, kind, data, note in cases():
        with open(os.path.join(folder, name + ".jpg"), "wb") as f:
            f.write(data)
        image, refusal = pillow_decode(data, False)
        source = "pillow"
        if image is None and kind != "refused":
            image, _ = pillow_decode(data, True)
            source = "pillow-load-truncated"
        reference = djpeg(data)
        entry = {"name": name, "class": kind, "note": note, "bytes": len(data), "pillow_default": refusal or "ok"}
        if reference is not None:
            entry["djpeg_status"] = reference["status"]
            entry["djpeg_messages"] = reference["messages"]
        if kind == "refused":
            assert image is None or (reference is not None and reference["status"] == 1), name
            entry["expected"] = None
        else:
            assert image is not None, (name, refusal)
            pixels = np.asarray(image)
            if reference is not None and reference["pixels"] is not None:
                entry["djpeg_equals_pillow"] = bool(np.array_equal(reference["pixels"], pixels))
            image.save(os.path.join(folder, name + ".png"), optimize=True)
            entry["expected"] = name + ".png"
            entry["expected_from"] = source
            entry["width"], entry["height"] = image.size
        manifest["cases"].append(entry)
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
