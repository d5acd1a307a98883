#!/usr/bin/env bash
# FTP benchmarks, each against its peer in the same run:
#  1. quota accounting overhead: upload and download a SIZE_MB file over FTP
#     to an account with a quota and to one without (target ratio <= 1.1);
#  2. logins per second with the panel's SQLite accounts (mod_sql_sqlite)
#     against ProFTPD's own AuthUserFile (target ratio >= 0.8).
#
# Knobs (environment): WSP_BIN, SIZE_MB (1024), ROUNDS (2), LOGIN_SECONDS (5).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$bench_root
bench_deps
bench_begin

bin=${WSP_BIN:-$root/build/wispanel}
SIZE_MB=${SIZE_MB:-1024}
ROUNDS=${ROUNDS:-2}
LOGIN_SECONDS=${LOGIN_SECONDS:-5}
proftpd=/usr/sbin/proftpd

[[ -x $bin ]] || die "panel binary not found at $bin; run 'make build' first"
[[ $(id -u) -eq 0 ]] || die "run as root (ProFTPD must chroot its sessions)"
for tool in curl python3 sqlite3; do command -v "$tool" >/dev/null || die "$tool not found"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-bench-ftp.XXXXXX")
chmod 711 "$tmp"
panel_pid=
peer_pid=

# shellcheck disable=SC2317
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$peer_pid"
  stop_pid "$panel_pid"
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

read -r http_port ftp_port peer_port sftp_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(4)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
pasv=$((45000 + RANDOM % 4000))

"$bin" serve --data-dir "$tmp/panel" --listen "127.0.0.1:$http_port" -c server.tls=false \
  -c rate_limit.requests_per_minute=1000000 -c auth.account_requests_per_minute=0 -c rate_limit.session_requests_per_minute=0 -c server.access_log=false \
  -c ftp.port="$ftp_port" -c ftp.sftp_port="$sftp_port" -c ftp.require_tls=false \
  -c ftp.passive_ports="$pasv-$((pasv + 19))" -c mariadb.mode=off -c pma.enabled=false \
  >"$tmp/panel.log" 2>&1 &
panel_pid=$!

api="http://127.0.0.1:$http_port/api/v1"
wait_component panel "$panel_pid" "$api/health" ftp 30

password=$(cat "$tmp/panel/initial-admin-password")
token=$(curl -fs "$api/auth/login" -d "{\"username\":\"admin\",\"password\":\"$password\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
auth=(-H "Authorization: Bearer $token")
quota_mb=$((SIZE_MB * 2 + 64))
curl -fs "${auth[@]}" "$api/ftp" -d "{\"username\":\"quota\",\"password\":\"Bench-pass1\",\"home_dir\":\"quota\",\"quota_mb\":$quota_mb}" >/dev/null
curl -fs "${auth[@]}" "$api/ftp" -d '{"username":"free","password":"Bench-pass1","home_dir":"free"}' >/dev/null

file="$tmp/payload.bin"
head -c "$((SIZE_MB * 1024 * 1024))" /dev/zero >"$file"

# Seconds for one upload plus one download of the payload.
transfer() {
  local user=$1 start end
  start=$(date +%s.%N)
  curl -fsS --user "$user:Bench-pass1" -T "$file" "ftp://127.0.0.1:$ftp_port/payload.bin"
  curl -fsS --user "$user:Bench-pass1" -o /dev/null "ftp://127.0.0.1:$ftp_port/payload.bin"
  curl -fsS --user "$user:Bench-pass1" -Q "DELE payload.bin" "ftp://127.0.0.1:$ftp_port/" >/dev/null
  end=$(date +%s.%N)
  python3 -c "print($end - $start)"
}

quota_total=0
free_total=0
for ((r = 0; r < ROUNDS; r++)); do
  # Alternate the order so neither always runs on a warmer cache.
  if ((r % 2 == 0)); then
    q=$(transfer admin_quota); f=$(transfer admin_free)
  else
    f=$(transfer admin_free); q=$(transfer admin_quota)
  fi
  quota_total=$(python3 -c "print($quota_total + $q)")
  free_total=$(python3 -c "print($free_total + $f)")
done

# The peer: the same ProFTPD with the same settings, accounts from a
# passwd-format AuthUserFile instead of SQLite. The panel's server also
# runs its mod_wrap2 lookups at each login and the peer does not, so the
# ratio is conservative for the panel; neither account has a quota.
peer="$tmp/peer"
mkdir -p "$peer/run" "$peer/home"
chown wispanel:wispanel "$peer/home"
uid=$(id -u wispanel); gid=$(id -g wispanel)
# The very hash the panel stored (same crypt cost), so only the lookup differs.
hash=$(sqlite3 "$tmp/panel/ftp/accounts.db" "SELECT passwd FROM ftp_users WHERE username = 'admin_free'")
echo "peer:$hash:$uid:$gid::$peer/home:/bin/false" >"$peer/passwd"
echo "peer:x:$gid:" >"$peer/group"
chmod 600 "$peer/passwd" "$peer/group"
cat >"$peer/proftpd.conf" <<CONF
ServerType standalone
DefaultAddress 127.0.0.1
Port $peer_port
SocketBindTight on
UseIPv6 off
User nobody
Group nogroup
MaxInstances 50
UseReverseDNS off
PidFile $peer/run/pid
ScoreboardFile $peer/run/scoreboard
DelayTable $peer/run/delay
ControlsEngine off
<Global>
  WtmpLog off
  AuthOrder mod_auth_file.c
  AuthUserFile $peer/passwd
  AuthGroupFile $peer/group
  DefaultRoot ~
  RequireValidShell off
</Global>
CONF
"$proftpd" --nodaemon -c "$peer/proftpd.conf" >"$tmp/peer.log" 2>&1 &
peer_pid=$!
sleep 0.5

logins() {
  python3 - "$1" "$2" "$LOGIN_SECONDS" <<'PY'
import ftplib, sys, time
port, user, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
n, end = 0, time.monotonic() + seconds
start = time.monotonic()
while time.monotonic() < end:
    f = ftplib.FTP()
    f.connect("127.0.0.1", port, timeout=10)
    f.login(user, "Bench-pass1")
    f.quit()
    n += 1
print(n / (time.monotonic() - start))
PY
}
logins "$peer_port" peer >/dev/null  # warm-up
sqlite_rate=$(logins "$ftp_port" admin_free)
file_rate=$(logins "$peer_port" peer)

python3 - "$SIZE_MB" "$ROUNDS" "$quota_total" "$free_total" "$sqlite_rate" "$file_rate" <<'PY'
import sys
size, rounds = int(sys.argv[1]), int(sys.argv[2])
q, f, s, a = map(float, sys.argv[3:7])
mb = 2 * size * rounds
ratio = q / f
print(f"transfer with quota:    {q:.2f} s ({mb / q:.0f} MB/s, {rounds} x up+down of {size} MB)")
print(f"transfer without quota: {f:.2f} s ({mb / f:.0f} MB/s)")
print(f"ratio quota/no-quota time: {ratio:.3f} (target <= 1.1){'' if ratio <= 1.1 else '  MISSED'}")
print(f"logins/s SQLite accounts: {s:.1f}")
print(f"logins/s AuthUserFile:    {a:.1f}")
r = s / a
print(f"ratio SQLite/AuthUserFile: {r:.3f} (target >= 0.8){'' if r >= 0.8 else '  MISSED'}")
PY
bench_end
