#!/usr/bin/env bash
# Whole-process timings and peak memory, for the README's Performance
# section. Needs hyperfine and GNU time (/usr/bin/time); systemd-detect-virt
# is compared when present. Run from the repository root:
#
#   bash benches/hyperfine.sh [OUT_DIR]
#
# It builds the release binary, generates catalogs of 1k, 10k and 100k
# products (100k as ten files of 10k, since one file is capped at 16 MiB)
# with examples/gen_catalog.rs, and writes Markdown tables to OUT_DIR
# (default: target/perf).
set -euo pipefail

out=${1:-target/perf}
mkdir -p "$out"
cargo build --release --quiet --bin hvkb --example gen_catalog
hvkb=target/release/hvkb
gen=target/release/examples/gen_catalog

"$gen" 1000 > "$out/1k.toml"
"$gen" 10000 > "$out/10k.toml"
shards=()
for i in $(seq 0 9); do
    "$gen" 10000 "s$i" > "$out/100k-$i.toml"
    shards+=(--catalog "$out/100k-$i.toml")
done

# The built-in catalog against systemd-detect-virt.
# systemd-detect-virt exits 1 when it finds no hypervisor, hence `-i`.
builtin=("$hvkb list" "$hvkb explain kvm" "$hvkb debate --format json" "$hvkb detect")
if command -v systemd-detect-virt > /dev/null; then
    builtin+=("systemd-detect-virt")
fi
hyperfine -N -i --warmup 5 --export-markdown "$out/builtin.md" "${builtin[@]}"

# Each size: list, explain of the last delegating product, the debate matrix.
for size in 1k 10k 100k; do
    if [ "$size" = 100k ]; then
        cat=("${shards[@]}")
        last=s9-9995
    else
        cat=(--catalog "$out/$size.toml")
        last=syn-$(( ${size%k} * 1000 - 5 ))
    fi
    hyperfine -N --warmup 1 --runs 5 --export-markdown "$out/$size.md" \
        -n "list $size" "$hvkb ${cat[*]} list" \
        -n "explain $size" "$hvkb ${cat[*]} explain $last" \
        -n "debate json $size" "$hvkb ${cat[*]} debate --format json"
    for cmd in "list" "explain $last" "debate --format json"; do
        # shellcheck disable=SC2086
        /usr/bin/time -f "$size $cmd: %M KiB peak" $hvkb "${cat[@]}" $cmd > /dev/null
    done 2>&1 | tee -a "$out/memory.txt"
done
echo "tables in $out"
