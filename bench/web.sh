#!/usr/bin/env bash
# The web interface: its initial JavaScript (gzip) against the 200 KB
# budget, and how fast the panel serves the main script compared with
# nginx serving the same precompressed file (same run, same wrk settings,
# plain HTTP on loopback, keep-alive, access logs off).
#
# Knobs (environment): WSP_BIN, DURATION, CONNECTIONS, NGINX.
set -euo pipefail

BENCH_NAME=bench/web
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$bench_root
bench_begin
dist=$root/web/dist
bin=${WSP_BIN:-$root/build/wispanel}
nginx_bin=${NGINX:-/usr/sbin/nginx}
DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-16}
budget_kb=200

[[ -f $dist/index.html ]] || die "web/dist is not built; run 'make web'"

# 1. Initial JS: every script and modulepreload that index.html loads.
js_bytes=0
for src in $(grep -oE '(src|href)="/assets/[^"]+\.js"' "$dist/index.html" | sed -E 's/.*="\/(.*)"/\1/' | sort -u); do
  n=$(gzip -9c "$dist/$src" | wc -c)
  echo "initial js: $src $(stat -c %s "$dist/$src") bytes, $n gzip"
  js_bytes=$((js_bytes + n))
done
css_bytes=0
for href in $(grep -oE 'href="/assets/[^"]+\.css"' "$dist/index.html" | sed -E 's/.*="\/(.*)"/\1/' | sort -u); do
  css_bytes=$((css_bytes + $(gzip -9c "$dist/$href" | wc -c)))
done
awk -v js="$js_bytes" -v css="$css_bytes" -v b="$budget_kb" 'BEGIN {
  printf "initial JS gzip: %.1f KB (budget %d KB, %.0f%% used); CSS gzip: %.1f KB\n", js/1024, b, 100*js/1024/b, css/1024 }'
((js_bytes <= budget_kb * 1024)) || die "initial JS over the ${budget_kb} KB budget"
# Chunks loaded on demand (the file editor), not part of the budget.
initial=$(grep -oE '/assets/[^"]+\.js' "$dist/index.html" | sort -u)
for f in "$dist"/assets/*.js; do
  rel=/assets/$(basename "$f")
  grep -qxF "$rel" <<<"$initial" && continue
  echo "lazy js: ${rel#/} $(stat -c %s "$f") bytes, $(gzip -9c "$f" | wc -c) gzip (loaded on first use)"
done

# 2. Serving the main script: panel vs nginx.
if [[ ! -x $bin || ! -x $nginx_bin ]] || ! command -v wrk >/dev/null; then
  echo "serving comparison skipped (needs $bin, $nginx_bin and wrk: make build, scripts/deps.sh)"
  exit 0
fi
main_js=$(grep -oE 'src="/assets/[^"]+\.js"' "$dist/index.html" | head -1 | sed -E 's/src="(.*)"/\1/')
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-bench-web.XXXXXX")
# The accounts (own uids in sandbox mode) must pass through to their homes.
chmod 711 "$tmp"
panel_pid= nginx_pid=
cleanup() {
  stop_pid "$panel_pid"
  stop_pid "$nginx_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT

"$bin" serve --data-dir "$tmp/panel" --listen 127.0.0.1:0 -c server.tls=false -c server.access_log=false \
  -c web.dir="$dist" -c auth.account_requests_per_minute=0 -c rate_limit.session_requests_per_minute=0 >"$tmp/panel.log" 2>&1 &
panel_pid=$!
for _ in $(seq 100); do [[ -s $tmp/panel/run/http.port ]] && break; sleep 0.05; done
panel_port=$(cat "$tmp/panel/run/http.port")
nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { application/javascript js; text/html html; text/css css; }
  gzip_static on;
  server {
    listen 127.0.0.1:$nginx_port;
    root $dist;
    location /assets/ { add_header Cache-Control "public, max-age=31536000, immutable"; }
  }
}
CONF
"$nginx_bin" -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" 2>"$tmp/nginx/stderr" &
nginx_pid=$!
sleep 0.5
rate() {
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -H 'Accept-Encoding: gzip' "http://127.0.0.1:$1$main_js" |
    awk '/Requests\/sec/ { print $2 }'
}
curl -sf -H 'Accept-Encoding: gzip' -o /dev/null "http://127.0.0.1:$panel_port$main_js" || die "panel does not serve $main_js"
curl -sf -H 'Accept-Encoding: gzip' -o /dev/null "http://127.0.0.1:$nginx_port$main_js" || die "nginx does not serve $main_js"
panel_rps=$(rate "$panel_port")
nginx_rps=$(rate "$nginx_port")
awk -v p="$panel_rps" -v n="$nginx_rps" 'BEGIN {
  printf "GET %s (gzip): panel %.0f req/s, nginx %.0f req/s, ratio panel/nginx %.2f\n", "main script", p, n, p/n }'
bench_end
