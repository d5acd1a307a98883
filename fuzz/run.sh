#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets with clang (build-fuzz/) and runs
# each for FUZZ_SECONDS (default 60) on its corpus, one after another. New
# inputs libFuzzer finds go to build-fuzz/corpus/<target> (fuzz/corpus/ is
# the seed set kept in git; copy an input there to keep it). A crash stops
# the run with libFuzzer's report and the input in build-fuzz/.
# Knobs: FUZZ_SECONDS, FUZZ_TARGETS ("request range ..."), FUZZ_JOBS.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-fuzz
seconds=${FUZZ_SECONDS:-60}
CXX=clang++ CC=clang cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWSP_FUZZ=ON -DWSP_INTEGRATION_TESTS=OFF >/dev/null
cmake --build "$build" -j "${FUZZ_JOBS:-$(nproc)}" --target fuzz_targets
targets=${FUZZ_TARGETS:-$(sed -n 's/^set(WSP_FUZZ_TARGETS \(.*\))$/\1/p' "$root/CMakeLists.txt")}
for t in $targets; do
  mkdir -p "$build/corpus/$t"
  echo "== $t: $seconds s"
  (cd "$build" && ./"${t}_fuzz" -max_total_time="$seconds" -print_final_stats=1 \
    -rss_limit_mb=2048 -timeout=10 "corpus/$t" "$root/fuzz/corpus/$t" 2>&1 |
    grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY)' || true)
  # libFuzzer exits non-zero on a crash; grep above hides its status.
  if compgen -G "$build/crash-*" >/dev/null || compgen -G "$build/leak-*" >/dev/null ||
    compgen -G "$build/timeout-*" >/dev/null; then
    echo "fuzz: $t found a failure: $(ls "$build"/crash-* "$build"/leak-* "$build"/timeout-* 2>/dev/null)"
    exit 1
  fi
done
echo "fuzz: no failure in $targets"
