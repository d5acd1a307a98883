#!/usr/bin/env bash
# Archives and search through the API vs the standard tools, same machine,
# same run (issue 8):
#   1. compress a tree of WSP_BENCH_GB (default 1) GB as zip:    API vs `zip -r`  (ratio <= 1.1)
#   2. extract that zip:                                          API vs `unzip`   (<= 1.1)
#   3. compress the tree as tar.gz:                               API vs `tar czf` (<= 1.1)
#   4. extract that tar.gz:                                       API vs `tar xzf` (<= 1.1)
#   5. search SEARCH_FILES (default 100,000) files by name:       API vs `find -iname` (<= 1.5)
#   6. ... and by content:                                        API vs `grep -rlF`   (<= 1.5)
# Then bench/transfer_io.sh (upload/download, another part of issue 8) when
# it exists and is executable.
#
# The tree is half text (64 KB slices of /usr/include, compressible like a
# site's HTML/CSS/JS/PHP) and half random data (1 MB files, incompressible
# like its images). Archives are made with async:true and the task polled
# every 20 ms from one keep-alive connection (as a client would; the panel
# fsyncs its archive, the tools do not). `sync` runs (untimed) before every
# timed step so one's write-back does not land in the other's time; the page
# cache is warm for both. Search runs are best of 3.
#
# Knobs: WSP_BIN, WSP_BENCH_GB (e.g. 0.25 for a quick run), SEARCH_FILES.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$bench_root
bench_begin
bin=${WSP_BIN:-$root/build/wispanel}
GB=${WSP_BENCH_GB:-1}
SEARCH_FILES=${SEARCH_FILES:-100000}
[[ -x $bin ]] || { echo "bench: $bin not found; build first" >&2; exit 1; }
for tool in zip unzip tar gzip find grep curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (scripts/deps.sh)" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-bench-transfer.XXXXXX")
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
  -c server.access_log=false -c rate_limit.requests_per_minute=0 -c auth.account_requests_per_minute=0 -c rate_limit.session_requests_per_minute=0 \
  -c files.max_extract_mb=1000000 -c files.max_extract_entries=10000000 \
  -c files.max_extract_ratio=1000000 -c files.search_seconds=3600 >"$tmp/panel.log" 2>&1 &
panel_pid=$!
for _ in $(seq 100); do [[ -s $tmp/data/run/http.port ]] && break; sleep 0.1; done
port=$(cat "$tmp/data/run/http.port")
base=http://127.0.0.1:$port/api/v1
pw=$(cat "$tmp/data/initial-admin-password")
token=$(curl -sf "$base/auth/login" -d "{\"username\":\"admin\",\"password\":\"$pw\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
home=$tmp/data/home/admin
owner=$(stat -c %u:%g "$home")
work=$tmp/tool
mkdir -p "$home/b" "$work"

# report name "panel_wall panel_cpu" "tool_wall tool_cpu" target: the
# wall-clock ratio decides; the CPU-time ratio (the panel process's
# user+sys against the tool's and its children's) is shown beside it
# because on a shared machine wall time mostly measures the neighbours.
report() {
  python3 - "$@" <<'PY'
import sys
name, (pw, pc), (tw, tc), target = sys.argv[1], map(float, sys.argv[2].split()), map(float, sys.argv[3].split()), float(sys.argv[4])
r = pw / tw
cr = pc / tc if tc > 0 else float("nan")
print(f"{name:<34} panel {pw:8.3f}s  tool {tw:8.3f}s  ratio {r:.2f} (target <= {target:g}) {'ok' if r <= target else 'MISSED'}   cpu {pc:.2f}s/{tc:.2f}s = {cr:.2f}")
PY
}
# Runs a command (output dropped): "wall cpu" seconds, cpu counting its
# children (tar's gzip).
timed() {
  python3 - "$@" <<'PY'
import os, resource, subprocess, sys, time
r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
t1 = time.perf_counter(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
print(t1 - t0, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime))
PY
}
# Same tree? (names and sizes; contents of a sample of files).
same_tree() {
  (cd "$1" && find . -printf '%P %s %y\n' | grep -v ' d$' | sort) >"$tmp/a.lst"
  (cd "$2" && find . -printf '%P %s %y\n' | grep -v ' d$' | sort) >"$tmp/b.lst"
  cmp -s "$tmp/a.lst" "$tmp/b.lst" || { echo "bench: $1 and $2 differ" >&2; exit 1; }
  local f
  for f in $(awk 'NR % 97 == 1 {print $1}' "$tmp/a.lst"); do
    cmp -s "$1/$f" "$2/$f" || { echo "bench: $1/$f differs" >&2; exit 1; }
  done
}

# The API driver: one keep-alive connection; `api.py compress|extract|search ...`
# prints the seconds the call (and for tasks, the task until done) took.
cat >"$tmp/api.py" <<'PY'
import http.client, json, os, sys, time, urllib.parse
port, token, pid, what = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
argv = sys.argv[1:4] + sys.argv[5:]  # the arguments after `what` start at argv[3]
def cpu():  # the panel's user+sys seconds, all threads
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
c = http.client.HTTPConnection("127.0.0.1", int(port))
h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
def call(method, path, body=None, ok=(200,)):
    c.request(method, "/api/v1/files/" + path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse(); data = r.read()
    if r.status not in ok: sys.exit("bench: %s %s -> %d %s" % (method, path, r.status, data[:300]))
    return json.loads(data)
def task(path, body):
    body["async"] = True
    c0, t0 = cpu(), time.perf_counter()
    t = call("POST", path, body, ok=(202,))
    while t["status"] in ("queued", "running"):
        time.sleep(0.02)
        t = call("GET", "tasks/" + t["id"])
    t1, c1 = time.perf_counter(), cpu()
    if t["status"] != "done": sys.exit("bench: task %s" % json.dumps(t))
    return t1 - t0, c1 - c0
if what == "compress":
    print(*task("compress", {"paths": [argv[3]], "archive": argv[4]}))
elif what == "extract":
    print(*task("extract", {"archive": argv[3], "destination": argv[4]}))
elif what == "search":
    q = dict(a.split("=", 1) for a in argv[3:])
    q.update({"path": "/s", "limit": "1000"})
    best, n = (1e9, 0), 0
    for _ in range(3):
        c0, t0 = cpu(), time.perf_counter()
        r = call("GET", "search?" + urllib.parse.urlencode(q))
        best = min(best, (time.perf_counter() - t0, cpu() - c0))
        if r["truncated"]: sys.exit("bench: search stopped early: %s" % r.get("stopped_by"))
        n = len(r["results"])
    print(best[0], best[1], n)
PY
api() { python3 "$tmp/api.py" "$port" "$token" "$panel_pid" "$@"; }

# ---- the tree ----------------------------------------------------------------
echo "bench: making a ${GB} GB tree..." >&2
python3 - "$home/b/tree" "$GB" <<'PY'
import glob, os, random, sys
root, gb = sys.argv[1], float(sys.argv[2])
total = int(gb * (1 << 30))
corpus = b""
for f in sorted(glob.glob("/usr/include/**/*.h", recursive=True)):
    try: corpus += open(f, "rb").read()
    except OSError: pass
    if len(corpus) > (8 << 20): break
rnd = random.Random(8)
text_bytes, n = 0, 0
while text_bytes < total // 2:           # text: 64 KB files, 100 per directory
    d = os.path.join(root, "site", "d%03d" % (n // 100)); os.makedirs(d, exist_ok=True)
    off = rnd.randrange(0, len(corpus) - 65536)
    open(os.path.join(d, "page%05d.html" % n), "wb").write(corpus[off:off + 65536])
    text_bytes += 65536; n += 1
bin_bytes, m = 0, 0
while bin_bytes < total - text_bytes:    # binary: 1 MB random files
    d = os.path.join(root, "media", "m%02d" % (m // 50)); os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "img%04d.jpg" % m), "wb").write(os.urandom(1 << 20))
    bin_bytes += 1 << 20; m += 1
print("bench: %d text files, %d binary files" % (n, m), file=sys.stderr)
PY
chown -R "$owner" "$home/b"
find "$home/b/tree" -type f -exec cat {} + >/dev/null  # warm

# ---- 1-4. archives -----------------------------------------------------------
sync
tool_s=$(cd "$home/b" && timed zip -qr "$work/tree.zip" tree)
sync
panel_s=$(api compress /b/tree /b/tree.zip)
report "compress ${GB} GB as zip" "$panel_s" "$tool_s" 1.1
unzip -tq "$home/b/tree.zip" >/dev/null || { echo "bench: the panel's zip is broken" >&2; exit 1; }
ls -l "$work/tree.zip" "$home/b/tree.zip" | awk '{print "bench:   " $5 " bytes " $NF}' >&2

mkdir -p "$work/unzip" "$home/b/unzip"
chown "$owner" "$home/b/unzip"
sync
tool_s=$(timed unzip -q "$work/tree.zip" -d "$work/unzip")
sync
panel_s=$(api extract /b/tree.zip /b/unzip)
report "extract ${GB} GB zip" "$panel_s" "$tool_s" 1.1
same_tree "$work/unzip/tree" "$home/b/unzip/tree"
rm -rf "$work/unzip" "$home/b/unzip" "$work/tree.zip" "$home/b/tree.zip"

sync
tool_s=$(timed tar czf "$work/tree.tar.gz" -C "$home/b" tree)
sync
panel_s=$(api compress /b/tree /b/tree.tar.gz)
report "compress ${GB} GB as tar.gz" "$panel_s" "$tool_s" 1.1
tar tzf "$home/b/tree.tar.gz" >/dev/null || { echo "bench: the panel's tar.gz is broken" >&2; exit 1; }
ls -l "$work/tree.tar.gz" "$home/b/tree.tar.gz" | awk '{print "bench:   " $5 " bytes " $NF}' >&2

mkdir -p "$work/untar" "$home/b/untar"
chown "$owner" "$home/b/untar"
sync
tool_s=$(timed tar xzf "$work/tree.tar.gz" -C "$work/untar")
sync
panel_s=$(api extract /b/tree.tar.gz /b/untar)
report "extract ${GB} GB tar.gz" "$panel_s" "$tool_s" 1.1
same_tree "$work/untar/tree" "$home/b/untar/tree"
rm -rf "$tmp/tool" "$home/b"

# ---- 5-6. search -------------------------------------------------------------
echo "bench: making $SEARCH_FILES files to search..." >&2
python3 - "$home/s" "$SEARCH_FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
body = b"<?php echo 'hello world'; // a line of an ordinary file\n" * 4
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // 1000), "e%02d" % (i // 100 % 10))
    if i % 100 == 0: os.makedirs(d, exist_ok=True)
    name = "Needle%d.php" % i if i % 10007 == 0 else "file%d.php" % i
    data = body + (b"secret-token-4711\n" if i % 9973 == 0 else b"")
    with open(os.path.join(d, name), "wb") as f: f.write(data)
PY
chown -R "$owner" "$home/s"
find "$home/s" -iname '*needle*' >/dev/null; grep -rlF secret-token-4711 "$home/s" >/dev/null || true
best() { # best of 3 runs of a command: "wall cpu"
  local b="" t
  for _ in 1 2 3; do
    t=$(timed "$@")
    b=$(python3 -c "import sys; a = sorted([tuple(map(float, s.split())) for s in sys.argv[1:] if s]); print(*a[0])" "$t" "$b")
  done
  echo "$b"
}
tool_s=$(best find "$home/s" -iname '*needle*')
read -r pw pc hits < <(api search q=needle)
[[ $hits == $(find "$home/s" -iname '*needle*' | wc -l) ]] || { echo "bench: name search found $hits" >&2; exit 1; }
report "search $SEARCH_FILES files by name" "$pw $pc" "$tool_s" 1.5
tool_s=$(best grep -rlF secret-token-4711 "$home/s")
read -r pw pc hits < <(api search content=secret-token-4711 case_sensitive=true)
[[ $hits == $(grep -rlF secret-token-4711 "$home/s" | wc -l) ]] || { echo "bench: content search found $hits" >&2; exit 1; }
report "search $SEARCH_FILES files by content" "$pw $pc" "$tool_s" 1.5

# ---- upload and download (bench/transfer_io.sh, when present) ----------------
if [[ -x $root/bench/transfer_io.sh ]]; then
  stop_pid "$panel_pid"; panel_pid=
  "$root/bench/transfer_io.sh"
fi
bench_end
