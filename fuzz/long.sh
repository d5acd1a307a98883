#!/usr/bin/env bash
# The long libFuzzer runs (docs/reliability.md "Fuzzing"): each target runs
# until it has used FUZZ_CPU_SECONDS of CPU (default 3600, an hour), not of
# wall time, so a run beside builds is still an hour of fuzzing. Targets run
# FUZZ_PARALLEL at a time (default 2) at nice 19, so they take only the CPU
# nothing else wants. Each resumes from and adds to build-fuzz/corpus/<t>.
# Output: build-fuzz/long/<t>.log (libFuzzer's own) and one summary line per
# target in build-fuzz/long/summary.txt. Exits 1 if any target failed.
# Knobs: FUZZ_CPU_SECONDS, FUZZ_PARALLEL, FUZZ_TIMEOUT, FUZZ_TARGETS ("request range ...").
set -euo pipefail
shopt -s extglob
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-fuzz
budget=${FUZZ_CPU_SECONDS:-3600}
parallel=${FUZZ_PARALLEL:-2}
# libFuzzer's per-input timeout is wall time: at nice 19 beside a build an
# input can wait seconds for a core, so 10 s (run.sh's) would report slow
# scheduling as a hang. A real hang still trips 60 s.
timeout=${FUZZ_TIMEOUT:-60}
FUZZ_SECONDS=0 FUZZ_TARGETS=" " bash "$root/fuzz/run.sh" >/dev/null
targets=${FUZZ_TARGETS:-$(sed -n 's/^set(WSP_FUZZ_TARGETS \(.*\))$/\1/p' "$root/CMakeLists.txt")}
out=$build/long
mkdir -p "$out"
touch "$out/summary.txt"
before=$(wc -l <"$out/summary.txt")
ticks=$(getconf CLK_TCK)

cpu_seconds() { # utime + stime of one process, fields 14 and 15 after the ")"
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || {
    echo -1
    return
  }
  stat=${stat##*) }
  read -r -a f <<<"$stat"
  echo $(((f[11] + f[12]) / ticks))
}

# One target: libFuzzer with no wall limit of its own (a day), stopped by
# SIGINT once its CPU reaches the budget; libFuzzer prints its final stats.
run_one() {
  local t=$1 log=$out/$1.log started pid cpu=0 rc=0
  mkdir -p "$build/corpus/$t"
  started=$(date +%s)
  (cd "$build" && exec nice -n 19 ./"${t}_fuzz" -max_total_time=86400 -print_final_stats=1 \
    -rss_limit_mb=2048 -timeout="$timeout" -artifact_prefix="$out/$t-" \
    "corpus/$t" "$root/fuzz/corpus/$t") >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    cpu=$(cpu_seconds "$pid")
    ((cpu >= budget)) && kill -INT "$pid"
    sleep 5
  done
  wait "$pid" || rc=$?
  local execs found
  execs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log" | tail -1)
  # Failures only: crash, timeout, oom, leak. A slow unit (libFuzzer's
  # -report_slow_units, 10 s of wall time) is listed apart: at nice 19, or
  # with the fuzzer paused for a quiet benchmark, wall time is not the
  # input's; replay it (./<t>_fuzz FILE prints its time) before calling it
  # slow. A merge's control file (<t>-merge.log) is neither.
  found=$(compgen -G "$out/$t-@(crash|timeout|oom|leak)-*" | tr '\n' ' ' || true)
  slow=$(compgen -G "$out/$t-slow-unit-*" | wc -l || true)
  printf '%s start=%s wall=%ss cpu>=%ss execs=%s corpus=%s rc=%s slow_units=%s %s\n' "$t" \
    "$(date -u -d "@$started" +%FT%TZ)" $(($(date +%s) - started)) "$cpu" "${execs:-?}" \
    "$(find "$build/corpus/$t" -type f | wc -l)" "$rc" "$slow" "${found:-no failure}" \
    >>"$out/summary.txt"
}

for t in $targets; do
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
  run_one "$t" &
done
wait
tail -n +"$((before + 1))" "$out/summary.txt"
! tail -n +"$((before + 1))" "$out/summary.txt" | grep -vq 'no failure$'
