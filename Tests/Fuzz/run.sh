#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Builds one libFuzzer harness and runs it.
#
#   Tests/Fuzz/run.sh DECODER [EXECUTIONS] [libFuzzer options...]
#
# DECODER: png jpeg gif bmp pnm wav flac y4m avi mp4 clip pytorch. EXECUTIONS defaults to 1000000.
# Seeds come from Tests/MediaDecodingTests/Fixtures (including Fixtures/fuzz/, the regression inputs), from
# Tests/Fuzz/seeds/ and, when MMRAG_FIXTURES is set, from $MMRAG_FIXTURES/media (the pytorch harness: from
# Tests/EmbeddingTests/Fixtures/pytorch and $MMRAG_FIXTURES/models). Everything is written
# under .build/fuzz/ (or $FUZZ_WORK): the instrumented library, the harness binary, the corpus and crashes.
set -euo pipefail

if [[ $# -lt 1 ]]; then
    sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
decoder=$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')
runs=${2:-1000000}
shift $(($# < 2 ? $# : 2))

case $decoder in
    png) harness=FuzzPNG; extensions="png" ;;
    jpeg) harness=FuzzJPEG; extensions="jpg jpeg" ;;
    gif) harness=FuzzGIF; extensions="gif" ;;
    bmp) harness=FuzzBMP; extensions="bmp" ;;
    pnm) harness=FuzzPNM; extensions="ppm pgm pnm" ;;
    wav) harness=FuzzWAV; extensions="wav" ;;
    flac) harness=FuzzFLAC; extensions="flac" ;;
    y4m) harness=FuzzY4M; extensions="y4m" ;;
    avi) harness=FuzzAVI; extensions="avi" ;;
    mp4) harness=FuzzMP4; extensions="mp4 mov m4v" ;;
    clip) harness=FuzzClip; extensions="png jpg jpeg gif bmp ppm pgm" ;;
    pytorch) harness=FuzzPyTorch; extensions="pth pt bin" ;;
    *) echo "unknown decoder '$decoder'" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${FUZZ_WORK:-$root/.build/fuzz}
mkdir -p "$work/lib" "$work/bin" "$work/seeds/$decoder" "$work/corpus/$decoder" "$work/artifacts/$decoder"

# The module's settings from Package.swift, minus SwiftPM's own flags.
flags=(
    -sanitize=fuzzer,address -parse-as-library -O -swift-version 6
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
    -enable-upcoming-feature MemberImportVisibility -enable-upcoming-feature NonisolatedNonsendingByDefault
    -strict-memory-safety
)
linker=()
if command -v ld.lld > /dev/null; then linker=(-use-ld=lld); fi

# 1. The code under test, instrumented, as a static library (rebuilt when a source is newer than it):
#    MediaDecoding for the decoders; for pytorch, the PyTorch checkpoint reader's files of Embedding (they
#    depend on nothing else in the module), compiled as a module named Embedding.
if [[ $decoder == pytorch ]]; then
    module=Embedding
    source_root="$root/Sources/Embedding"
    sources=()
    for file in EmbeddingError.swift Kernels/LocalFile.swift Safetensors/SafetensorsDType.swift \
        Safetensors/Kernels/TensorElements.swift PyTorch/ZipDirectory.swift PyTorch/PickleOpcode.swift \
        PyTorch/StateDictUnpickler.swift PyTorch/PyTorchTensorInfo.swift PyTorch/PyTorchCheckpointFile.swift; do
        sources+=("$source_root/$file")
    done
    support=()
    seed_roots=("$root/Tests/EmbeddingTests/Fixtures/pytorch")
    if [[ -n ${MMRAG_FIXTURES:-} && -d $MMRAG_FIXTURES/models ]]; then seed_roots+=("$MMRAG_FIXTURES/models"); fi
else
    module=MediaDecoding
    source_root="$root/Sources/MediaDecoding"
    sources=()
    while IFS= read -r -d '' file; do sources+=("$file"); done \
        < <(find "$source_root" -name '*.swift' -print0 | sort -z)
    support=("$here/FuzzSupport.swift")
    seed_roots=("$root/Tests/MediaDecodingTests/Fixtures")
    if [[ -n ${MMRAG_FIXTURES:-} && -d $MMRAG_FIXTURES/media ]]; then seed_roots+=("$MMRAG_FIXTURES/media"); fi
fi
library="$work/lib/lib$module.a"
newer=$(find "${sources[@]}" -newer "$library" 2> /dev/null || true)
if [[ ! -f $library ]] || [[ -n $newer ]]; then
    echo "building instrumented $module (about a minute)" >&2
    swiftc "${flags[@]}" -module-name "$module" -package-name multimodal_rag \
        -emit-module -emit-module-path "$work/lib/$module.swiftmodule" \
        -emit-library -static -o "$library" "${sources[@]}"
fi

# 2. The harness, linked against it.
binary="$work/bin/$harness"
if [[ ! -f $binary ]] || [[ $library -nt $binary ]] || [[ $here/$harness.swift -nt $binary ]] \
    || [[ $here/FuzzSupport.swift -nt $binary ]]; then
    swiftc "${flags[@]}" "${linker[@]}" -I "$work/lib" -L "$work/lib" "-l$module" \
        "${support[@]}" "$here/$harness.swift" -o "$binary"
fi

# 3. Seeds: fixture files with a matching extension (under 256 KiB), the regression inputs and the small seeds
#    in Tests/Fuzz/seeds/.
for seed_root in "${seed_roots[@]}"; do
    for extension in $extensions; do
        find "$seed_root" -type f -iname "*.$extension" -size -256k -exec cp -f -t "$work/seeds/$decoder" {} +
    done
done
find "$root/Tests/MediaDecodingTests/Fixtures/fuzz" "$here/seeds" -type f -name "$decoder-*" \
    -exec cp -f -t "$work/seeds/$decoder" {} + 2> /dev/null || true
echo "seeds: $(find "$work/seeds/$decoder" -type f | wc -l) files in $work/seeds/$decoder" >&2

# 4. Fuzz. The Swift runtime's backtracer is turned off: it would inspect the crashed process under ASan and
# bury the trap in a spurious "unknown-crash" report; libFuzzer's own handler prints the stack instead.
export SWIFT_BACKTRACE=enable=no
# New inputs go to corpus/, crashes to artifacts/ (replay one: "$binary" FILE).
exec "$binary" "$work/corpus/$decoder" "$work/seeds/$decoder" \
    -runs="$runs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/$decoder/" "$@"
