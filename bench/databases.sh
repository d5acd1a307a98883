#!/usr/bin/env bash
# Databases: the panel's API against the plain `mariadb` client, same
# server, same machine, same run.
#
# 1. Creates and drops N (200) databases with users through the API
#    (POST /databases, DELETE /databases/{id}; one keep-alive HTTP client, tests/attack/corpus.py).
# 2. Runs the same statements the panel runs (CREATE DATABASE, CREATE USER,
#    GRANT; DROP USER, DROP DATABASE) through one `mariadb` client session,
#    one statement at a time, against the same private server.
# 3. Prints both times and the ratio API/client (target <= 1.2, issue 24) and
#    the queries the server received per create+drop from each, then lists
#    LIST_N (500) databases with sizes through the API (target < 100 ms).
#
# Knobs (environment): WSP_BIN, N, LIST_N.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$bench_root
bench_deps
bench_begin

bin=${WSP_BIN:-$root/build/wispanel}
N=${N:-200}
LIST_N=${LIST_N:-500}
[[ -x $bin ]] || { echo "bench: $bin not found; run 'make build' first" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-bench-db.XXXXXX")
chmod 0711 "$tmp"
panel_pid=
# shellcheck disable=SC2317  # the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$panel_pid" 30  # the panel stops its MariaDB first
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

read -r http_port db_port pma_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

"$bin" serve --data-dir "$tmp/data" --listen "127.0.0.1:$http_port" \
  -c server.tls=false -c server.access_log=false -c rate_limit.requests_per_minute=100000000 -c auth.account_requests_per_minute=0 -c rate_limit.session_requests_per_minute=0 \
  -c mariadb.port="$db_port" -c pma.enabled=false >"$tmp/panel.log" 2>&1 &
panel_pid=$!

PYTHONPATH=$root/bench:$root/tests/attack python3 - "$http_port" "$tmp/data" "$N" "$LIST_N" "$panel_pid" <<'PY'
import json, os, subprocess, sys, time
import mariadb_questions
import paired
import corpus

port, data, n, list_n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
panel_pid = int(sys.argv[5])
client = corpus.Conn("127.0.0.1", port, timeout=60, tls=False)

def call(method, path, body=None, token=None):
    # One write per request, the answer read by its length (tests/attack/
    # corpus.py); status 0 when the panel does not answer.
    data = json.dumps(body).encode() if body is not None else None
    status, _, answer = client.request(method, path.encode(), key=token, body=data)
    return status, answer

deadline = time.time() + 120
while True:
    try:
        s, b = call("GET", "/api/v1/health")
        if s == 200 and json.loads(b)["components"].get("mariadb") == "up": break
    except Exception:
        pass
    if time.time() > deadline: sys.exit("bench: mariadb never came up")
    time.sleep(0.2)

password = open(os.path.join(data, "initial-admin-password")).read().strip()
s, b = call("POST", "/api/v1/auth/login", {"username": "admin", "password": password})
token = json.loads(b)["token"]

def check(status, body, want):
    if status != want: sys.exit(f"bench: got {status} {body[:200]!r}, wanted {want}")

cnf = os.path.join(data, "mariadb-admin.cnf")
def questions():
    return mariadb_questions.questions(cnf)

# 1. and 2. The API and the same statements through one mariadb client
# session, in paired rounds (bench/paired.py).
mariadbd_pid = mariadb_questions.child_named(panel_pid, "mariadbd")
def meter():
    return (questions(), mariadb_questions.cpu_ticks(panel_pid),
            mariadb_questions.cpu_ticks(mariadbd_pid) if mariadbd_pid else 0)

def api_round(prefix, count):
    for i in range(count):
        check(*call("POST", "/api/v1/databases", {"name": f"{prefix}{i}", "password": "Bench-pass-1"}, token), 201)
    for i in range(count):
        check(*call("DELETE", f"/api/v1/databases/admin_{prefix}{i}", None, token), 200)

def client_round(prefix, count):
    paired.client_round(cnf, [f"peer_{prefix}{i}" for i in range(count)], "localhost",
                        " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")

r = paired.abba(api_round, client_round, n, meter)
api_s, api_d, api_rounds = r["api"]
client_s, client_d, client_rounds = r["client"]
# Each round's closing SHOW STATUS counts one question.
api_q, client_q = api_d[0] - api_rounds, client_d[0] - client_rounds

ratio = api_s / client_s
print(f"create+drop {n} databases with users (rounds API, client, client, API; warm-up first)")
print(f"  panel API      : {api_s:.3f} s")
print(f"  mariadb client : {client_s:.3f} s")
print(f"  ratio API/client: {ratio:.2f} (target <= 1.2){'' if ratio <= 1.2 else '  MISSED'}")
# Round trips (queries) per database created and dropped, whatever the load:
# the panel's own (health probes included) against the client's statements.
print(f"  queries per create+drop: API {api_q / n:.2f}, client {client_q / n:.2f}")
# CPU ticks (1/100 s) per 100 create+drop pairs, whatever the load: the
# panel's own, and MariaDB's for the API's statements against the client's.
per100 = 100 / n
print(f"  CPU ticks per 100 create+drop: panel {api_d[1] * per100:.0f}, "
      f"mariadbd for the API {api_d[2] * per100:.0f}, for the client {client_d[2] * per100:.0f}")

# 3. Listing LIST_N databases with sizes.
for i in range(list_n):
    check(*call("POST", "/api/v1/databases", {"name": f"l{i}", "password": "Bench-pass-1"}, token), 201)
times = []
for _ in range(10):
    t0 = time.perf_counter()
    s, b = call("GET", "/api/v1/databases", None, token)
    times.append(time.perf_counter() - t0)
    check(s, b, 200)
    if len(json.loads(b)) != list_n: sys.exit("bench: wrong list length")
times.sort()
med = times[len(times) // 2] * 1000
print(f"list {list_n} databases with sizes: median {med:.1f} ms, best {times[0]*1000:.1f} ms "
      f"(target < 100 ms){'' if med < 100 else '  MISSED'}")
PY
bench_end
