# SPDX-License-Identifier: CC0-1.0 (written for this test suite)
"""Rewrites a baseline 4:4:4 (all sampling 1x1) JPEG with one interleaved scan as three non-interleaved
scans (one per component), keeping every coefficient, table and other segment. Pure Python, no dependencies."""
import sys

def segments(data):
    i = 2
    while True:
        assert data[i] == 0xFF
        m = data[i + 1]
        if m == 0xD9:
            return
        L = data[i + 2] << 8 | data[i + 3]
        yield m, i, i + 2 + L
        if m == 0xDA:
            # entropy data follows until the next non-RST marker
            j = i + 2 + L
            while not (data[j] == 0xFF and data[j + 1] not in (0x00,) and not 0xD0 <= data[j + 1] <= 0xD7):
                j += 1
            yield 'data', i + 2 + L, j
            i = j
        else:
            i += 2 + L

def huffman_tables(body):
    tables = {}
    k = 0
    while k < len(body):
        tc, th = body[k] >> 4, body[k] & 15
        counts = body[k + 1:k + 17]
        n = sum(counts)
        symbols = body[k + 17:k + 17 + n]
        code, idx, dec, enc = 0, 0, {}, {}
        for length in range(1, 17):
            for _ in range(counts[length - 1]):
                dec[(length, code)] = symbols[idx]
                enc[symbols[idx]] = (code, length)
                code += 1
                idx += 1
            code <<= 1
        tables[(tc, th)] = (dec, enc)
        k += 17 + n
    return tables

class Reader:
    def __init__(self, data):
        self.bits = []
        i = 0
        while i < len(data):
            b = data[i]
            if b == 0xFF:
                assert data[i + 1] == 0
                i += 1
            self.bits.extend((b >> (7 - t)) & 1 for t in range(8))
            i += 1
        self.pos = 0
    def bit(self):
        b = self.bits[self.pos]; self.pos += 1; return b
    def receive(self, n):
        v = 0
        for _ in range(n): v = v << 1 | self.bit()
        return v
    def decode(self, dec):
        code, length = 0, 0
        while True:
            code = code << 1 | self.bit(); length += 1
            if (length, code) in dec: return dec[(length, code)]

def extend(v, s):
    return v - (1 << s) + 1 if s and v < 1 << (s - 1) else v

class Writer:
    def __init__(self):
        self.out = bytearray(); self.acc = 0; self.n = 0
    def put(self, value, length):
        for t in range(length - 1, -1, -1):
            self.acc = self.acc << 1 | (value >> t) & 1; self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF: self.out.append(0)
                self.acc = 0; self.n = 0
    def finish(self):
        while self.n: self.put(1, 1)
        return bytes(self.out)

def category(v):
    return abs(v).bit_length()

data = open(sys.argv[1], 'rb').read()
tables, before, sof, scan_header, scan_data = {}, bytearray(data[:2]), None, None, None
for m, a, b in segments(data):
    if m == 'data':
        scan_data = data[a:b]
        continue
    if m == 0xC4: tables.update(huffman_tables(data[a + 4:b]))
    if m == 0xC0: sof = data[a + 4:b]
    if m == 0xDA:
        scan_header = data[a + 4:b]
        continue
    before += data[a:b]
width, height, ncomp = sof[3] << 8 | sof[4], sof[1] << 8 | sof[2], sof[5]
assert ncomp == 3 and all(sof[6 + 3 * c + 1] == 0x11 for c in range(3))
ids = [scan_header[1 + 2 * c] for c in range(3)]
sel = [scan_header[2 + 2 * c] for c in range(3)]
bw, bh = (width + 7) // 8, (height + 7) // 8
reader = Reader(scan_data)
blocks = [[] for _ in range(3)]
pred = [0, 0, 0]
for _ in range(bw * bh):
    for c in range(3):
        dc_dec = tables[(0, sel[c] >> 4)][0]; ac_dec = tables[(1, sel[c] & 15)][0]
        s = reader.decode(dc_dec); pred[c] += extend(reader.receive(s), s)
        coef = [pred[c]] + [0] * 63
        k = 1
        while k < 64:
            rs = reader.decode(ac_dec); r, s = rs >> 4, rs & 15
            if s == 0:
                if r != 15: break
                k += 16; continue
            k += r; coef[k] = extend(reader.receive(s), s); k += 1
        blocks[c].append(coef)
out = bytearray(before)
for c in range(3):
    out += bytes([0xFF, 0xDA, 0, 8, 1, ids[c], sel[c], 0, 63, 0])
    w = Writer(); dc_enc = tables[(0, sel[c] >> 4)][1]; ac_enc = tables[(1, sel[c] & 15)][1]
    prev = 0
    for coef in blocks[c]:
        d = coef[0] - prev; prev = coef[0]; s = category(d)
        w.put(*dc_enc[s]); w.put(d if d >= 0 else d - 1 + (1 << s), s)
        run = 0
        for k in range(1, 64):
            v = coef[k]
            if v == 0: run += 1; continue
            while run >= 16: w.put(*ac_enc[0xF0]); run -= 16
            s = category(v); w.put(*ac_enc[run << 4 | s]); w.put(v if v >= 0 else v - 1 + (1 << s), s); run = 0
        if run: w.put(*ac_enc[0x00])
    out += w.finish()
out += b'\xFF\xD9'
open(sys.argv[2], 'wb').write(out)
print(len(data), '->', len(out))
