#!/usr/bin/env bash
# Cron scheduling of the panel against busybox crond, same machine, same run.
#
# Each side gets 10,000 jobs: 9,500 that are not due during the run and 500
# due at the same minute. Every job is the trivial command
# `date +%s%N >> starts` (as cheap as `true`, and it records when it really
# started). Prints, for each side, the start lag behind the scheduled second
# (p50, p99) and the CPU used over an idle minute with the 10,000 jobs
# loaded, then the ratios panel/peer. Targets for the panel: p99 < 1 s, idle
# CPU < 1 %.
#
# Knobs (environment): WSP_BIN, JOBS (10000), DUE (500), IDLE_SECONDS (60),
# PEER (1; 0 skips busybox crond), PANEL_CONFIG (extra "key=value" settings
# for the panel, space-separated, e.g. "cron.max_parallel_runs=64").
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$bench_root
bench_deps
bench_begin

bin=${WSP_BIN:-$root/build/wispanel}
JOBS=${JOBS:-10000}
DUE=${DUE:-500}
IDLE_SECONDS=${IDLE_SECONDS:-60}
PEER=${PEER:-1}
[[ -x $bin ]] || die "panel binary not found at $bin; build it first"
for tool in python3 sqlite3 busybox; do command -v $tool >/dev/null || die "$tool not found"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-bench-cron.XXXXXX")
# The accounts (own uids in sandbox mode) must pass through to their homes.
chmod 711 "$tmp"
panel_pid=
peer_pid=
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  stop_pid "$panel_pid"
  stop_pid "$peer_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT

clk_tck=$(getconf CLK_TCK)

# The first minute boundary at least 25 s away; prints "epoch minute hour".
next_target() {
  python3 - <<'PY'
import time
t = (int(time.time()) + 25) // 60 * 60 + 60
lt = time.localtime(t)
print(t, lt.tm_min, lt.tm_hour)
PY
}

# Lags (ms) from a file of "nanoseconds" lines against the target second.
lag_report() {  # file target label
  python3 - "$1" "$2" "$3" <<'PY'
import sys
path, target, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lags = sorted(int(l) / 1e6 - target * 1000 for l in open(path) if l.strip())
if not lags:
    print(f"{label} no run started"); sys.exit(0)
p = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))]
print(f"{label} runs: {len(lags)}  lag p50: {p(0.50):.0f} ms  p99: {p(0.99):.0f} ms")
open(path + ".p99", "w").write(f"{p(0.99):.3f}")
PY
}

idle_cpu() {  # pid label
  local before after
  before=$(cpu_ticks "$1")
  sleep "$IDLE_SECONDS"
  after=$(cpu_ticks "$1")
  python3 -c "print(f'$2 idle CPU over ${IDLE_SECONDS} s: {($after - $before) / $clk_tck / $IDLE_SECONDS * 100:.3f} %')"
  python3 -c "print(($after - $before) / $clk_tck / $IDLE_SECONDS * 100)" > "$tmp/$2.cpu"
}

# --- the panel ---------------------------------------------------------------
port=$(free_port)
extra=()
for kv in ${PANEL_CONFIG:-}; do extra+=(-c "$kv"); done
"$bin" serve --data-dir "$tmp/panel" --listen "127.0.0.1:$port" -c server.tls=false \
  -c rate_limit.requests_per_minute=100000000 -c auth.account_requests_per_minute=0 -c rate_limit.session_requests_per_minute=0 -c server.access_log=false -c log.level=warn \
  "${extra[@]}" >"$tmp/panel.log" 2>&1 &
panel_pid=$!
for _ in $(seq 100); do [[ -s $tmp/panel/initial-admin-password ]] && curl -sf "127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done

read -r target minute hour < <(next_target)
echo "creating $JOBS jobs ($DUE due at $(date -d "@$target" +%H:%M:%S))..."
created=$(python3 - "$port" "$tmp/panel/initial-admin-password" "$JOBS" "$DUE" "$minute" "$hour" <<'PY'
import http.client, json, sys, time
port, pwfile, jobs, due, minute, hour = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
c = http.client.HTTPConnection("127.0.0.1", int(port))
c.request("POST", "/api/v1/auth/login", json.dumps({"username": "admin", "password": open(pwfile).read().strip()}))
token = json.loads(c.getresponse().read())["token"]
h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
start = time.time()
for i in range(jobs):
    expr = f"{minute} {hour} * * *" if i < due else "0 3 1 1 *"
    body = {"name": f"job{i}", "command": "date +%s%N >> starts", "cron_expr": expr}
    c.request("POST", "/api/v1/cronjobs", json.dumps(body), h)
    r = c.getresponse(); r.read()
    if r.status != 201: sys.exit(f"create failed: {r.status}")
print(f"{time.time() - start:.1f}")
PY
)
echo "panel: $JOBS jobs created over the API in $created s"
now=$(date +%s)
(( now < target )) || die "creating the jobs took past the target minute; lower JOBS"
sleep $((target - now + 10))
starts=$tmp/panel/home/admin/starts
lag_report "$starts" "$target" "panel"
echo "panel recorded runs: $(sqlite3 "$tmp/panel/panel.db" "SELECT COUNT(*) FROM cron_runs WHERE trigger='schedule' AND ok=1")"
idle_cpu "$panel_pid" panel
echo "panel RSS with $JOBS jobs: $(awk '/VmRSS/{printf "%.1f MB", $2/1024}' /proc/$panel_pid/status)"
stop_pid "$panel_pid"; panel_pid=

# --- the peer: busybox crond ----------------------------------------------------
if [[ $PEER == 1 ]]; then
  mkdir -p "$tmp/crontabs"
  read -r target minute hour < <(next_target)
  python3 - "$tmp" "$JOBS" "$DUE" "$minute" "$hour" <<'PY'
import sys
tmp, jobs, due, minute, hour = sys.argv[1], *map(int, sys.argv[2:])
with open(f"{tmp}/crontabs/root", "w") as f:
    for i in range(jobs):
        when = f"{minute} {hour} * * *" if i < due else "0 3 1 1 *"
        f.write(f"{when} date +\\%s\\%N >> {tmp}/peer-starts\n")
PY
  busybox crond -f -l 8 -c "$tmp/crontabs" >"$tmp/crond.log" 2>&1 &
  peer_pid=$!
  now=$(date +%s)
  sleep $((target - now + 10))
  lag_report "$tmp/peer-starts" "$target" "crond"
  idle_cpu "$peer_pid" crond
  python3 - "$tmp" <<'PY'
import sys
t = sys.argv[1]
try:
    pl, cl = float(open(f"{t}/panel/home/admin/starts.p99").read()), float(open(f"{t}/peer-starts.p99").read())
    print(f"ratio lag p99 panel/crond: {pl / cl:.2f} (lower is better)" if cl > 0 else "ratio lag p99: crond p99 is 0")
except (OSError, ValueError):
    print("ratio lag p99: n/a")
pc, cc = float(open(f"{t}/panel.cpu").read()), float(open(f"{t}/crond.cpu").read())
print(f"ratio idle CPU panel/crond: {pc / cc:.2f}" if cc > 0 else f"ratio idle CPU: crond used 0 ticks (panel {pc:.3f} %)")
PY
fi
python3 - "$tmp" <<'PY'
import sys
t = sys.argv[1]
try:
    p99 = float(open(f"{t}/panel/home/admin/starts.p99").read())
    print(f"target p99 < 1000 ms: {'met' if p99 < 1000 else 'MISSED'}")
except (OSError, ValueError):
    print("target p99 < 1000 ms: MISSED (no runs)")
cpu = float(open(f"{t}/panel.cpu").read())
print(f"target idle CPU < 1 %: {'met' if cpu < 1 else 'MISSED'}")
PY
bench_end
