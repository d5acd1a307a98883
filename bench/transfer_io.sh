#!/usr/bin/env bash
# Upload and download through the file API against the standard tools, same
# machine, same run (issue 8; bench/transfer.sh calls this):
#   1. upload a SIZE_MB file (default 1024) with POST /files/upload
#      (multipart, curl -F) vs `cp` of the same file followed by `sync` of
#      the copy (the upload fsyncs before its rename, so the copy must be on
#      disk too for a fair race; plain `cp` is printed as well) (target <= 1.5),
#      and the panel's peak RSS (VmHWM) after it (target < 64 MB);
#   2. download it with GET /files/download vs nginx serving the same file
#      from the same directory (curl -o /dev/null for both) (target <= 1.3).
# Plain HTTP for both servers (TLS would measure the cipher). Page cache:
# the source is read once before timing; each download runs once untimed.
# The machine is shared, so each figure is the best of ROUNDS runs,
# alternating panel and tool.
#
# Knobs: WSP_BIN, SIZE_MB (1024), ROUNDS (3, downloads), NGINX.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$bench_root
bench_begin
bin=${WSP_BIN:-$root/build/wispanel}
nginx_bin=${NGINX:-/usr/sbin/nginx}
SIZE_MB=${SIZE_MB:-1024}
ROUNDS=${ROUNDS:-3}
[[ -x $bin ]] || { echo "bench: $bin not found; build first" >&2; exit 1; }
[[ -x $nginx_bin ]] || { echo "bench: nginx not found at $nginx_bin" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-bench-transfer.XXXXXX")
# The accounts (own uids in sandbox mode) must pass through to their homes.
chmod 711 "$tmp"
chmod 755 "$tmp"
panel_pid=
nginx_pid=
cleanup() {
  stop_pid "$panel_pid"
  stop_pid "$nginx_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT

# An API key made offline: a login would hash a password (argon2id, 19 MiB)
# and that would be the peak RSS measured below.
token=$("$bin" key create admin --data-dir "$tmp/data" --name bench --permissions all \
  --rate-limit 0 2>"$tmp/key.log" | awk 'NF { last = $0 } END { print last }' | tr -d '[:space:]')
[[ $token == wsp_* ]] || { echo "bench: key create failed: $(cat "$tmp/key.log")" >&2; exit 1; }

"$bin" serve --data-dir "$tmp/data" --listen 127.0.0.1:0 -c server.tls=false \
  -c server.access_log=false -c rate_limit.requests_per_minute=0 -c auth.account_requests_per_minute=0 -c rate_limit.session_requests_per_minute=0 \
  -c "files.max_upload_mb=$((SIZE_MB + 16))" >"$tmp/panel.log" 2>&1 &
panel_pid=$!
for _ in $(seq 100); do [[ -s $tmp/data/run/http.port ]] && break; sleep 0.1; done
port=$(cat "$tmp/data/run/http.port")
base=http://127.0.0.1:$port/api/v1
auth=(-H "Authorization: Bearer $token")
home=$tmp/data/home/admin

now() { date +%s.%N; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
report() { # name panel_s tool_s target
  local r; r=$(ratio "$2" "$3")
  local ok=ok; python3 -c "import sys; sys.exit(0 if $r <= $4 else 1)" || ok=MISSED
  printf '%-52s panel %7.3fs  tool %7.3fs  ratio %s (target <= %s) %s\n' "$1" "$2" "$3" "$r" "$4" "$ok"
}
hwm_mb() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$panel_pid/status"; }

mkdir "$tmp/src"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$tmp/src/big.bin"
cat "$tmp/src/big.bin" >/dev/null
idle_hwm=$(hwm_mb)

# 1. upload (best of ROUNDS each, alternating with the tool)
best_up=999; best_cp=999; best_cp_sync=999
for _ in $(seq "$ROUNDS"); do
  t1=$(now); cp "$tmp/src/big.bin" "$home/cp.bin"; t2=$(now)
  sync "$home/cp.bin"; t3=$(now)
  best_cp=$(python3 -c "print(min($best_cp, $t2-$t1))")
  best_cp_sync=$(python3 -c "print(min($best_cp_sync, $t3-$t1))")
  rm -f "$home/cp.bin" "$home/up.bin"
  t1=$(now)
  code=$(curl -s -o "$tmp/up.json" -w '%{http_code}' "${auth[@]}" -F path=/ \
    -F "file=@$tmp/src/big.bin;filename=up.bin" "$base/files/upload")
  t2=$(now)
  [[ $code == 200 ]] || { echo "bench: upload answered $code: $(cat "$tmp/up.json")" >&2; exit 1; }
  best_up=$(python3 -c "print(min($best_up, $t2-$t1))")
done
cmp -s "$tmp/src/big.bin" "$home/up.bin" || { echo "bench: uploaded file differs" >&2; exit 1; }
up_s=$best_up; cp_s=$best_cp; cp_sync_s=$best_cp_sync
peak=$(hwm_mb)
report "upload ${SIZE_MB} MB vs cp + sync (best of $ROUNDS)" "$up_s" "$cp_sync_s" 1.5
report "upload ${SIZE_MB} MB vs cp, no sync (best of $ROUNDS)" "$up_s" "$cp_s" 1.5
rss_ok=ok; python3 -c "import sys; sys.exit(0 if $peak < 64 else 1)" || rss_ok=MISSED
printf '%-52s %s MB (idle %s MB; target < 64 MB) %s\n' "panel peak RSS (VmHWM)" "$peak" "$idle_hwm" "$rss_ok"

# 2. download, nginx as the peer (sendfile, same file)
nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
user_line=""
[[ $(id -u) -eq 0 ]] && user_line="user $(id -un) $(id -gn);"
cat >"$tmp/nginx.conf" <<NGINX
daemon off;
$user_line
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $tmp/client_body;
    sendfile on;
    tcp_nopush on;
    server {
        listen 127.0.0.1:$nginx_port;
        root $home;
        location / { default_type application/octet-stream; }
    }
}
NGINX
"$nginx_bin" -c "$tmp/nginx.conf" -p "$tmp" -e "$tmp/nginx-error.log" >"$tmp/nginx.log" 2>&1 &
nginx_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null -r 0-0 "http://127.0.0.1:$nginx_port/up.bin" && break; sleep 0.1; done

fetch() { curl -sf -o /dev/null "$@"; }
panel_url="$base/files/download?path=/up.bin"
nginx_url="http://127.0.0.1:$nginx_port/up.bin"
fetch "${auth[@]}" "$panel_url"; fetch "$nginx_url"
best_panel=999; best_nginx=999
for _ in $(seq "$ROUNDS"); do
  t1=$(now); fetch "${auth[@]}" "$panel_url"; t2=$(now)
  fetch "$nginx_url"; t3=$(now)
  best_panel=$(python3 -c "print(min($best_panel, $t2-$t1))")
  best_nginx=$(python3 -c "print(min($best_nginx, $t3-$t2))")
done
report "download ${SIZE_MB} MB vs nginx (best of $ROUNDS)" "$best_panel" "$best_nginx" 1.3
printf '%-52s %s MB\n' "panel peak RSS after downloads" "$(hwm_mb)"
bench_end
