#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The PNG, GIF, BMP and PNM part of the differential corpus: small files over every variant of each format,
each with the CRC-32 of the RGBA pixels the reference decodes, for a test that asserts equality file by file.

Every file is written by this script byte by byte (so it can hold what no encoder writes: every PNG filter type,
out-of-range tRNS colours, GIF LZW minimum code sizes 1...12, BMP headers of every size, plain PNM and PAM), from
seeded random pixels, and decoded by Pillow. PAM (P7), which Pillow does not read, is converted by netpbm's
`pamtopng` (Debian: netpbm) and that PNG decoded by Pillow.

The reference pixels are RGBA, 8 bits per sample; 16-bit samples keep their high byte; fully transparent pixels
have their colour set to 0 (it is not compared). For PNG, the pixels are also computed from the generated samples
by the rules of the PNG specification as libpng applies them (a tRNS colour is masked to the bit depth, 16-bit
colour keys apply); where Pillow disagrees, the file is marked and its reference is that spec model
(Documentation/Fidelity.md says why). A file Pillow refuses is marked "refused" and must raise a typed error.

Output: one zlib stream: a JSON header line (versions, case count), then per case: flags (1 byte: bit 0 = must
be refused, bit 1 = the reference is the spec model because Pillow differs), width and height (2 bytes each, big-endian), CRC-32 of
the reference RGBA (4 bytes), label length (1 byte) and label (ASCII, "<class>: <parameters>"), file length
(4 bytes) and the file.

Usage: python image_differential_corpus.py <out.bin.zz>   (pip install Pillow numpy; netpbm for PAM)
"""
import io
import json
import struct
import subprocess
import sys
import zlib

import numpy as np
import PIL
from PIL import Image

RNG = np.random.default_rng(20261206)
SIZES = ((1, 1), (1, 9), (9, 1), (3, 5), (7, 7), (13, 9), (17, 3), (33, 6))
CASES = []


def canonical(rgba):
    rgba = np.array(rgba, dtype=np.uint8).reshape(rgba.shape[0], rgba.shape[1], 4).copy()
    rgba[rgba[:, :, 3] == 0, :3] = 0
    return zlib.crc32(rgba.tobytes())


def pillow_rgba(data):
    """Pillow's pixels as 8-bit RGBA (16-bit gray keeps its high byte), or None when Pillow refuses the file."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
        if image.mode in ("I;16", "I;16B", "I;16L", "I"):
            gray = (np.array(image).astype(np.uint32) >> 8).astype(np.uint8)
            return np.dstack([gray, gray, gray, np.full_like(gray, 255)])
        return np.array(image.convert("RGBA"))
    except Exception:
        return None


def add(label, data, spec=None, width=None, height=None, refuse=False):
    """Adds a case: Pillow's pixels are the reference unless `spec` (the spec model's RGBA) disagrees, or
    `refuse` says the file must be refused whatever Pillow does."""
    pillow = pillow_rgba(data)
    flags = 0
    if refuse:
        flags, crc = 1 if pillow is None else 3, 0
        height, width = height or 0, width or 0
    elif pillow is None and spec is None:
        flags, crc = 1, 0
        height, width = height or 0, width or 0
    elif spec is not None and (pillow is None or pillow.shape != spec.shape or canonical(pillow) != canonical(spec)):
        flags, crc = 2, canonical(spec)
        height, width = spec.shape[:2]
    else:
        crc = canonical(pillow)
        height, width = pillow.shape[:2]
    CASES.append((flags, width, height, crc, label.encode("ascii"), data))


# ---------------------------------------------------------------- PNG

def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pack_row(samples, depth):
    if depth == 16:
        return b"".join(struct.pack(">H", int(v)) for v in samples)
    if depth == 8:
        return bytes(int(v) for v in samples)
    bits = "".join(format(int(v), f"0{depth}b") for v in samples)
    bits += "0" * (-len(bits) % 8)
    return bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_row(row, previous, kind, stride):
    out = bytearray()
    for i, x in enumerate(row):
        a = row[i - stride] if i >= stride else 0
        b = previous[i] if previous is not None else 0
        c = previous[i - stride] if previous is not None and i >= stride else 0
        predictor = (0, a, b, (a + b) // 2, paeth(a, b, c))[kind]
        out.append((x - predictor) & 0xFF)
    return bytes([kind]) + bytes(out)


ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def png_file(raw, depth, color_type, interlaced, plte=None, trns=None):
    """raw: H x W x channels stored sample values. Rows cycle through the five filter types."""
    height, width, channels = raw.shape
    stride = max(1, channels * depth // 8)
    passes = ADAM7 if interlaced else ((0, 0, 1, 1),)
    stream = bytearray()
    kind = 0
    for x0, y0, dx, dy in passes:
        sub = raw[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        previous = None
        for row in sub:
            packed = pack_row(row.reshape(-1), depth)
            stream += filter_row(packed, previous, kind % 5, stride)
            previous = packed
            kind += 1
    header = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 1 if interlaced else 0)
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
    if plte is not None:
        data += png_chunk(b"PLTE", plte)
    if trns is not None:
        data += png_chunk(b"tRNS", trns)
    return data + png_chunk(b"IDAT", zlib.compress(bytes(stream))) + png_chunk(b"IEND", b"")


def png_spec(raw, depth, color_type, plte=None, trns=None):
    """The RGBA8 pixels by the PNG specification (libpng's reading): bit replication, tRNS masked to the depth."""
    height, width, _ = raw.shape
    raw = raw.astype(np.int64)
    out = np.zeros((height, width, 4), dtype=np.int64)
    out[:, :, 3] = 255
    to8 = (lambda v: v >> 8) if depth == 16 else (lambda v: v * (255 // ((1 << depth) - 1)))
    mask = 0xFFFF if depth == 16 else (1 << depth) - 1
    if color_type == 3:
        palette = np.frombuffer(plte, dtype=np.uint8).reshape(-1, 3)
        alphas = list(trns or b"")
        for y in range(height):
            for x in range(width):
                index = raw[y, x, 0]
                out[y, x, :3] = palette[index] if index < len(palette) else 0
                out[y, x, 3] = alphas[index] if index < len(alphas) else 255
    elif color_type in (0, 2):
        channels = 1 if color_type == 0 else 3
        values = to8(raw)
        out[:, :, :3] = values if channels == 3 else values.repeat(3, axis=2)
        if trns is not None:
            key = np.array(struct.unpack(f">{channels}H", trns[:2 * channels])) & mask
            out[(raw == key).all(axis=2), 3] = 0
    else:
        values = to8(raw)
        if color_type == 4:
            out[:, :, :3] = values[:, :, :1].repeat(3, axis=2)
            out[:, :, 3] = values[:, :, 1]
        else:
            out[:, :] = values
    return out.astype(np.uint8)


def png_cases():
    kinds = [(0, d) for d in (1, 2, 4, 8, 16)] + [(3, d) for d in (1, 2, 4, 8)]
    kinds += [(2, 8), (2, 16), (4, 8), (4, 16), (6, 8), (6, 16)]
    names = {0: "gray", 2: "rgb", 3: "palette", 4: "gray-alpha", 6: "rgba"}
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
    for color_type, depth in kinds:
        for interlaced in (False, True):
            for width, height in SIZES:
                limit = 1 << depth
                raw = RNG.integers(0, limit, size=(height, width, channels[color_type]))
                if depth == 16 and color_type != 3:
                    # A few distinct high bytes with random low bytes: keys that differ only in the low byte.
                    raw = (RNG.integers(0, 4, size=raw.shape) * 0x4000 + RNG.integers(0, 2, size=raw.shape))
                if depth == 8 and color_type in (0, 2):
                    raw = RNG.integers(0, 4, size=raw.shape) * 60
                trns_variants = [("", None)]
                plte = None
                entries = 0
                if color_type == 3:
                    entries = min(limit, 1 + int(raw.max()))
                    plte = RNG.integers(0, 256, size=entries * 3).astype(np.uint8).tobytes()
                    alphas = RNG.integers(0, 256, size=entries).astype(np.uint8).tobytes()
                    trns_variants += [("trns-short", alphas[: max(1, entries // 2)]), ("trns-full", alphas)]
                elif color_type in (0, 2):
                    key = [int(v) for v in raw[0, 0]]
                    wide = [v | (limit if depth < 16 else 0) for v in key]
                    trns_variants += [("trns", struct.pack(f">{len(key)}H", *key))]
                    if depth < 16:
                        trns_variants += [("trns-out-of-range", struct.pack(f">{len(key)}H", *wide))]
                for trns_name, trns in trns_variants:
                    label = f"png {names[color_type]}{depth}{' ' + trns_name if trns_name else ''}: " \
                            f"{width}x{height}{' adam7' if interlaced else ''}"
                    data = png_file(raw, depth, color_type, interlaced, plte, trns)
                    add(label, data, spec=png_spec(raw, depth, color_type, plte, trns))
    # A palette shorter than the indices used (libpng reads missing entries as black).
    raw = np.array([[[0], [1], [2], [3]]])
    plte = bytes([10, 20, 30, 40, 50, 60])
    add("png palette2 index-beyond-plte: 4x1", png_file(raw, 2, 3, False, plte), spec=png_spec(raw, 2, 3, plte))


# ---------------------------------------------------------------- GIF

def lzw_encode(indices, minimum):
    clear, end = 1 << minimum, (1 << minimum) + 1
    bits, nbits = 0, 0
    out = bytearray()

    def emit(code, size):
        nonlocal bits, nbits
        bits |= code << nbits
        nbits += size
        while nbits >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            nbits -= 8

    size = minimum + 1
    emit(clear, size)
    table, following = {}, end + 1
    prefix = None
    for k in indices:
        k = int(k)
        if prefix is None:
            prefix = k
            continue
        if (prefix, k) in table:
            prefix = table[(prefix, k)]
            continue
        emit(prefix, size)
        table[(prefix, k)] = following
        following += 1
        if following > (1 << size) and size < 12:
            size += 1
        if following >= 4095:
            emit(clear, size)
            table, following, size = {}, end + 1, minimum + 1
        prefix = k
    if prefix is not None:
        emit(prefix, size)
    emit(end, size)
    if nbits:
        out.append(bits & 0xFF)
    return bytes(out)


def sub_blocks(data):
    out = bytearray()
    for i in range(0, len(data), 255):
        chunk = data[i:i + 255]
        out += bytes([len(chunk)]) + chunk
    return bytes(out) + b"\x00"


def palette_bits(entries):
    return max(1, (entries - 1).bit_length())


def gif_file(width, height, frames, global_palette=None, background=0):
    """frames: dicts with indices (h x w), left, top, minimum, local (palette bytes or None), interlaced,
    transparent (index or None)."""
    flags = 0
    data = b"GIF89a"
    if global_palette is not None:
        bits = palette_bits(len(global_palette) // 3)
        flags = 0x80 | (bits - 1)
        global_palette = global_palette + bytes(3 * (1 << bits) - len(global_palette))
    data += struct.pack("<HHBBB", width, height, flags, background, 0) + (global_palette or b"")
    for frame in frames:
        if frame.get("transparent") is not None:
            data += b"\x21\xF9\x04" + bytes([1, 0, 0, frame["transparent"], 0])
        indices = frame["indices"]
        fh, fw = indices.shape
        local = frame.get("local")
        descriptor_flags = 0x40 if frame.get("interlaced") else 0
        if local is not None:
            bits = palette_bits(len(local) // 3)
            descriptor_flags |= 0x80 | (bits - 1)
            local = local + bytes(3 * (1 << bits) - len(local))
        data += b"\x2C" + struct.pack("<HHHHB", frame.get("left", 0), frame.get("top", 0), fw, fh, descriptor_flags)
        data += local or b""
        rows = list(indices)
        if frame.get("interlaced"):
            order = list(range(0, fh, 8)) + list(range(4, fh, 8)) + list(range(2, fh, 4)) + list(range(1, fh, 2))
            rows = [indices[y] for y in order]
        stream = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        data += bytes([frame["minimum"]]) + sub_blocks(lzw_encode(stream, frame["minimum"]))
    return data + b"\x3B"


def gif_cases():
    for minimum in range(1, 13):
        for width, height in ((1, 1), (5, 3), (16, 16), (17, 9), (40, 23)):
            for interlaced in (False, True):
                for variant in ("global", "local", "transparent"):
                    colours = min(1 << minimum, 256)
                    colours = max(2, min(colours, 1 + int(RNG.integers(1, 256))))
                    indices = RNG.integers(0, colours, size=(height, width))
                    # Long runs too, so codes grow past the initial size.
                    indices[:, : width // 2] = indices[0, 0]
                    palette = RNG.integers(0, 256, size=3 * colours).astype(np.uint8).tobytes()
                    frame = {"indices": indices, "minimum": minimum, "interlaced": interlaced}
                    gpal = palette
                    if variant == "local":
                        frame["local"] = palette
                        gpal = RNG.integers(0, 256, size=3 * colours).astype(np.uint8).tobytes()
                    if variant == "transparent":
                        frame["transparent"] = int(indices[-1, -1])
                    label = f"gif code-size-{minimum} {variant}: {width}x{height}{' interlaced' if interlaced else ''}"
                    # Code size 1 is outside the format (2...8) and decoders disagree on when its codes widen:
                    # Pillow refuses these files except a lone pixel; the decoder refuses them all.
                    add(label, gif_file(width, height, [frame], gpal), width=width, height=height,
                        refuse=minimum == 1)
    # A frame smaller than the screen, at an offset, with and without transparency; a local palette only.
    indices = RNG.integers(0, 4, size=(5, 6))
    palette = RNG.integers(0, 256, size=12).astype(np.uint8).tobytes()
    add("gif frame-offset: 6x5 at 3,2 on 12x9",
        gif_file(12, 9, [{"indices": indices, "minimum": 2, "left": 3, "top": 2}], palette), width=12, height=9)
    add("gif frame-offset transparent: 6x5 at 3,2 on 12x9",
        gif_file(12, 9, [{"indices": indices, "minimum": 2, "left": 3, "top": 2, "transparent": 1}], palette),
        width=12, height=9)
    add("gif local-only: 6x5", gif_file(6, 5, [{"indices": indices, "minimum": 2, "local": palette}]), width=6,
        height=5)
    # A frame reaching past the logical screen: Pillow enlarges the image to hold it; the decoder keeps the
    # screen's size and clips the frame (the spec model: Pillow's pixels cropped to the screen).
    beyond = gif_file(10, 8, [{"indices": indices, "minimum": 2, "left": 8, "top": 6}], palette)
    add("gif frame-beyond-screen: 6x5 at 8,6 on 10x8", beyond, spec=pillow_rgba(beyond)[:8, :10])


# ---------------------------------------------------------------- BMP

def bmp_file(width, height, bpp, rows, palette=None, header_size=40, compression=0, masks=None, top_down=False,
             colors_used=0, offset_delta=0, palette_entry_size=4):
    """rows: the pixel data, bottom row first unless top_down, each row already padded."""
    pixel_data = b"".join(rows)
    if header_size == 12:
        dib = struct.pack("<IHHHH", 12, width, height, 1, bpp)
    else:
        dib = struct.pack("<IiiHHIIiiII", header_size, width, -height if top_down else height, 1, bpp, compression,
                          len(pixel_data), 2835, 2835, colors_used, 0)
        extra = b""
        if masks is not None:
            extra = b"".join(struct.pack("<I", m) for m in masks)
        if header_size == 40:
            dib += extra
        else:
            extra = extra + bytes(max(0, 16 - len(extra)))
            dib += (extra + bytes(header_size - 40))[: header_size - 40]
    table = b""
    if palette is not None:
        for r, g, b in palette:
            table += bytes([b, g, r]) + (b"\x00" if palette_entry_size == 4 else b"")
    offset = 14 + len(dib) + len(table) + offset_delta
    body = dib + table + bytes(max(0, offset_delta))
    size = offset + len(pixel_data)
    return b"BM" + struct.pack("<IHHI", size, 0, 0, offset) + body[: offset - 14] + pixel_data


def pad(row):
    return row + bytes(-len(row) % 4)


def bmp_cases():
    for width, height in ((1, 1), (3, 5), (7, 2), (13, 9), (33, 4)):
        for bpp in (1, 2, 4, 8):
            colours = 1 << bpp
            for variant in ("full", "colours-used", "core-header"):
                used = max(2, colours // 2 + 1) if variant == "colours-used" else 0
                entries = used or colours
                palette = [tuple(int(v) for v in RNG.integers(0, 256, size=3)) for _ in range(entries)]
                indices = RNG.integers(0, entries, size=(height, width))
                rows = [pad(pack_row(indices[y], bpp)) for y in range(height - 1, -1, -1)]
                header = 12 if variant == "core-header" else 40
                add(f"bmp {bpp}-bit {variant}: {width}x{height}",
                    bmp_file(width, height, bpp, rows, palette, header_size=header, colors_used=used,
                             palette_entry_size=3 if header == 12 else 4))
            if bpp == 8:
                rows_top = [pad(pack_row(indices[y], bpp)) for y in range(height)]
                add(f"bmp 8-bit top-down: {width}x{height}",
                    bmp_file(width, height, 8, rows_top, palette, top_down=True))
        pixels = RNG.integers(0, 256, size=(height, width, 4))
        for name, bpp, compression, masks, header in (
            ("16-bit 555", 16, 0, None, 40), ("16-bit 565 bitfields", 16, 3, (0xF800, 0x07E0, 0x001F), 40),
            ("16-bit 4444 v4", 16, 3, (0x0F00, 0x00F0, 0x000F, 0xF000), 108),
            ("24-bit", 24, 0, None, 40), ("24-bit v5", 24, 0, None, 124),
            ("32-bit rgb", 32, 0, None, 40), ("32-bit bitfields", 32, 3, (0xFF0000, 0xFF00, 0xFF), 40),
            ("32-bit bgra v5", 32, 3, (0xFF0000, 0xFF00, 0xFF, 0xFF000000), 124),
            ("32-bit bgra v4", 32, 3, (0xFF0000, 0xFF00, 0xFF, 0xFF000000), 108),
            ("32-bit alpha-bitfields", 32, 6, (0xFF0000, 0xFF00, 0xFF, 0xFF000000), 40),
            ("32-bit 10-10-10", 32, 3, (0x3FF00000, 0xFFC00, 0x3FF), 40),
            ("16-bit 555 bitfields v3", 16, 3, (0x7C00, 0x03E0, 0x001F), 56),
        ):
            rows = []
            for y in range(height - 1, -1, -1):
                row = b""
                for x in range(width):
                    value = int.from_bytes(bytes(int(v) for v in pixels[y, x]), "little")
                    row += (value & ((1 << bpp) - 1)).to_bytes(bpp // 8, "little")
                rows.append(pad(row))
            spec = None
            if masks is not None:
                # Each mask's field scaled to 8 bits as Pillow does, floor(v * 255 / max); alpha when a fourth
                # mask is given and non-zero. Pillow refuses masks outside its fixed list (4444, 10-10-10) and
                # BI_ALPHABITFIELDS; the spec model decodes them by the same rule.
                values = np.zeros((height, width), dtype=np.int64)
                for i in range(bpp // 8):
                    values |= pixels[:, :, i].astype(np.int64) << (8 * i)
                spec = np.full((height, width, 4), 255, dtype=np.int64)
                for channel, mask in enumerate(masks):
                    if mask:
                        shift = (mask & -mask).bit_length() - 1
                        spec[:, :, channel] = ((values & mask) >> shift) * 255 // (mask >> shift)
                spec = spec.astype(np.uint8)
            add(f"bmp {name}: {width}x{height}",
                bmp_file(width, height, bpp, rows, header_size=header, compression=compression, masks=masks), spec=spec)
    # Run-length: RLE8 and RLE4 with runs, absolute runs (odd and even), end of line, delta and end of bitmap.
    palette = [tuple(int(v) for v in RNG.integers(0, 256, size=3)) for _ in range(16)]
    rle8 = bytes([3, 5, 0, 3, 1, 2, 3, 0, 2, 4, 0, 0,  # run, odd absolute run (padded), run, end of line
                  0, 2, 7, 0, 1, 9, 0, 0,  # delta 7 right, one pixel, end of line
                  0, 4, 1, 2, 3, 4, 4, 6, 0, 0,  # even absolute run
                  0, 2, 2, 0, 2, 11, 4, 12, 0, 1])  # delta 2 right, six pixels, end of bitmap
    add("bmp rle8: 8x4", bmp_file(8, 4, 8, [rle8], palette, compression=1))
    rle4 = bytes([5, 0x12, 0, 3, 0x34, 0x50, 0, 0,  # odd run, odd absolute run, end of line
                  4, 0xAB, 0, 2, 1, 0, 2, 0x77, 0, 0,  # delta 1 right
                  0, 5, 0x12, 0x34, 0x50, 0, 3, 0xCD, 0, 0,  # absolute run padded to a word
                  0, 2, 0, 1, 8, 0x9C, 0, 1])  # delta one row up, a full row, end of bitmap
    add("bmp rle4: 8x4", bmp_file(8, 4, 4, [rle4], palette, compression=2))
    add("bmp rle8 top-down: 8x4", bmp_file(8, 4, 8, [rle8], palette, compression=1, top_down=True))
    # End of bitmap before the last row is full: Pillow refuses ("not enough image data"); the rest of the
    # bitmap reads as index 0, as pixels skipped by a delta do in Pillow (the reference: the same stream with
    # the remainder written out as runs of index 0).
    early = rle8[:-10] + bytes([0, 2, 2, 0, 2, 11, 0, 1])
    filled = rle8[:-10] + bytes([0, 2, 2, 0, 2, 11, 4, 0, 0, 1])
    add("bmp rle8 early-end-of-bitmap: 8x4", bmp_file(8, 4, 8, [early], palette, compression=1),
        spec=pillow_rgba(bmp_file(8, 4, 8, [filled], palette, compression=1)))
    # The pixel offset pointing into the palette: the pixels start 8 bytes before the palette's end.
    palette = [tuple(int(v) for v in RNG.integers(0, 256, size=3)) for _ in range(16)]
    indices = RNG.integers(0, 16, size=(4, 8))
    rows = [pad(pack_row(indices[y], 4)) for y in range(3, -1, -1)]
    data = bmp_file(8, 4, 4, rows, palette, offset_delta=-8)
    add("bmp offset-into-palette 4-bit: 8x4", data)


# ---------------------------------------------------------------- PNM

def pnm_cases():
    for width, height in ((1, 1), (3, 5), (9, 2), (17, 3)):
        bits = RNG.integers(0, 2, size=(height, width))
        plain = " ".join(" ".join(str(int(v)) for v in row) for row in bits)
        add(f"pnm P1: {width}x{height}", f"P1\n# plain bitmap\n{width} {height}\n{plain}\n".encode())
        add(f"pnm P1 packed digits: {width}x{height}",
            f"P1 {width} {height}\n".encode() + "\n".join("".join(str(int(v)) for v in row) for row in bits).encode())
        packed = b"".join(pack_row(row, 1) for row in bits)
        add(f"pnm P4: {width}x{height}", f"P4\n{width} {height}\n".encode() + packed)
        for maxval in (1, 7, 100, 255, 256, 1000, 65535):
            gray = RNG.integers(0, maxval + 1, size=(height, width))
            rgb = RNG.integers(0, maxval + 1, size=(height, width, 3))
            add(f"pnm P2 maxval {maxval}: {width}x{height}",
                f"P2\n{width} {height}\n# comment\n{maxval}\n".encode()
                + " ".join(str(int(v)) for v in gray.reshape(-1)).encode() + b"\n")
            wide = ">u2" if maxval > 255 else "u1"
            add(f"pnm P5 maxval {maxval}: {width}x{height}",
                f"P5\n{width} {height}\n{maxval}\n".encode() + gray.astype(wide).tobytes())
            # RGB with maxval above 255: Pillow reduces it to 8 bits, round(v / maxval * 255); the decoder keeps
            # 16 bits, round(v / maxval * 65535), whose high byte is the spec model's 8-bit value.
            spec = None
            if maxval > 255:
                spec = np.full((height, width, 4), 255, dtype=np.uint8)
                spec[:, :, :3] = np.vectorize(lambda v: round(v / maxval * 65535) >> 8)(rgb)
            add(f"pnm P3 maxval {maxval}: {width}x{height}",
                f"P3 {width} {height} {maxval}\n".encode() + "\n".join(str(int(v)) for v in rgb.reshape(-1)).encode(),
                spec=spec)
            add(f"pnm P6 maxval {maxval}: {width}x{height}",
                f"P6 #c\n{width} {height}\n{maxval}\n".encode() + rgb.astype(wide).tobytes(), spec=spec)
        for tupltype, depth in (("BLACKANDWHITE", 1), ("GRAYSCALE", 1), ("GRAYSCALE_ALPHA", 2), ("RGB", 3),
                                ("RGB_ALPHA", 4)):
            for maxval in ((1,) if tupltype == "BLACKANDWHITE" else (15, 255, 65535)):
                tuples = RNG.integers(0, maxval + 1, size=(height, width, depth))
                wide = ">u2" if maxval > 255 else "u1"
                data = (f"P7\nWIDTH {width}\nHEIGHT {height}\nDEPTH {depth}\nMAXVAL {maxval}\n# c\n"
                        f"TUPLTYPE {tupltype}\nENDHDR\n").encode() + tuples.astype(wide).tobytes()
                png = subprocess.run(["pamtopng"], input=data, capture_output=True, check=True).stdout
                reference = pillow_rgba(png)
                if maxval not in (1, 255, 65535):
                    reference = None  # pamtopng keeps the maxval as an sBIT-style depth; use the exact rule below
                spec = reference
                if spec is None:
                    scaled = (tuples * 255 * 2 + maxval) // (2 * maxval)
                    spec = np.zeros((height, width, 4), dtype=np.uint8)
                    spec[:, :, 3] = 255
                    if depth <= 2:
                        spec[:, :, :3] = scaled[:, :, :1]
                    else:
                        spec[:, :, :3] = scaled[:, :, :3]
                    if depth in (2, 4):
                        spec[:, :, 3] = scaled[:, :, -1]
                add(f"pnm P7 {tupltype} maxval {maxval}: {width}x{height}", data, spec=spec.astype(np.uint8))


def main():
    png_cases()
    gif_cases()
    bmp_cases()
    pnm_cases()
    netpbm = subprocess.run(["pamtopng", "-version"], capture_output=True).stderr.decode().strip().splitlines()
    header = {"pillow": PIL.__version__, "netpbm": netpbm[0] if netpbm else "", "cases": len(CASES)}
    body = bytearray()
    for flags, width, height, crc, label, data in CASES:
        body += struct.pack(">BHHIB", flags, width, height, crc, len(label)) + label
        body += struct.pack(">I", len(data)) + data
    with open(sys.argv[1], "wb") as f:
        f.write(zlib.compress(json.dumps(header).encode() + b"\n" + bytes(body), 9))
    refused = sum(1 for c in CASES if c[0] & 1)
    spec = [c[4].decode() for c in CASES if c[0] & 2]
    print(f"{len(CASES)} cases, {refused} refused by Pillow, {len(spec)} where Pillow departs from the spec model")
    for label in spec:
        print("  spec:", label)
    for c in CASES:
        if c[0] & 1:
            print("  refused:", c[4].decode())


if __name__ == "__main__":
    main()
