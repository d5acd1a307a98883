#!/usr/bin/env bash
# sqlmap (Debian package) over the requests of sqlmap_targets.txt against a
# real panel with its sandbox MariaDB and ProFTPD, as the customer
# "mallory" (and the admin for admin routes). Passes when sqlmap finds no
# injection point and the panel answered no request with a 500.
#
# Knobs: LEVEL (sqlmap --level, 3: also the User-Agent and Referer
# headers), RISK (--risk, 2), ONLY (a regex: run only the matching target
# lines), WSP_BIN. Results: docs/reliability.md.
set -euo pipefail
# shellcheck source=tests/attack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v sqlmap >/dev/null || die "sqlmap not found (scripts/deps.sh installs it)"
LEVEL=${LEVEL:-3}
RISK=${RISK:-2}
ONLY=${ONLY:-.}
targets=$(dirname "${BASH_SOURCE[0]}")/sqlmap_targets.txt

start_panel -c server.access_log=true -c "mariadb.port=$(free_port)" -c "ftp.port=$(free_port)" \
  -c "ftp.sftp_port=$(free_port)" -c pma.enabled=false
mariadb_up=no
for ((i = 0; i < 300; i++)); do
  curl -ks --max-time 2 "$panel_url/api/v1/health" | grep -q '"mariadb":"up"' && mariadb_up=yes && break
  sleep 0.2
done
# A run whose MariaDB or files never worked would prove nothing about them
# (an earlier run had unreachable homes): the set-up must succeed.
[[ $mariadb_up == yes ]] || die "MariaDB did not come up; the database routes would not be tested"

# must METHOD PATH BODY: a set-up request that has to succeed.
must() {
  local out
  out=$(api "$1" "$2" "$customer_key" "$3")
  grep -q '"error"' <<<"$out" && die "set-up $1 $2 failed: $out"
  return 0
}
# What the targets name exists, so each request reaches its store.
must POST /api/v1/domains '{"domain":"mallory.example"}'
must POST /api/v1/databases '{"name":"shop","password":"Secure-pass-123"}'
must POST /api/v1/ftp '{"username":"up","password":"Secure-pass-123"}'
must POST /api/v1/files/write '{"path":"/a.txt","content":"hello"}'
must POST /api/v1/cronjobs '{"name":"one","command":"echo hi","cron_expr":"*/5 * * * *"}'

tried=0
found=0
while read -r who method path body; do
  [[ -z $who || $who == \#* ]] && continue
  grep -Eq -- "$ONLY" <<<"$who $method $path" || continue
  key=$customer_key
  [[ $who == admin ]] && key=$admin_key
  args=(-u "$panel_url$path" --method "$method" --headers "Authorization: Bearer $key"
    --batch --level "$LEVEL" --risk "$RISK" --disable-coloring --flush-session
    --output-dir "$tmp/sqlmap" -v 0)
  [[ -n $body ]] && args+=(--data "$body")
  log=$tmp/sqlmap-$tried.log
  sqlmap "${args[@]}" >"$log" 2>&1 || true
  tried=$((tried + 1))
  if grep -q "identified the following injection point\|is vulnerable" "$log"; then
    echo "FOUND $who $method $path:"
    grep -A8 "identified the following injection point" "$log" || true
    found=$((found + 1))
  else
    echo "clean $who $method $path ($(grep -c . "$log") lines of sqlmap output)"
  fi
done <"$targets"

requests=$(grep -c '\] \[info\] [0-9a-f.:]* "' "$tmp/panel.log" || true)
errors=$(grep -E '\] \[info\] [0-9a-f.:]* "[A-Z]+ [^"]*" 500 ' "$tmp/panel.log" || true)
echo "sqlmap: $tried targets, $requests requests, $found injection point(s), $(grep -c . <<<"$errors" || true) answer(s) 500"
[[ -z $errors ]] || { echo "$errors" | head -20; exit 1; }
((found == 0 && tried > 0))
