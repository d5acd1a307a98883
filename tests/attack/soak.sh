#!/usr/bin/env bash
# Soak (issue 16): a real panel (HTTPS, its sandbox MariaDB and ProFTPD)
# under a bounded, loopback-only load for SOAK_MINUTES at 80 % of the peak
# the same mix reaches, from ACCOUNTS accounts, mixing every area's read and
# write routes (tests/attack/soak_load.py). Prints RSS, open descriptors and
# p99 latency per area every minute; passes with no answer other than 2xx
# (and the 429s the one greedy account asks for), RSS and descriptors flat.
#
# Knobs: SOAK_MINUTES (30), ACCOUNTS (50), PEAK_SECONDS (20), WSP_BIN.
# Results: docs/reliability.md.
set -euo pipefail
# shellcheck source=tests/attack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SOAK_MINUTES=${SOAK_MINUTES:-30}
ACCOUNTS=${ACCOUNTS:-50}
PEAK_SECONDS=${PEAK_SECONDS:-20}

# The accounts' keys carry no per-key limit and the account-wide ceiling is
# lifted: the soak measures the panel, not its rate limits. The greedy
# account's key keeps the default per-key limit and is meant to hit it.
pasv=$((40000 + RANDOM % 20000))
start_panel -c auth.account_requests_per_minute=0 -c mariadb.port="$(free_port)" \
  -c pma.port="$(free_port)" -c ftp.port="$(free_port)" -c ftp.sftp_port="$(free_port)" \
  -c ftp.passive_ports="$pasv-$((pasv + 19))"
echo "panel pid $panel_pid on $panel_url; idle RSS $(($(rss_kb) / 1024)) MB, $(fd_count) fds"

for ((i = 0; i < 300; i++)); do
  api GET /api/v1/health "$admin_key" | grep -q '"mariadb":"up"' && break
  sleep 0.2
done
api GET /api/v1/health "$admin_key" | grep -q '"mariadb":"up"' ||
  die "MariaDB did not come up: $(tail -5 "$tmp/panel.log")"

keys=$tmp/keys
: >"$keys"
for ((n = 1; n <= ACCOUNTS; n++)); do
  user=$(printf 'soak%02d' "$n")
  "$bin" user add "$user" --email "$user@example.com" --password Soak-pass-123 \
    --data-dir "$tmp/panel" >"$tmp/user.log" 2>&1 || die "user add $user: $(cat "$tmp/user.log")"
  echo "$user $(offline_key "$user")" >>"$keys"
done
greedy=$("$bin" key create mallory --data-dir "$tmp/panel" --name greedy --permissions all \
  2>"$tmp/key.log" | awk 'NF { last = $0 } END { print last }')
[[ $greedy == wsp_* ]] || die "greedy key: $(cat "$tmp/key.log")"

python3 "$(dirname "${BASH_SOURCE[0]}")/soak_load.py" "$panel_url" "$panel_pid" "$keys" \
  "$greedy" "$((SOAK_MINUTES * 60))" "$PEAK_SECONDS"
kill -0 "$panel_pid" 2>/dev/null || die "the panel died during the soak: $(tail -20 "$tmp/panel.log")"
