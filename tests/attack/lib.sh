# Shared by the attack scripts (tests/attack/*.sh): a real panel in a
# temporary data dir on a free loopback port, a customer with an API key,
# and the probes that say whether the panel kept serving. Sourced, not run.
# The helpers every script needs (die, stop_pid, free_port, wait_up) are
# bench/lib.sh's, the one copy.
# shellcheck shell=bash

BENCH_NAME=attack
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../bench/lib.sh"
attack_root=$bench_root
bin=${WSP_BIN:-$attack_root/build/wispanel}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-attack.XXXXXX")
# The accounts (own uids in sandbox mode) must pass through to their homes.
chmod 711 "$tmp"
panel_pid=
panel_url=
admin_key=
customer_key=

[[ -x $bin ]] || die "panel binary not found at $bin; run 'make build' first"

# shellcheck disable=SC2317  # the EXIT trap
attack_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$panel_pid"
  [[ -n ${KEEP_TMP:-} ]] && echo "attack: kept $tmp" >&2 || rm -rf "$tmp"
  exit "$rc"
}
trap attack_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# offline_key USER: a new all-scope key without a rate limit, made by the
# offline command (so no login's argon2id cost and no 60/min wall).
offline_key() {
  local key
  key=$("$bin" key create "$1" --data-dir "$tmp/panel" --name attack --permissions all \
    --rate-limit 0 2>"$tmp/key.log" | awk 'NF { last = $0 } END { print last }')
  [[ $key == wsp_* ]] || die "key create $1 failed: $(cat "$tmp/key.log")"
  echo "$key"
}

# start_panel [-c key=value ...]: a panel on HTTPS (its generated
# certificate) with an admin key made offline and one customer, "mallory",
# with her own key. Extra arguments go to `wispanel serve`.
start_panel() {
  local port
  port=$(free_port)
  # faults.sh mounts a tmpfs there first.
  [[ -d $tmp/panel ]] || mkdir -m 700 "$tmp/panel"
  "$bin" user add mallory --email m@example.com --password Mallory-pass-123 \
    --data-dir "$tmp/panel" >"$tmp/user.log" 2>&1 || die "user add failed: $(cat "$tmp/user.log")"
  admin_key=$(offline_key admin)
  customer_key=$(offline_key mallory)
  "$bin" serve --data-dir "$tmp/panel" --listen "127.0.0.1:$port" -c server.access_log=false \
    "$@" >"$tmp/panel.log" 2>&1 &
  panel_pid=$!
  panel_url=https://127.0.0.1:$port
  wait_up panel "$panel_pid" "$panel_url/api/v1/health" "$tmp/panel.log" 30
}

# api METHOD PATH KEY [JSON]: the body of the answer (any status).
api() {
  local args=(-ks --max-time 30 -X "$1" -H "Authorization: Bearer $3")
  [[ -n ${4:-} ]] && args+=(-H 'Content-Type: application/json' --data "$4")
  curl "${args[@]}" "$panel_url$2"
}

rss_kb() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$panel_pid/status" 2>/dev/null || echo 0
}

fd_count() {
  find "/proc/$panel_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
}

# probe_health OUT: until killed, GET /health from another loopback address
# (127.0.0.2, so the attacker's per-address limits do not apply to it) every
# half second; appends "ok" or "fail <code>" lines to OUT.
probe_health() {
  local out=$1 code
  while :; do
    code=$(curl -ks -o /dev/null -w '%{http_code}' --interface 127.0.0.2 --max-time 3 \
      "$panel_url/api/v1/health") || true
    if [[ $code == 200 ]]; then echo ok >>"$out"; else echo "fail $code" >>"$out"; fi
    sleep 0.5
  done
}
