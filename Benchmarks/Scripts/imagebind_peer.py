# SPDX-License-Identifier: Apache-2.0
"""The reference ImageBind in PyTorch beside `imagebind-report`: imagebind_huge shapes, random weights.

  python imagebind_peer.py [--threads 1,2] [--rounds 3] [--rounds8 2] [--only vision,audio,text]
  python imagebind_peer.py --save FILE.pth    (torch.save of the random state dict: a file shaped like
                                              imagebind_huge.pth, for `imagebind-report --load`)

Environment (its own venv; the reference pins packages that must not touch other environments):
  python3 -m venv ibenv && ibenv/bin/pip install torch==2.13.0+cpu
  ibenv/bin/pip install --no-deps imagebind-unofficial==0.1.1 torchvision==0.28.0 timm==1.0.31 iopath==0.1.10
  ibenv/bin/pip install numpy pillow ftfy regex einops portalocker tqdm "setuptools<81" pyyaml huggingface_hub

The model is the reference code's `imagebind_model.imagebind_huge(pretrained=False)` (its own random
initialisation; speed does not depend on values), in eval mode under `torch.inference_mode()`. Inputs are the
preprocessed tensors the reference's data loaders produce: images [B, 3, 224, 224], audio [B, 3, 1, 128, 204]
(three 2-second clips per file, averaged by the model), text [B, 77] token ids.

Milliseconds per item, median over rounds after one warm-up at batch 1 (batch 8: no warm-up, it follows batch 1).
One thread: the calling thread's CPU time (torch computes on it) and wall time; two threads: wall time and the
process's CPU time. Memory from /proc/self/status (MiB): RSS and peak (VmHWM) before loading, after loading, and
at the end.

Two import shims, neither on a numeric path: torchvision from PyPI is built against the CUDA torch, so its
compiled ops cannot load; the two op schemas torchvision registers fake kernels for are declared first (as in the
fixtures' imagebind_tiny.py). And `imagebind.data` (preprocessing, which needs torchaudio and pytorchvideo) is
replaced by an empty module: only the model code is used.
"""
import argparse
import glob
import importlib.util
import json
import os
import statistics
import time

import torch


def memory():
    out = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = round(int(value.split()[0]) / 1024)
    return out


def shim_torchvision():
    spec = importlib.util.find_spec("torchvision")
    sos = glob.glob(os.path.join(os.path.dirname(spec.origin), "_C*.so"))
    try:
        if sos:
            torch.ops.load_library(sos[0])
            return None
    except OSError:
        pass
    lib = torch.library.Library("torchvision", "DEF")
    lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    return lib


def shim_data_module():
    """`import imagebind` imports `imagebind.data` (the preprocessing: torchaudio, pytorchvideo, which this benchmark
    does not use); an empty module stands in for it so only the model code is imported."""
    import sys
    import types

    sys.modules.setdefault("imagebind.data", types.ModuleType("imagebind.data"))


def measure(body, items, runs, threads, warm):
    if warm:
        body()
    wall, cpu = [], []
    clock = time.thread_time if threads == 1 else time.process_time
    for _ in range(runs):
        c, t = clock(), time.perf_counter()
        body()
        cpu.append((clock() - c) * 1000 / items)
        wall.append((time.perf_counter() - t) * 1000 / items)
    return statistics.median(wall), statistics.median(cpu)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rounds8", type=int, default=2)
    ap.add_argument("--only", default="vision,audio,text")
    ap.add_argument("--save")
    args = ap.parse_args()
    keep = shim_torchvision()  # noqa: F841 (the library object must stay alive)
    shim_data_module()
    torch.set_num_threads(1)
    before = memory()
    from imagebind.models import imagebind_model
    from imagebind.models.imagebind_model import ModalityType

    torch.manual_seed(0)
    t = time.perf_counter()
    model = imagebind_model.imagebind_huge(pretrained=False).eval()
    load_s = time.perf_counter() - t
    loaded = memory()
    if args.save:
        torch.save(model.state_dict(), args.save)
        print(f"saved {args.save}")
        return
    print(f"# torch {torch.__version__}, imagebind_huge random init in {load_s:.1f} s, "
          f"{sum(p.numel() for p in model.state_dict().values())} elements")
    g = torch.Generator().manual_seed(1)
    inputs = {
        "vision": (ModalityType.VISION, lambda b: torch.randn(b, 3, 224, 224, generator=g)),
        "audio": (ModalityType.AUDIO, lambda b: torch.randn(b, 3, 1, 128, 204, generator=g)),
        "text": (ModalityType.TEXT, lambda b: torch.cat(
            [torch.full((b, 1), 49406), torch.randint(1, 49000, (b, 75), generator=g), torch.full((b, 1), 49407)],
            dim=1)),
    }
    rows = []
    print("| threads | tower | batch | ms/item wall | ms/item cpu |")
    print("|---|---|---:|---:|---:|")
    with torch.inference_mode():
        for threads in [int(x) for x in args.threads.split(",")]:
            torch.set_num_threads(threads)
            for name in args.only.split(","):
                key, make = inputs[name]
                for batch in (1, 8):
                    x = make(batch)
                    runs = args.rounds if batch == 1 else args.rounds8
                    wall, cpu = measure(lambda: model({key: x}), batch, runs, threads, warm=batch == 1)
                    rows.append(dict(threads=threads, tower=name, batch=batch, wall_ms=wall, cpu_ms=cpu))
                    print(f"| {threads} | {name} | {batch} | {wall:.1f} | {cpu:.1f} |", flush=True)
    end = memory()
    print(f"# memory MiB: before load rss {before['VmRSS']} peak {before['VmHWM']}; after load rss "
          f"{loaded['VmRSS']} peak {loaded['VmHWM']}; end rss {end['VmRSS']} peak {end['VmHWM']}")
    print(json.dumps({"rows": rows, "memory": {"before": before, "loaded": loaded, "end": end}, "load_s": load_s}))


if __name__ == "__main__":
    main()
