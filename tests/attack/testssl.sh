#!/usr/bin/env bash
# testssl.sh (Debian package `testssl.sh`) against a real panel's HTTPS
# listener and its sandbox ProFTPD's explicit FTPS (AUTH TLS). Passes when
# neither has a finding of severity MEDIUM or worse, apart from the ones a
# test certificate must have (listed in `accepted` with the reason) .
#
# Knobs: WSP_BIN. Results: docs/reliability.md.
set -euo pipefail
# shellcheck source=tests/attack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v testssl >/dev/null || die "testssl not found (scripts/deps.sh installs testssl.sh)"

# Findings that belong to the self-signed certificate the panel makes for
# itself (an operator installs a CA-signed one: server.tls_cert), and one
# that does not apply:
#   cert_chain_of_trust  self-signed: no CA vouches for it
#   cert_revocation      a self-signed certificate has no CRL or OCSP URI
#   BREACH               only the web interface's static files are gzip'd
#                        (precompressed at build time); no API answer, no
#                        secret and no reflected input is ever compressed
accepted='cert_chain_of_trust|cert_revocation|BREACH'

ftp_port=$(free_port)
start_panel -c mariadb.mode=off -c "ftp.port=$ftp_port" -c "ftp.sftp_port=$(free_port)"
for ((i = 0; i < 100; i++)); do
  (exec 3<>"/dev/tcp/127.0.0.1/$ftp_port") 2>/dev/null && break
  sleep 0.2
done

failures=0
# run NAME testssl-arguments...: runs testssl, its JSON in $tmp/NAME.json.
run() {
  local name=$1
  shift
  testssl --quiet --color 0 --warnings off --ip one --jsonfile "$tmp/$name.json" "$@" >"$tmp/$name.txt" 2>&1 || true
}
# scan NAME: prints the findings of LOW and worse of a run, counts those of
# MEDIUM and worse that are not accepted.
scan() {
  local name=$1 json=$tmp/$1.json
  [[ -s $json ]] || die "testssl wrote no result for $name: $(tail -5 "$tmp/$name.txt")"
  local bad
  bad=$(python3 - "$json" "$accepted" <<'EOF'
import json, re, sys
findings = json.load(open(sys.argv[1]))
accepted = re.compile(sys.argv[2])
order = {"LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}
bad = 0
for f in findings:
    level = order.get(f["severity"], 0)
    if level == 0:
        continue
    ok = level < 2 or accepted.fullmatch(f["id"])
    print(f"  {'ok  ' if ok else 'FAIL'} {f['severity']:8} {f['id']}: {f['finding'][:100]}", file=sys.stderr)
    bad += not ok
print(bad)
EOF
)
  echo "$name: $bad finding(s) of MEDIUM or worse"
  failures=$((failures + bad))
}

# Both at once: each mostly waits on handshakes (half the time of one
# after the other in the test suite).
run https "${panel_url#https://}" &
https_pid=$!
run ftps --starttls ftp "127.0.0.1:$ftp_port"
wait "$https_pid"
scan https
scan ftps

echo "testssl: $failures failure(s)"
((failures == 0))
