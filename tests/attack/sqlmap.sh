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
for ((i = 0; i < 300; i++)); do
  curl -ks --max-time 2 "$panel_url/api/v1/health" | grep -q '"mariadb":"up"' && break
  sleep 0.2
done

# What the targets name exists, so each request reaches its store.
api POST /api/v1/domains "$customer_key" '{"domain":"mallory.example"}' >/dev/null
api POST /api/v1/databases "$customer_key" '{"name":"shop","password":"Secure-pass-123"}' >/dev/null
api POST /api/v1/ftp "$customer_key" '{"username":"up","password":"Secure-pass-123"}' >/dev/null
api POST /api/v1/files/write "$customer_key" '{"path":"/a.txt","content":"hello"}' >/dev/null
api POST /api/v1/cronjobs "$customer_key" \
  '{"name":"one","command":"echo hi","cron_expr":"*/5 * * * *"}' >/dev/null

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
