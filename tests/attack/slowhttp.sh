#!/usr/bin/env bash
# slowhttptest (Debian package) against a real panel on HTTPS: slowloris
# (-H), slow POST bodies (-B), slow reading of responses (-X) and the
# overlapping-ranges attack (-R), one after the other. Throughout, another
# client (another loopback address) asks for /health every half second; the
# panel passes when every probe answered 200, it is still running, and its
# RSS and open descriptors came back down after each attack.
#
# Knobs: DURATION (s per attack, 60), CONNECTIONS (per attack, 2000),
# RATE (new connections/s, 400), RSS_LIMIT_MB (peak, 64), WSP_BIN.
# Results: docs/reliability.md.
set -euo pipefail
# shellcheck source=tests/attack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-2000}
RATE=${RATE:-400}
RSS_LIMIT_MB=${RSS_LIMIT_MB:-64}
command -v slowhttptest >/dev/null || die "slowhttptest not found (scripts/deps.sh installs it)"

start_panel
echo "panel pid $panel_pid on $panel_url; idle RSS $(($(rss_kb) / 1024)) MB, $(fd_count) fds"
failures=0

# attack NAME slowhttptest-arguments...
attack() {
  local name=$1 probes=$tmp/probes-$1 peak=0 rss fds_before probe_pid i
  shift
  fds_before=$(fd_count)
  : >"$probes"
  probe_health "$probes" &
  probe_pid=$!
  slowhttptest -c "$CONNECTIONS" -r "$RATE" -l "$DURATION" -u "$panel_url/api/v1/health" \
    -p 5 "$@" >"$tmp/$name.log" 2>&1 &
  local attack_pid=$!
  while kill -0 "$attack_pid" 2>/dev/null; do
    rss=$(rss_kb)
    ((rss > peak)) && peak=$rss
    sleep 1
  done
  wait "$attack_pid" || true
  kill "$probe_pid" 2>/dev/null || true
  wait "$probe_pid" 2>/dev/null || true
  # Connections the attacker left behind are closed by the panel's timeouts.
  for ((i = 0; i < 30 && $(fd_count) > fds_before + 4; i++)); do sleep 1; done
  local ok fail served
  ok=$(grep -c '^ok' "$probes" || true)
  fail=$(grep -c '^fail' "$probes" || true)
  served=$(sed 's/\x1b\[[0-9;]*m//g' "$tmp/$name.log" | grep -o 'service available:[^|]*' | tail -1 | tr -s ' ' || true)
  printf '%-10s probes ok %4d failed %3d  peak RSS %3d MB  fds %d -> %d  (%s)\n' \
    "$name" "$ok" "$fail" $((peak / 1024)) "$fds_before" "$(fd_count)" "${served:-slowhttptest: no summary}"
  if ! kill -0 "$panel_pid" 2>/dev/null; then
    echo "FAIL $name: the panel died; its log:" && tail -20 "$tmp/panel.log"
    exit 1
  fi
  if ((fail > 0 || ok == 0)); then
    echo "FAIL $name: /health failed during the attack:" && sort "$probes" | uniq -c
    failures=$((failures + 1))
  fi
  if ((peak / 1024 > RSS_LIMIT_MB)); then
    echo "FAIL $name: peak RSS $((peak / 1024)) MB > $RSS_LIMIT_MB MB"
    failures=$((failures + 1))
  fi
  if (($(fd_count) > fds_before + 4)); then
    echo "FAIL $name: descriptors not released ($fds_before -> $(fd_count))"
    failures=$((failures + 1))
  fi
}

attack slowloris -H -i 10 -s 8192
attack slow-post -B -i 10 -s 65536 -t POST
attack slow-read -X -k 3 -n 5 -w 10 -y 20 -z 32
attack range -R -a 10 -b 3000

echo "slowhttp: $failures failure(s); load average $(cut -d' ' -f1-3 /proc/loadavg)"
((failures == 0))
