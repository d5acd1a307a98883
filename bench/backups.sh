#!/usr/bin/env bash
# Backups and database export/import of the panel against the same tools
# run by hand, same machine, same run (issue 18):
#   - export of a DB_MB database: GET /databases/{id}/export vs
#     `mariadb-dump ... | gzip` (target <= 1.1x); import: POST .../import
#     (task to the end) vs `gunzip | mariadb` (target <= 1.1x);
#   - first backup of a HOME_MB home plus that database: POST /backups (task
#     to the end) vs the same restic commands by hand into a fresh repository
#     (target <= 1.2x); a second run with 1% of the home changed vs the
#     first (target <= 0.1x);
#   - the panel's peak RSS over all of it (VmHWM; target < 64 MB).
# Knobs (environment): WSP_BIN, HOME_MB (1024), DB_MB (200), SKIP_DEPS (0).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$bench_root
bench_deps
bench_begin

bin=${WSP_BIN:-$root/build/wispanel}
HOME_MB=${HOME_MB:-1024}
DB_MB=${DB_MB:-200}
[[ -x $bin ]] || die "panel binary not found at $bin; build it first"
for tool in python3 restic mariadb mariadb-dump gzip; do command -v $tool >/dev/null || die "$tool not found"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-bench-backups.XXXXXX")
# The accounts (own uids in sandbox mode) must pass through to their homes.
chmod 711 "$tmp"
chmod 755 "$tmp"  # mariadbd (user mysql) must reach its datadir below
panel_pid=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ $rc != 0 && -f $tmp/panel.log ]]; then tail -20 "$tmp/panel.log" >&2; fi
  stop_pid "$panel_pid" 30  # the panel stops its MariaDB first
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

read -r http_port db_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

"$bin" serve --data-dir "$tmp/data" --listen "127.0.0.1:$http_port" \
  -c server.tls=false -c server.access_log=false -c rate_limit.requests_per_minute=100000000 -c auth.account_requests_per_minute=0 -c rate_limit.session_requests_per_minute=0 \
  -c mariadb.port="$db_port" -c pma.enabled=false -c mariadb.import_max_mb=100000 >"$tmp/panel.log" 2>&1 &
panel_pid=$!

python3 - "$http_port" "$tmp" "$panel_pid" "$HOME_MB" "$DB_MB" <<'PY'
import http.client, json, os, random, subprocess, sys, time

port, tmp, pid, home_mb, db_mb = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
data = os.path.join(tmp, "data")
cnf = os.path.join(data, "mariadb-admin.cnf")
sock = os.path.join(data, "run", "mariadb", "mysqld.sock")

def call(method, path, body=None, token=None, raw=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    headers = {}
    if token: headers["Authorization"] = "Bearer " + token
    if raw is not None:
        headers["Content-Type"] = "application/octet-stream"
        headers["Content-Length"] = str(os.path.getsize(raw))
        with open(raw, "rb") as f:
            conn.request(method, path, f, headers)
    else:
        headers["Content-Type"] = "application/json"
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = conn.getresponse()
    return r.status, r.read()

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

def sql(statements, db=None):
    args = ["mariadb", "--defaults-file=" + cnf, "--socket=" + sock, "--batch"]
    if db: args.append(db)
    subprocess.run(args, input=statements.encode(), check=True)

def wait(task_id):
    while True:
        s, b = call("GET", f"/api/v1/backups/tasks/{task_id}", None, token)
        t = json.loads(b)
        if t["status"] == "done": return
        if t["status"] in ("failed", "cancelled"): sys.exit(f"bench: task {t}")
        time.sleep(0.05)

# The database: DB_MB of rows (text and numbers).
s, b = call("POST", "/api/v1/databases", {"name": "shop", "password": "Bench-pass-1"}, token)
if s != 201: sys.exit(f"bench: {s} {b}")
rows = db_mb * 1024 * 1024 // 200
sql(f"""CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(100), b TEXT, n DECIMAL(12,2)) ENGINE=InnoDB;
INSERT INTO t SELECT seq, MD5(seq), REPEAT(CONCAT('row ', seq, ' '), 8), seq / 7 FROM seq_1_to_{rows};""", "admin_shop")

# The home: 40% random (media), 60% text (logs, code), in 4 MB files.
home = os.path.join(data, "home", "admin")
random.seed(7)
words = [os.urandom(6).hex() for _ in range(2000)]
files = []
for i in range(max(1, home_mb // 4)):
    p = os.path.join(home, "site", f"d{i // 50}", f"f{i}.bin" if i % 5 < 2 else f"f{i}.txt")
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        if i % 5 < 2: f.write(os.urandom(4 << 20))
        else: f.write((" ".join(random.choices(words, k=(4 << 20) // 13)) + "\n").encode()[: 4 << 20])
    files.append(p)
subprocess.run(["chown", "-R", "--reference=" + home, home], check=True)

def timed(f):
    t0 = time.perf_counter(); f(); return time.perf_counter() - t0

def report(name, panel, peer, target):
    r = panel / peer
    print(f"{name}: panel {panel:.2f} s, by hand {peer:.2f} s, ratio {r:.2f} (target <= {target}){'' if r <= target else '  MISSED'}")

# 1. Export.
out = os.path.join(tmp, "export.sql.gz")
def export_api():
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    conn.request("GET", "/api/v1/databases/admin_shop/export", headers={"Authorization": "Bearer " + token})
    r = conn.getresponse()
    with open(out, "wb") as f:
        while True:
            chunk = r.read(1 << 20)
            if not chunk: break
            f.write(chunk)
def export_peer():
    subprocess.run(f"mariadb-dump --defaults-file={cnf} --socket={sock} --single-transaction --quick "
                   f"--routines --events --triggers --hex-blob --no-tablespaces --skip-dump-date admin_shop "
                   f"| gzip -6 > {tmp}/peer.sql.gz", shell=True, check=True)
report(f"export {db_mb} MB database", timed(export_api), timed(export_peer), 1.1)

# 2. Import (into an emptied database).
def import_api():
    s, b = call("POST", "/api/v1/databases/admin_shop/import", None, token, raw=out)
    if s != 202: sys.exit(f"bench: {s} {b}")
    wait(json.loads(b)["id"])
def import_peer():
    subprocess.run(f"gunzip -c {tmp}/peer.sql.gz | mariadb --defaults-file={cnf} --socket={sock} admin_shop",
                   shell=True, check=True)
sql("DROP TABLE t", "admin_shop")
a = timed(import_api)
sql("DROP TABLE t", "admin_shop")
report("import", a, timed(import_peer), 1.1)

# 3. First backup, then 1% changed.
def backup_api():
    s, b = call("POST", "/api/v1/backups", {}, token)
    if s != 202: sys.exit(f"bench: {s} {b}")
    wait(json.loads(b)["id"])
first = timed(backup_api)
env = dict(os.environ, RESTIC_REPOSITORY=os.path.join(tmp, "peer-repo"),
           RESTIC_PASSWORD_FILE=os.path.join(data, "backups", "repository-password"),
           RESTIC_CACHE_DIR=os.path.join(tmp, "peer-cache"))
subprocess.run(["restic", "init", "-q"], env=env, check=True)
def backup_peer():
    subprocess.run(f"mariadb-dump --defaults-file={cnf} --socket={sock} --single-transaction --quick "
                   f"--routines --events --triggers --hex-blob --no-tablespaces admin_shop "
                   f"| restic backup -q --stdin --stdin-filename admin_shop.sql", shell=True, check=True, env=env)
    subprocess.run(["restic", "backup", "-q", "--exclude", home + "/.wispanel-trash", home], env=env, check=True)
report(f"first backup ({home_mb} MB home + {db_mb} MB database)", first, timed(backup_peer), 1.2)
for p in files[: max(1, len(files) // 100)]:
    with open(p, "r+b") as f: f.write(os.urandom(4 << 20))
second = timed(backup_api)
r = second / first
print(f"second backup, 1% of the home changed: {second:.2f} s, {r:.2f} of the first (target <= 0.1){'' if r <= 0.1 else '  MISSED'}")
hwm = [l for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM")][0].split()[1]
mb = int(hwm) / 1024
print(f"panel peak RSS: {mb:.1f} MB (target < 64 MB){'' if mb < 64 else '  MISSED'}")
PY
bench_end
