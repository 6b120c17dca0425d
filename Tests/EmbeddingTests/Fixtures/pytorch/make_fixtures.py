# SPDX-License-Identifier: Apache-2.0
"""Writes the small PyTorch checkpoints the PyTorchCheckpoint tests read (run from this folder).

  python make_fixtures.py        # torch 2.13.0+cpu; deterministic (seeded), rewrites every file here

Besides torch.save's own output it re-packs one archive in two layouts torch.save does not produce on a
small file (zip64 records; big-endian storages) and checks that torch.load reads them back identically.
"""
import collections
import json
import os
import struct
import zipfile
import zlib

import torch


def dtypes_state_dict():
    torch.manual_seed(20261205)
    sd = collections.OrderedDict()
    sd["f32"] = torch.randn(2, 3)
    # every class of F16 value: normal, subnormals, infinities, signed zero, max
    sd["f16"] = torch.tensor([1.0, -2.0, 2.0 ** -24, 1023 * 2.0 ** -24, 2.0 ** -14, 65504.0,
                              float("inf"), float("-inf"), -0.0, 0.333251953125], dtype=torch.float16)
    sd["bf16"] = torch.tensor([1.0, -3.0, 1e-40, float("inf"), -0.0, 3.140625], dtype=torch.bfloat16)
    sd["i64"] = torch.tensor([0, 1, -7, 2 ** 40, -(2 ** 62), 2 ** 63 - 1], dtype=torch.int64)
    sd["scalar"] = torch.tensor(1.5)
    sd["param"] = torch.nn.Parameter(torch.randn(2, 2))
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    sd["transposed"] = base.t()                 # strides (1, 4): not contiguous
    sd["rows"] = base[1:]                       # the same storage at offset 4
    sd["columns"] = base[:, 1:3]                # offset 1, strides (4, 1)
    sd["empty"] = torch.zeros(0, 3)
    sd["f64"] = torch.randn(2).double()
    sd["i32"] = torch.tensor([5, -6], dtype=torch.int32)
    sd["expanded"] = torch.arange(3).expand(1, 3)   # stride 0 on the size-1 dimension
    return sd


def module_state_dict():
    torch.manual_seed(7)
    net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.LayerNorm(2))
    return net.state_dict()          # carries _metadata: BUILD with a dict of dicts


def expected(sd):
    out = {}
    for name, t in sd.items():
        entry = {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}
        if t.dtype in (torch.float32, torch.float16, torch.bfloat16):
            bits = t.detach().float().contiguous().view(torch.int32).flatten().tolist()
            entry["f32_bits"] = [b & 0xFFFFFFFF for b in bits]
        elif t.dtype == torch.int64:
            entry["i64"] = [str(v) for v in t.flatten().tolist()]
        out[name] = entry
    return out


def members(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def write_zip(path, entries, zip64=False, deflate=False):
    """A minimal zip writer: stored (or deflated) members, optional zip64 records for every size and offset."""
    out = bytearray()
    central = bytearray()
    for name, data in entries:
        name_b = name.encode()
        crc = zlib.crc32(data)
        body = zlib.compress(data)[2:-4] if deflate else data
        method = 8 if deflate else 0
        offset = len(out)
        local_extra = struct.pack("<HHQQ", 1, 16, len(data), len(body)) if zip64 else b""
        small = 0xFFFFFFFF if zip64 else None
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if zip64 else 20, 0, method, 0, 0, crc,
                           small or len(body), small or len(data), len(name_b), len(local_extra))
        out += name_b + local_extra + body
        cd_extra = struct.pack("<HHQQQ", 1, 24, len(data), len(body), offset) if zip64 else b""
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45 if zip64 else 20, 45 if zip64 else 20, 0,
                               method, 0, 0, crc, small or len(body), small or len(data), len(name_b),
                               len(cd_extra), 0, 0, 0, 0, small or offset)
        central += name_b + cd_extra
    cd_offset = len(out)
    out += central
    if zip64:
        record = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(entries), len(entries),
                           len(central), cd_offset)
        out += struct.pack("<IIQI", 0x07064B50, 0, record, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    else:
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd_offset, 0)
    with open(path, "wb") as f:
        f.write(out)


def same(a, b):
    """Same names, dtypes, shapes, strides and bytes."""
    def raw(t):
        return t.detach().contiguous().flatten().view(torch.uint8)
    return list(a) == list(b) and all(a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and
                                      a[k].stride() == b[k].stride() and torch.equal(raw(a[k]), raw(b[k]))
                                      for k in a)


class Shell:
    def __reduce__(self):
        return (os.system, ("echo the pickle ran",))


def main():
    sd = dtypes_state_dict()
    torch.save(sd, "dtypes.pth")
    torch.save(module_state_dict(), "module.pth")
    torch.save(sd, "legacy.pth", _use_new_zipfile_serialization=False)
    torch.save({"weight": torch.ones(2), "hook": Shell()}, "os_system.pth")

    entries = members("dtypes.pth")
    write_zip("zip64.pth", entries, zip64=True)
    write_zip("deflated.pth", entries, deflate=True)
    # Big-endian: every storage's elements byte-swapped and byteorder "big".
    swapped = []
    with zipfile.ZipFile("dtypes.pth") as z:
        root = z.namelist()[0].split("/")[0]
    keys = storage_itemsizes(sd)
    for name, data in entries:
        if name == root + "/byteorder":
            data = b"big"
        elif name.startswith(root + "/data/"):
            size = keys[name.split("/")[-1]]
            data = b"".join(data[i:i + size][::-1] for i in range(0, len(data), size))
        swapped.append((name, data))
    write_zip("bigendian.pth", swapped)

    for path in ("zip64.pth", "bigendian.pth"):
        assert same(torch.load(path, weights_only=True), sd), path
    assert same(torch.load("dtypes.pth", weights_only=True), sd)
    with open("expected.json", "w") as f:
        json.dump({"dtypes": expected(sd), "module": expected(module_state_dict())}, f, indent=0, sort_keys=True)


def storage_itemsizes(sd):
    """storage key -> element size, from the pickle's persistent ids (tensors themselves are not rebuilt)."""
    out = {}
    import pickle

    class Probe(pickle.Unpickler):
        def find_class(self, module, name):
            if module == "torch" and name.endswith("Storage"):
                return name
            if (module, name) == ("collections", "OrderedDict"):
                return collections.OrderedDict
            return lambda *a, **k: None

        def persistent_load(self, pid):
            dtype = {"FloatStorage": 4, "HalfStorage": 2, "BFloat16Storage": 2, "LongStorage": 8,
                     "DoubleStorage": 8, "IntStorage": 4}[pid[1]]
            out[pid[2]] = dtype
            return None
    with zipfile.ZipFile("dtypes.pth") as z:
        root = z.namelist()[0].split("/")[0]
        import io
        Probe(io.BytesIO(z.read(root + "/data.pkl"))).load()
    return out


if __name__ == "__main__":
    main()
