#!/usr/bin/env bash
# The hostile-input corpus (tests/attack/corpus/*.json) over every route of
# the router tables, as the customer "mallory", against a real panel with its
# sandbox MariaDB and ProFTPD (tests/attack/corpus.py does the work). Passes
# when no answer was a 5xx other than 503/507, the panel never died and no
# file outside mallory's home changed or appeared.
#
# Knobs: SAMPLE=N (every Nth case; the ctest entry attack.corpus uses a
# sample), OFFSET, ONLY (regex on case ids), ONLY_ROUTES (regex on
# "VERB /path"), WSP_BIN. Results: docs/reliability.md.
set -euo pipefail
# shellcheck source=tests/attack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The accounts' own uids must reach their homes below $tmp (mktemp -d is 0700).
chmod 711 "$tmp"

start_panel -c "mariadb.port=$(free_port)" -c "ftp.port=$(free_port)" -c "ftp.sftp_port=$(free_port)" \
  -c pma.enabled=false -c files.max_upload_mb=64 -c cron.run_now_per_job_per_minute=0
for ((i = 0; i < 600; i++)); do
  curl -ks --max-time 2 "$panel_url/api/v1/health" | grep -q '"mariadb":"up"' && break
  sleep 0.2
done
curl -ks --max-time 2 "$panel_url/api/v1/health" | grep -q '"mariadb":"up"' || die "MariaDB did not come up"

# The other customer, whose home and database must never change.
api POST /api/v1/users "$admin_key" \
  '{"username":"victim","email":"v@example.com","password":"Secure-pass-123"}' >/dev/null
api POST /api/v1/databases "$admin_key" '{"name":"db","password":"Secure-pass-123","owner":"victim"}' |
  grep -q '"victim_db"' || die "victim's database was not made"

args=(--url "$panel_url" --key "$customer_key" --admin-key "$admin_key" --data "$tmp/panel"
  --tmp "$tmp" --pid "$panel_pid" --sample "${SAMPLE:-1}" --offset "${OFFSET:-0}")
[[ -n ${ONLY:-} ]] && args+=(--only "$ONLY")
[[ -n ${ONLY_ROUTES:-} ]] && args+=(--only-routes "$ONLY_ROUTES")
rc=0
python3 "$(dirname "${BASH_SOURCE[0]}")/corpus.py" "${args[@]}" || rc=$?
if ((rc != 0)); then
  echo "--- panel log (last 30 lines)"
  tail -30 "$tmp/panel.log"
fi
exit "$rc"
