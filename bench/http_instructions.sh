#!/usr/bin/env bash
# Instructions per request of the panel and of nginx for the request
# bench/http.sh times, counted with callgrind (user space only; independent
# of the machine's load, unlike requests/s). Each server runs under
# valgrind with instrumentation off; one curl sends WARMUP requests over one
# TLS keep-alive connection, then instrumentation is switched on and a
# second curl sends REQUESTS more (a new connection: its handshake is
# included, ~1.4k instructions per request at 2,000). Prints total Ir /
# REQUESTS for each and the ratio.
#
# The panel answers GET /api/v1/auth/me (API key, limits lifted, one event
# loop thread busy); nginx (one process, master off) answers the panel's own
# /auth/me body as a fixed string, same certificate type (ECDSA P-256).
#
# Knobs (environment): WSP_BIN, NGINX, REQUESTS (2000), WARMUP (200),
# KEEP=1 keeps the callgrind files (their paths are printed).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$bench_root
bench_deps
bench_begin

bin=${WSP_BIN:-$root/build/wispanel}
nginx_bin=${NGINX:-/usr/sbin/nginx}
REQUESTS=${REQUESTS:-2000}
WARMUP=${WARMUP:-200}
[[ -x $bin ]] || die "panel binary not found at $bin; run 'make build' first"
[[ -x $nginx_bin ]] || die "nginx not found at $nginx_bin"
for tool in valgrind callgrind_control callgrind_annotate curl openssl python3; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install valgrind curl openssl)"
done
[[ $REQUESTS =~ ^[1-9][0-9]*$ ]] || die "REQUESTS must be a positive integer"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-bench-ir.XXXXXX")
chmod 711 "$tmp"
panel_pid=
nginx_pid=
# shellcheck disable=SC2317  # the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$panel_pid" 20
  stop_pid "$nginx_pid" 20
  [[ ${KEEP:-0} == 1 ]] || rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# urls FILE URL N: a curl config asking for URL N times (one connection).
urls() {
  local file=$1 url=$2 n=$3 i
  for ((i = 0; i < n; i++)); do printf 'url = "%s"\n' "$url"; done >"$file"
}

# measure NAME PID URL OUT [curl args...]: warm-up, then REQUESTS counted;
# prints the instructions per request.
measure() {
  local name=$1 pid=$2 url=$3 out=$4 total answered
  shift 4
  urls "$tmp/warm.cfg" "$url" "$WARMUP"
  urls "$tmp/run.cfg" "$url" "$REQUESTS"
  curl -ks "$@" -K "$tmp/warm.cfg" >/dev/null
  callgrind_control -i on "$pid" >/dev/null 2>&1
  curl -ks "$@" -K "$tmp/run.cfg" >"$tmp/$name.out"
  callgrind_control -i off "$pid" >/dev/null 2>&1
  callgrind_control -d "$pid" >/dev/null 2>&1
  answered=$(grep -o '"username"' "$tmp/$name.out" | wc -l)
  ((answered == REQUESTS)) || die "$name answered $answered of $REQUESTS requests"
  sleep 1
  local f
  f=$(find "$tmp" -maxdepth 1 -name "$out*" -size +1k | head -1)
  [[ -n $f ]] || die "no callgrind dump for $name"
  total=$(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
  [[ -n $total ]] || die "no totals in $f"
  [[ ${KEEP:-0} == 1 ]] && echo "$name: callgrind file $f" >&2
  echo $((total / REQUESTS))
}

# --- panel -------------------------------------------------------------------

port=$(free_port)
mkdir -m 700 "$tmp/panel"
secret=$(admin_key "$bin" "$tmp/panel" "$tmp/key.log")
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$tmp/panel.cg" \
  "$bin" serve --data-dir "$tmp/panel" --listen "127.0.0.1:$port" \
  -c server.access_log=false -c server.threads=2 \
  -c auth.account_requests_per_minute=0 -c rate_limit.session_requests_per_minute=0 \
  >"$tmp/panel.log" 2>&1 &
panel_pid=$!
wait_up panel "$panel_pid" "https://127.0.0.1:$port/api/v1/health" "$tmp/panel.log" 120
# Not while the start-up pages are being released (a one-off of ~11M
# instructions that fell in the counted window).
wait_idle panel "$panel_pid" "https://127.0.0.1:$port/api/v1/health"
curl -ks -H "Authorization: Bearer $secret" "https://127.0.0.1:$port/api/v1/auth/me" >"$tmp/me.json"
panel_ir=$(measure panel "$panel_pid" "https://127.0.0.1:$port/api/v1/auth/me" panel.cg \
  -H "Authorization: Bearer $secret")
stop_pid "$panel_pid" 20
panel_pid=

# --- nginx -------------------------------------------------------------------

nport=$(free_port)
nginx_json_conf "$nginx_bin" "$tmp" "$nport" "$(cat "$tmp/me.json")" 1 "master_process off;"
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$tmp/nginx.cg" \
  "$nginx_bin" -c "$tmp/nginx.conf" -p "$tmp" -e "$tmp/nginx-error.log" >"$tmp/nginx.log" 2>&1 &
nginx_pid=$!
wait_up nginx "$nginx_pid" "https://127.0.0.1:$nport/" "$tmp/nginx.log" 120
nginx_ir=$(measure nginx "$nginx_pid" "https://127.0.0.1:$nport/api/v1/auth/me" nginx.cg)
stop_pid "$nginx_pid" 20
nginx_pid=

printf 'requests: %s after %s warm-up, one TLS keep-alive connection each\n' "$REQUESTS" "$WARMUP"
printf 'panel  instructions/request: %s\n' "$panel_ir"
printf 'nginx  instructions/request: %s\n' "$nginx_ir"
printf 'ratio  panel/nginx: %s\n' "$(awk -v p="$panel_ir" -v n="$nginx_ir" 'BEGIN { printf "%.2f", p / n }')"
bench_end
exit 0
