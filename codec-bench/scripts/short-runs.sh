#!/usr/bin/env bash
# Whole-process time of `signcodec.jar encode` with and without the Vector API module, for 10^3 to
# 10^6 vectors (d = 384, correlated Gaussian), with the default (allocated, dense basis) codebook
# and the isotropic (structured) one. Median of 5 runs (10^6: of 3), the runs with and without the
# module alternating so that a drift of the machine hits both. Needs python3 with numpy
# for the data (1.5 GiB for 10^6) and codec-cli/target/signcodec.jar. Not part of CI.
#   bash codec-bench/scripts/short-runs.sh [DIR]
set -euo pipefail
jar="$(cd "$(dirname "$0")/../.." && pwd)/codec-cli/target/signcodec.jar"
dir="${1:-${TMPDIR:-/tmp}/signcodec-short-runs}"
reps=5
mkdir -p "$dir" && cd "$dir"
python3 - <<'PY'
import os, numpy as np
rng = np.random.default_rng(1)
d = 384
mix = rng.standard_normal((d, d)).astype(np.float32) / np.sqrt(d)
for n in (1000, 10000, 100000, 1000000):
    name = f"v{n}.fvecs"
    if os.path.exists(name):
        continue
    with open(name, "wb") as f:
        for part in range(max(1, n // 100000)):
            m = min(n, 100000)
            x = rng.standard_normal((m, d)).astype(np.float32) @ mix
            head = np.full((m, 1), d, dtype=np.int32).view(np.float32)
            np.hstack([head, x]).astype(np.float32).tofile(f)
PY
[ -f default.sgncb ] || java -jar "$jar" train --input v10000.fvecs --out default.sgncb --rate 1 >/dev/null
[ -f isotropic.sgncb ] || java -jar "$jar" train --input v10000.fvecs --out isotropic.sgncb --rate 1 --isotropic >/dev/null
echo "| codebook | vectors | without the module (s) | with --add-modules jdk.incubator.vector (s) | ratio |"
echo "|---|---|---|---|---|"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for cb in default isotropic; do
  for n in 1000 10000 100000 1000000; do
    r=$reps; [ "$n" = 1000000 ] && r=3
    plain=(); flagged=()
    for _ in $(seq "$r"); do
      for flag in "" "--add-modules jdk.incubator.vector"; do
        s=$(date +%s.%N)
        # shellcheck disable=SC2086
        java $flag -jar "$jar" encode --codebook "$cb.sgncb" --input "v$n.fvecs" --out out.sgn >/dev/null 2>&1
        t=$(echo "$(date +%s.%N) - $s" | bc)
        if [ -z "$flag" ]; then plain+=("$t"); else flagged+=("$t"); fi
      done
    done
    a=$(median "${plain[@]}"); b=$(median "${flagged[@]}")
    printf '| %s | %s | %.2f | %.2f | %.2f |\n' "$cb" "$n" "$a" "$b" "$(echo "$b / $a" | bc -l)"
  done
done
