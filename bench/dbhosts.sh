#!/usr/bin/env bash
# Database hosts (issue 21): the panel's API on a Galera host against the
# plain `mariadb` client on one of its nodes, and a list across three hosts.
#
# Starts, in a mktemp -d directory (as root; the servers run as mysql):
#   - a 3-node Galera cluster (galera-4, rsync SST, loopback ports; the
#     recipe of shared/notes/galera.md),
#   - one standalone mariadbd,
#   - a panel (its own sandbox MariaDB is the third host, "local"),
# adds the cluster ("galera") and the standalone server ("solo") as
# database hosts through the API, then:
# 1. creates and drops N (200) databases with users on the Galera host
#    through the API (POST /databases {"host":"galera"}, DELETE), one
#    keep-alive client (tests/attack/corpus.py);
# 2. runs the same statements the panel runs (CREATE DATABASE, CREATE USER,
#    GRANT; DROP USER, DROP DATABASE) through one `mariadb` client session
#    on node 1, over TCP as the same admin account; prints both times and
#    the ratio (target <= 1.3);
# 3. creates LIST_N (500) databases spread over local, solo and galera and
#    times GET /databases (with sizes: one query per host) 10 times;
#    prints the median (target < 150 ms).
# The load average is printed before and after, with the verdict quiet or
# NOISY (bench/lib.sh). Not part of ctest.
#
# Knobs (environment): WSP_BIN, N, LIST_N.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$bench_root
bin=${WSP_BIN:-$root/build/wispanel}
N=${N:-200}
LIST_N=${LIST_N:-500}
[[ -x $bin ]] || die "$bin not found; run 'make build' first"
for f in /usr/lib/galera/libgalera_smm.so /usr/bin/wsrep_sst_rsync /usr/bin/rsync /usr/sbin/mariadbd; do
  [[ -e $f ]] || die "$f is missing (scripts/deps.sh installs it)"
done
[[ $(id -u) == 0 ]] || die "run as root (the servers run as mysql)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-bench-dbh.XXXXXX")
chmod 0755 "$tmp"
pids=()
# shellcheck disable=SC2317  # the EXIT trap
cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  # All asked at once (the cluster's nodes stop together), then each waited for.
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do stop_pid "$p" 30; done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 16 free loopback ports: http, local db, solo, then 4 per Galera node
# (sql, gcomm, ist, sst).
mapfile -t ports < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(15)]
for s in socks: s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))')
http_port=${ports[0]} db_port=${ports[1]} solo_port=${ports[2]}
gsql() { echo "${ports[$((3 + $1 * 4))]}"; }
ggcomm() { echo "${ports[$((4 + $1 * 4))]}"; }

bench_begin

# ---- Galera ----
cluster="gcomm://127.0.0.1:$(ggcomm 0),127.0.0.1:$(ggcomm 1),127.0.0.1:$(ggcomm 2)"
for i in 0 1 2; do
  d=$tmp/g$i
  mkdir -p "$d/data" "$d/tmp" # own tmpdir: servers sharing /tmp lose temp tables
  chown mysql:mysql "$d/tmp"
  cat >"$d.cnf" <<CNF
[client]
socket = $d/mysqld.sock
[mysqld]
datadir = $d/data
tmpdir = $d/tmp
socket = $d/mysqld.sock
pid-file = $d/mysqld.pid
log-error = $d/error.log
port = $(gsql $i)
bind-address = 127.0.0.1
skip-name-resolve
innodb_buffer_pool_size = 32M
innodb_log_file_size = 16M
performance_schema = OFF
max_connections = 100
binlog_format = ROW
default_storage_engine = InnoDB
innodb_autoinc_lock_mode = 2
innodb_flush_log_at_trx_commit = 2
wsrep_on = ON
wsrep_provider = /usr/lib/galera/libgalera_smm.so
wsrep_cluster_name = wsp_bench
wsrep_cluster_address = $cluster
wsrep_node_name = n$((i + 1))
wsrep_node_address = 127.0.0.1:$(ggcomm $i)
wsrep_node_incoming_address = 127.0.0.1:$(gsql $i)
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$(ggcomm $i);ist.recv_addr=127.0.0.1:${ports[$((5 + i * 4))]};gcache.size=32M"
wsrep_sst_method = rsync
wsrep_sst_receive_address = 127.0.0.1:${ports[$((6 + i * 4))]}
wsrep_slave_threads = 1
[sst]
sst-log-archive-dir = $d/sst-log-archive
CNF
done
mariadb-install-db --defaults-file="$tmp/g0.cnf" --user=mysql --skip-test-db \
  --auth-root-authentication-method=socket >"$tmp/install.log" 2>&1
chown -R mysql:mysql "$tmp"
q() { mariadb --defaults-file="$tmp/g$1.cnf" -N -B -e "$2"; }
wait_synced() {
  local i
  for ((i = 0; i < 900; i++)); do
    [[ $(q "$1" "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2) == Synced ]] && return 0
    sleep 0.2
  done
  echo "bench: galera node $1 never synced" >&2
  exit 1
}
start_node() {
  /usr/sbin/mariadbd --defaults-file="$tmp/g$1.cnf" --user=mysql "${@:2}" >>"$tmp/stderr.log" 2>&1 &
  pids+=($!)
}
t0=$(date +%s.%N)
start_node 0 --wsrep-new-cluster; wait_synced 0
start_node 1; wait_synced 1
start_node 2; wait_synced 2
printf 'galera: 3 nodes synced in %.1f s\n' "$(echo "$(date +%s.%N) - $t0" | bc)"

# ---- one standalone server ----
mkdir -p "$tmp/solo/data" "$tmp/solo/run" "$tmp/solo/tmp"
chown -R mysql:mysql "$tmp/solo"
mariadb-install-db --no-defaults --user=mysql --datadir="$tmp/solo/data" --skip-test-db \
  --tmpdir="$tmp/solo/tmp" --auth-root-authentication-method=socket --innodb-log-file-size=8M >>"$tmp/install.log" 2>&1
chown -R mysql:mysql "$tmp/solo"
/usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$tmp/solo/data" --tmpdir="$tmp/solo/tmp" \
  --socket="$tmp/solo/run/mysqld.sock" --port="$solo_port" --bind-address=127.0.0.1 \
  --pid-file="$tmp/solo/run/mysqld.pid" --skip-log-bin --skip-name-resolve \
  --innodb-log-file-size=8M --innodb-buffer-pool-size=32M --performance-schema=OFF \
  >"$tmp/solo/mariadb.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 300; i++)); do
  mariadb-admin --no-defaults --socket="$tmp/solo/run/mysqld.sock" ping >/dev/null 2>&1 && break
  sleep 0.1
done

# The panel's admin account on both (the documented grant).
admin_pw=Bench-admin-pw9
grant="CREATE USER 'paneladm'@'127.0.0.1' IDENTIFIED BY '$admin_pw';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE TEMPORARY
  TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT,
  TRIGGER, DELETE HISTORY, CREATE USER, PROCESS ON *.* TO 'paneladm'@'127.0.0.1' WITH GRANT OPTION;"
q 0 "$grant"
mariadb --no-defaults --socket="$tmp/solo/run/mysqld.sock" -e "$grant"
printf '[client]\nuser=paneladm\npassword=%s\nhost=127.0.0.1\nport=%s\nprotocol=tcp\n' \
  "$admin_pw" "$(gsql 0)" >"$tmp/node1-client.cnf"
chmod 0600 "$tmp/node1-client.cnf"

# ---- the panel ----
"$bin" serve --data-dir "$tmp/data" --listen "127.0.0.1:$http_port" \
  -c server.tls=false -c server.access_log=false -c rate_limit.requests_per_minute=0 \
  -c rate_limit.session_requests_per_minute=0 -c auth.account_requests_per_minute=0 \
  -c mariadb.port="$db_port" -c pma.enabled=false >"$tmp/panel.log" 2>&1 &
pids+=($!)

PYTHONPATH=$root/bench:$root/tests/attack python3 - "$http_port" "$tmp" "$N" "$LIST_N" "$(gsql 0)" "$(gsql 1)" "$(gsql 2)" "$solo_port" "$admin_pw" "${pids[-1]}" "${pids[0]}" <<'PY'
import json, os, subprocess, sys, time
import mariadb_questions
import paired
import corpus
panel_pid, node1_pid = int(sys.argv[10]), int(sys.argv[11])

port, tmp, n, list_n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
g = [int(p) for p in sys.argv[5:8]]
solo, admin_pw = int(sys.argv[8]), sys.argv[9]
data = os.path.join(tmp, "data")
client = corpus.Conn("127.0.0.1", port, timeout=120, tls=False)

def call(method, path, body=None, token=None):
    # One write per request, the answer read by its length (tests/attack/
    # corpus.py); status 0 when the panel does not answer.
    data = json.dumps(body).encode() if body is not None else None
    status, _, answer = client.request(method, path.encode(), key=token, body=data)
    return status, answer

def check(status, body, want):
    if status != want: sys.exit(f"bench: got {status} {body[:300]!r}, wanted {want}")

deadline = time.time() + 180
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

check(*call("POST", "/api/v1/database-hosts", {
    "name": "galera", "kind": "galera", "nodes": [{"host": "127.0.0.1", "port": p} for p in g],
    "admin_user": "paneladm", "admin_password": admin_pw}, token), 201)
check(*call("POST", "/api/v1/database-hosts", {
    "name": "solo", "kind": "mariadb", "host": "127.0.0.1", "port": solo,
    "admin_user": "paneladm", "admin_password": admin_pw}, token), 201)

node1 = os.path.join(tmp, "node1-client.cnf")
def questions():
    # Node 1's count: the panel's pool uses node 1 while it is up.
    return mariadb_questions.questions(node1)

def causal_reads():
    # Reads on node 1 that waited for the cluster (wsrep_sync_wait).
    out = subprocess.run(["mariadb", "--defaults-file=" + node1, "-N", "-B", "-e",
                          "SHOW GLOBAL STATUS LIKE 'wsrep_causal_reads'"],
                         capture_output=True, text=True, check=True)
    return int(out.stdout.split()[1])

# 1. and 2. The API on the Galera host and the same statements through
# one mariadb client session on node 1, in paired rounds (bench/paired.py).
def meter():
    return (questions(), causal_reads(), mariadb_questions.cpu_ticks(panel_pid),
            mariadb_questions.cpu_ticks(node1_pid))

def api_round(prefix, count):
    for i in range(count):
        check(*call("POST", "/api/v1/databases",
                    {"name": f"g{prefix}{i}", "password": "Bench-pass-1", "host": "galera"}, token), 201)
    for i in range(count):
        check(*call("DELETE", f"/api/v1/databases/admin_g{prefix}{i}", None, token), 200)

def client_round(prefix, count):
    paired.client_round(node1, [f"peer_g{prefix}{i}" for i in range(count)], "%")

r = paired.abba(api_round, client_round, n, meter)
api_s, api_d, api_rounds = r["api"]
client_s, client_d, client_rounds = r["client"]
# Each round's closing meter() sends two SHOW STATUS to node 1.
api_q, client_q = api_d[0] - 2 * api_rounds, client_d[0] - 2 * client_rounds
api_w = api_d[1]
ratio = api_s / client_s
print(f"create+drop {n} databases with users on the Galera host (3 nodes; rounds API, client, client, API; warm-up first)")
print(f"  panel API                : {api_s:.3f} s")
print(f"  mariadb client on node 1 : {client_s:.3f} s")
print(f"  ratio API/client: {ratio:.2f} (target <= 1.3){'' if ratio <= 1.3 else '  MISSED'}")
print(f"  queries per create+drop on node 1: API {api_q / n:.2f}, client {client_q / n:.2f}")
print(f"  reads waiting for the cluster per create+drop (wsrep_causal_reads): API {api_w / n:.2f}")
per100 = 100 / n
print(f"  CPU ticks per 100 create+drop: panel {api_d[2] * per100:.0f}, "
      f"node 1 for the API {api_d[3] * per100:.0f}, for the client {client_d[3] * per100:.0f}")

# 3. Listing LIST_N databases over three hosts, with sizes.
hosts = ["local", "solo", "galera"]
t0 = time.perf_counter()
for i in range(list_n):
    check(*call("POST", "/api/v1/databases",
                {"name": f"l{i}", "password": "Bench-pass-1", "host": hosts[i % 3]}, token), 201)
print(f"(created {list_n} databases over {', '.join(hosts)} in {time.perf_counter() - t0:.1f} s)")
times = []
for _ in range(10):
    t0 = time.perf_counter()
    s, b = call("GET", "/api/v1/databases", None, token)
    times.append(time.perf_counter() - t0)
    check(s, b, 200)
    if len(json.loads(b)) != list_n: sys.exit("bench: wrong list length")
times.sort()
med = times[len(times) // 2] * 1000
print(f"list {list_n} databases on 3 hosts with sizes: median {med:.1f} ms, best {times[0]*1000:.1f} ms "
      f"(target < 150 ms){'' if med < 150 else '  MISSED'}")
PY
bench_end
