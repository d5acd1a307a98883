#!/usr/bin/env bash
# The panel at scale (issue 24): 10,000 accounts, 50,000 database records,
# 50,000 FTP accounts and 100,000 cron jobs in its store. Prints
#   - start-up to healthy: from exec to GET /health answering status "ok"
#     (target < 3 s), and to its first answer;
#   - p50/p95 of an admin paging GET /users, /databases, /ftp/, /cronjobs/
#     (random pages of PER_PAGE; target p95 < 50 ms per page);
#   - p50/p95 of a customer listing its own databases, FTP accounts and
#     cron jobs (whole lists; target p95 < 10 ms);
#   - the panel's RSS after the run (target < 64 MB) and its peak (VmHWM).
#
# How the store is built: the real binary makes and migrates a data dir
# (and, in a first serve, MariaDB's datadir), then a Python/sqlite3 script
# writes the rows straight into panel.db (users, their sandbox uids and
# homes when run as root, databases, FTP accounts, cron jobs). The records
# need not exist in MariaDB; the FTP server's own accounts file is rebuilt
# from the store by the panel at every start, so it is not written here.
# Cron jobs are due on 1 January only, so none runs during the bench.
#
# Knobs (environment): WSP_BIN, ACCOUNTS (10000), DBS_PER (5), FTP_PER (5),
# CRON_PER (10), PER_PAGE (100), REQUESTS (200 per list), PERF (0; 1:
# `perf record -g` of the panel while the lists are measured, report in
# $PERF_OUT, default /tmp/wsp-scale.perf.data), KEEP (0; 1 keeps the data
# dir), SKIP_DEPS (0).
set -euo pipefail

BENCH_NAME=bench/scale
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$bench_root
bench_deps

bin=${WSP_BIN:-$root/build/wispanel}
ACCOUNTS=${ACCOUNTS:-10000}
DBS_PER=${DBS_PER:-5}
FTP_PER=${FTP_PER:-5}
CRON_PER=${CRON_PER:-10}
PER_PAGE=${PER_PAGE:-100}
REQUESTS=${REQUESTS:-200}
PERF=${PERF:-0}
PERF_OUT=${PERF_OUT:-/tmp/wsp-scale.perf.data}
for knob in ACCOUNTS DBS_PER FTP_PER CRON_PER PER_PAGE REQUESTS; do
  [[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a non-negative integer, got '${!knob}'"
done
((ACCOUNTS >= 1 && PER_PAGE >= 1 && PER_PAGE <= 1000 && REQUESTS >= 1)) ||
  die "ACCOUNTS and REQUESTS must be >= 1, PER_PAGE 1..1000"
[[ -x $bin ]] || die "panel binary not found at $bin; build it first"
for tool in python3 curl; do command -v $tool >/dev/null || die "$tool not found"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-bench-scale.XXXXXX")
chmod 711 "$tmp"
data=$tmp/panel
panel_pid=
perf_pid=
# shellcheck disable=SC2317  # the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$perf_pid"
  stop_pid "$panel_pid"
  if [[ ${KEEP:-0} == 1 ]]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_begin

port=$(free_port)
serve_args=(serve --data-dir "$data" --listen "127.0.0.1:$port" -c server.tls=false
  -c server.access_log=false -c log.level=warn -c pma.enabled=false
  -c auth.account_requests_per_minute=100000000
  -c "ftp.port=$(free_port)" -c "ftp.sftp_port=$(free_port)" -c "mariadb.port=$(free_port)"
  -c "pma.port=$(free_port)")

# health_ok: exit 0 once GET /health says status "ok".
health_ok() {
  curl -sf --max-time 1 "http://127.0.0.1:$port/api/v1/health" 2>/dev/null |
    python3 -c 'import json, sys; sys.exit(0 if json.load(sys.stdin).get("status") == "ok" else 1)' 2>/dev/null
}

# --- 1. a data dir the real binary made and migrated ------------------------
mkdir -m 700 "$data"
admin_key=$("$bin" key create admin --data-dir "$data" --name bench --permissions all \
  --rate-limit 0 2>"$tmp/key.log" | awk 'NF { last = $0 } END { print last }')
[[ $admin_key == wsp_* ]] || die "key create failed: $(cat "$tmp/key.log")"
# A first serve sets up what an empty data dir lacks (MariaDB's datadir,
# TLS and FTP keys), so the timed start below is an ordinary restart.
echo "first start (MariaDB's datadir is made once)..."
"$bin" "${serve_args[@]}" >"$tmp/first.log" 2>&1 &
panel_pid=$!
for ((i = 0; i < 1200; i++)); do
  kill -0 "$panel_pid" 2>/dev/null || die "the first start failed: $(tail -20 "$tmp/first.log")"
  health_ok && break
  sleep 0.1
done
health_ok || die "the first start never became healthy: $(tail -20 "$tmp/first.log")"
stop_pid "$panel_pid"
panel_pid=

# --- 2. the rows, straight into panel.db --------------------------------------
echo "writing $ACCOUNTS accounts, $((ACCOUNTS * DBS_PER)) databases, $((ACCOUNTS * FTP_PER)) FTP accounts, $((ACCOUNTS * CRON_PER)) cron jobs..."
t0=$(date +%s.%N)
python3 - "$data" "$ACCOUNTS" "$DBS_PER" "$FTP_PER" "$CRON_PER" <<'PY'
import os, sqlite3, sys, time
data, accounts, dbs_per, ftp_per, cron_per = sys.argv[1], *map(int, sys.argv[2:])
db = sqlite3.connect(os.path.join(data, "panel.db"))
db.execute("PRAGMA foreign_keys = ON")
now = int(time.time())
admin_hash = db.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchone()[0]
names = [f"u{i:05d}" for i in range(1, accounts + 1)]
root = os.geteuid() == 0
has_uids = db.execute(
    "SELECT 1 FROM sandbox_uids WHERE account = 'admin'").fetchone() is not None
with db:
    db.executemany(
        "INSERT INTO users(username, email, password_hash, role, status, creator, package, "
        "created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?)",
        ((n, n + "@example.com", admin_hash, "user", "active", "", "default", now, now)
         for n in names))
    if has_uids:
        first = db.execute("SELECT COALESCE(MAX(uid), 0) + 1 FROM sandbox_uids").fetchone()[0]
        db.executemany("INSERT INTO sandbox_uids(uid, account, created_at) VALUES(?,?,?)",
                       ((first + i, n, now) for i, n in enumerate(names)))
    db.executemany(
        "INSERT INTO databases(name, db_user, owner, created_at) VALUES(?,?,?,?)",
        ((f"{n}_db{j}", f"{n}_db{j}", n, now) for n in names for j in range(1, dbs_per + 1)))
    # A crypt(3) hash no password matches: nobody logs in with these.
    db.executemany(
        "INSERT INTO ftp_accounts(username, owner, password_hash, created_at, updated_at) "
        "VALUES(?,?,?,?,?)",
        ((f"{n}_ftp{j}", n, "!", now, now) for n in names for j in range(1, ftp_per + 1)))
    db.executemany(
        "INSERT INTO cron_jobs(owner, name, command, cron_expr, created_at, updated_at) "
        "VALUES(?,?,?,?,?,?)",
        ((n, f"job{j}", "/usr/bin/true", f"{j % 60} 3 1 1 *", now, now)
         for n in names for j in range(1, cron_per + 1)))
# Homes: 0750, owned by the account's uid when the panel runs as root.
uids = dict(db.execute("SELECT account, uid FROM sandbox_uids WHERE account IS NOT NULL"))
homes = os.path.join(data, "home")
for n in names:
    h = os.path.join(homes, n)
    os.mkdir(h, 0o750)
    if root and n in uids:
        os.chown(h, uids[n], uids[n])
db.close()
PY
t1=$(date +%s.%N)
python3 -c "print(f'rows written in {$t1 - $t0:.1f} s')"
customer=u$(printf '%05d' $(((ACCOUNTS + 1) / 2)))
customer_key=$("$bin" key create "$customer" --data-dir "$data" --name bench --permissions all \
  --rate-limit 0 2>"$tmp/key.log" | awk 'NF { last = $0 } END { print last }')
[[ $customer_key == wsp_* ]] || die "key create $customer failed: $(cat "$tmp/key.log")"

# --- 3. the timed start ---------------------------------------------------------
t0=$(date +%s.%N)
"$bin" "${serve_args[@]}" >"$tmp/panel.log" 2>&1 &
panel_pid=$!
first_answer=
for ((i = 0; i < 3000; i++)); do
  kill -0 "$panel_pid" 2>/dev/null || die "the panel exited at start: $(tail -20 "$tmp/panel.log")"
  if [[ -z $first_answer ]] && curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/api/v1/health"; then
    first_answer=$(date +%s.%N)
  fi
  health_ok && break
  sleep 0.02
done
t1=$(date +%s.%N)
health_ok || die "the panel did not become healthy in 60 s: $(tail -20 "$tmp/panel.log")"
# Listening and healthy between two probes: its first answer was "ok".
[[ -n $first_answer ]] || first_answer=$t1
startup=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
echo "start-up: first answer after $(python3 -c "print(f'{$first_answer - $t0:.2f}')") s, healthy after $startup s (target < 3 s)$(python3 -c "print('' if $startup < 3 else '  MISSED')")"

if [[ $PERF == 1 ]]; then
  command -v perf >/dev/null || die "perf not found"
  perf record -g -o "$PERF_OUT" -p "$panel_pid" >"$tmp/perf.log" 2>&1 &
  perf_pid=$!
  sleep 0.5
fi

# --- 4. the lists -----------------------------------------------------------------
python3 - "$port" "$admin_key" "$customer_key" "$ACCOUNTS" "$DBS_PER" "$FTP_PER" "$CRON_PER" \
  "$PER_PAGE" "$REQUESTS" <<'PY'
import http.client, json, random, sys, time
port, admin, customer = sys.argv[1], sys.argv[2], sys.argv[3]
accounts, dbs_per, ftp_per, cron_per, per_page, requests = map(int, sys.argv[4:])
random.seed(24)
conn = http.client.HTTPConnection("127.0.0.1", int(port))

def get(path, key):
    t = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": "Bearer " + key})
    r = conn.getresponse()
    body = r.read()
    ms = (time.perf_counter() - t) * 1000
    if r.status != 200:
        sys.exit(f"GET {path}: {r.status} {body[:300]!r}")
    return ms, r, body

def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]

failed = False
def report(label, times, target):
    global failed
    p50, p95 = pct(times, 0.50), pct(times, 0.95)
    missed = p95 >= target
    failed |= missed
    print(f"{label:<34} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  (target p95 < {target} ms)"
          + ("  MISSED" if missed else ""))

totals = {"/api/v1/users": accounts + 1, "/api/v1/databases": accounts * dbs_per,
          "/api/v1/ftp/": accounts * ftp_per, "/api/v1/cronjobs/": accounts * cron_per}
print(f"admin, random pages of {per_page} ({requests} requests per list):")
for path, total in totals.items():
    pages = max(1, (total + per_page - 1) // per_page)
    get(f"{path}?page=1&per_page={per_page}", admin)  # warm-up
    times = []
    for _ in range(requests):
        page = random.randint(1, pages)
        ms, r, body = get(f"{path}?page={page}&per_page={per_page}", admin)
        if r.getheader("X-Total-Count") != str(total):
            sys.exit(f"{path}: X-Total-Count {r.getheader('X-Total-Count')}, expected {total}")
        times.append(ms)
    report(f"  GET {path}", times, 50)
print(f"customer, its whole lists ({requests} requests per list):")
for path, n in (("/api/v1/databases", dbs_per), ("/api/v1/ftp/", ftp_per),
                ("/api/v1/cronjobs/", cron_per)):
    get(path, customer)
    times = []
    for _ in range(requests):
        ms, r, body = get(path, customer)
        items = json.loads(body)
        items = items["accounts"] if isinstance(items, dict) else items
        if len(items) != n:
            sys.exit(f"{path}: {len(items)} items for the customer, expected {n}")
        times.append(ms)
    report(f"  GET {path}", times, 10)
PY

if [[ -n $perf_pid ]]; then
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" 2>/dev/null || true
  perf_pid=
  echo "perf profile: $PERF_OUT (perf report -i $PERF_OUT --no-children)"
fi
awk '/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 } END {
  printf "panel RSS after the run: %.1f MB (target < 64 MB)%s; peak %.1f MB\n", rss / 1024,
    rss / 1024 < 64 ? "" : "  MISSED", hwm / 1024 }' "/proc/$panel_pid/status"
bench_end
