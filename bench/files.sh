#!/usr/bin/env bash
# File manager vs the standard tools, same machine, same run (issue 7):
#   1. list a directory of N files (default 100,000): GET /files/list vs `ls -l`
#      (target ratio <= 2)
#   2. copy a SIZE_MB file (default 1024): POST /files/copy vs `cp` (<= 1.2)
#   3. delete a tree of T files (default 10,000) to the trash and restore it:
#      /files/delete + /files/trash/restore vs two `mv` (<= 2)
# Each line prints both times and the ratio panel/tool. The trash round trip
# is three HTTP requests (delete, list the bin, restore) on one keep-alive
# connection against two `mv` runs: both are O(1) renames underneath. Page cache: each pair
# runs warm (one untimed run first) so both read from memory.
#
# Knobs: WSP_BIN, FILES (100000), SIZE_MB (1024), TREE (10000).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$bench_root
bench_begin
bin=${WSP_BIN:-$root/build/wispanel}
FILES=${FILES:-100000}
SIZE_MB=${SIZE_MB:-1024}
TREE=${TREE:-10000}
[[ -x $bin ]] || { echo "bench: $bin not found; build first" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-bench-files.XXXXXX")
# The accounts (own uids in sandbox mode) must pass through to their homes.
chmod 711 "$tmp"
chmod 755 "$tmp"
panel_pid=
cleanup() {
  stop_pid "$panel_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT

"$bin" serve --data-dir "$tmp/data" --listen 127.0.0.1:0 -c server.tls=false \
  -c server.access_log=false -c rate_limit.requests_per_minute=0 -c auth.account_requests_per_minute=0 -c rate_limit.session_requests_per_minute=0 >"$tmp/panel.log" 2>&1 &
panel_pid=$!
for _ in $(seq 100); do [[ -s $tmp/data/run/http.port ]] && break; sleep 0.1; done
port=$(cat "$tmp/data/run/http.port")
base=http://127.0.0.1:$port/api/v1
pw=$(cat "$tmp/data/initial-admin-password")
token=$(curl -sf "$base/auth/login" -d "{\"username\":\"admin\",\"password\":\"$pw\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
auth=(-H "Authorization: Bearer $token")
home=$tmp/data/home/admin
owner=$(stat -c %u:%g "$home")

now() { date +%s.%N; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
report() { # name panel_s tool_s target
  local r; r=$(ratio "$2" "$3")
  local ok=ok; python3 -c "import sys; sys.exit(0 if $r <= $4 else 1)" || ok=MISSED
  printf '%-34s panel %7.3fs  tool %7.3fs  ratio %s (target <= %s) %s\n' "$1" "$2" "$3" "$r" "$4" "$ok"
}
api() { curl -sf "${auth[@]}" "$@" >/dev/null; }

# 1. listing
mkdir "$home/many"
(cd "$home/many" && seq -f 'file%.0f' 1 "$FILES" | xargs touch)
chown -R "$owner" "$home/many"
api "$base/files/list?path=/many"; ls -l "$home/many" >/dev/null
t0=$(now); api "$base/files/list?path=/many"; t1=$(now)
ls -l "$home/many" >/dev/null; t2=$(now)
report "list $FILES entries" "$(python3 -c "print($t1-$t0)")" "$(python3 -c "print($t2-$t1)")" 2

# 2. copy
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$home/big.bin"
chown "$owner" "$home/big.bin"
cat "$home/big.bin" >/dev/null
t0=$(now); api -X POST "$base/files/copy" -d '{"source":"/big.bin","destination":"/big2.bin"}'; t1=$(now)
cp "$home/big.bin" "$home/big3.bin"; t2=$(now)
cmp -s "$home/big.bin" "$home/big2.bin" || { echo "bench: copy differs" >&2; exit 1; }
report "copy ${SIZE_MB} MB file" "$(python3 -c "print($t1-$t0)")" "$(python3 -c "print($t2-$t1)")" 1.2
rm -f "$home/big.bin" "$home/big2.bin" "$home/big3.bin"

# 3. trash round trip of a tree. The panel is driven by one keep-alive HTTP
# client (as a real client would), `mv` as the processes it is; both timed
# from the same Python process, best of 5 rounds.
mkdir -p "$home/tree"
for d in $(seq 1 100); do mkdir "$home/tree/d$d"; (cd "$home/tree/d$d" && seq -f 'f%.0f' 1 $((TREE / 100)) | xargs touch); done
chown -R "$owner" "$home/tree"
mkdir -p "$tmp/bin"
read -r panel_s tool_s < <(/usr/bin/python3 - "$port" "$token" "$home" "$tmp/bin" <<'PY'
import http.client, json, subprocess, sys, time
port, token, home, bin_dir = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
c = http.client.HTTPConnection("127.0.0.1", int(port))
h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
def call(method, path, body=None):
    c.request(method, "/api/v1/files/" + path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse(); data = r.read()
    if r.status != 200: sys.exit("bench: %s %s -> %d %s" % (method, path, r.status, data))
    return json.loads(data)
panel = tool = 1e9
for _ in range(5):
    t0 = time.perf_counter()
    call("POST", "delete", {"path": "/tree"})
    item = [i for i in call("GET", "trash")["items"] if i["original_path"] == "/tree"][0]
    call("POST", "trash/restore", {"trash_path": item["trash_path"]})
    t1 = time.perf_counter()
    subprocess.run(["mv", home + "/tree", bin_dir + "/tree"], check=True)
    subprocess.run(["mv", bin_dir + "/tree", home + "/tree"], check=True)
    t2 = time.perf_counter()
    panel, tool = min(panel, t1 - t0), min(tool, t2 - t1)
print(panel, tool)
PY
)
report "trash+restore $TREE-file tree" "$panel_s" "$tool_s" 2
bench_end
