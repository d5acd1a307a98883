#!/usr/bin/env bash
# SFTP benchmarks (issue 20): the panel's ProFTPD (mod_sftp, accounts from
# SQLite) against OpenSSH's internal-sftp on the same machine, same client
# (OpenSSH sftp), same key type (ed25519), both chrooted:
#  1. throughput: upload then download of a SIZE_MB file (target >= 0.8x);
#  2. sequential logins per second: LOGINS `sftp -b` sessions that log in and
#     quit (target >= 0.8x).
# The peer is a private sshd (its own config, port and host key in a temp
# dir); the system's sshd is never touched.
#
# Knobs (environment): WSP_BIN, SIZE_MB (1024), ROUNDS (1), LOGINS (100),
# CIPHER (empty: the client's default choice; e.g. aes128-gcm@openssh.com),
# WSP_SKIP_DEPS=1 (do not run scripts/deps.sh).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$bench_root
bench_deps
bench_begin

bin=${WSP_BIN:-$root/build/wispanel}
SIZE_MB=${SIZE_MB:-1024}
ROUNDS=${ROUNDS:-1}
LOGINS=${LOGINS:-100}
sshd=/usr/sbin/sshd

[[ -x $bin ]] || die "panel binary not found at $bin; run 'make build' first"
[[ $(id -u) -eq 0 ]] || die "run as root (both servers chroot their sessions)"
[[ -x $sshd ]] || die "$sshd not found (openssh-server)"
for tool in curl python3 sftp ssh-keygen; do command -v "$tool" >/dev/null || die "$tool not found"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsp-bench-sftp.XXXXXX")
chmod 711 "$tmp"
# sshd's ChrootDirectory needs every component root-owned and not writable by
# others, which /tmp is not.
jail=$(mktemp -d /var/lib/wsp-bench-sftp-jail.XXXXXX)
chmod 755 "$jail"
panel_pid=
peer_pid=

# shellcheck disable=SC2317
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$peer_pid"
  stop_pid "$panel_pid"
  rm -rf "$tmp" "$jail"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

read -r http_port ftp_port sftp_port peer_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(4)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
pasv=$((45000 + RANDOM % 4000))

"$bin" serve --data-dir "$tmp/panel" --listen "127.0.0.1:$http_port" -c server.tls=false \
  -c rate_limit.requests_per_minute=1000000 -c auth.account_requests_per_minute=0 -c rate_limit.session_requests_per_minute=0 -c server.access_log=false \
  -c ftp.port="$ftp_port" -c ftp.sftp_port="$sftp_port" \
  -c ftp.passive_ports="$pasv-$((pasv + 19))" -c mariadb.mode=off -c pma.enabled=false \
  >"$tmp/panel.log" 2>&1 &
panel_pid=$!

api="http://127.0.0.1:$http_port/api/v1"
wait_component panel "$panel_pid" "$api/health" ftp 30

password=$(cat "$tmp/panel/initial-admin-password")
token=$(curl -fs "$api/auth/login" -d "{\"username\":\"admin\",\"password\":\"$password\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
auth=(-H "Authorization: Bearer $token")
client="$tmp/client"
mkdir -p "$client"
chmod 700 "$client"
ssh-keygen -q -t ed25519 -N '' -C bench -f "$client/id"
curl -fs "${auth[@]}" "$api/ftp" -d '{"username":"bench","password":"Bench-pass1","home_dir":"bench"}' >/dev/null
python3 - "$client/id.pub" >"$client/key.json" <<'PY'
import json, sys
print(json.dumps({"public_key": open(sys.argv[1]).read().strip()}))
PY
curl -fs "${auth[@]}" "$api/ftp/admin_bench/keys" -d @"$client/key.json" >/dev/null

# The peer: OpenSSH's sshd with internal-sftp, chrooted like the panel's
# accounts, as an unprivileged user, key login only: nobody (sshd refuses
# locked accounts such as the wispanel system user without PAM).
peer="$tmp/peer"
mkdir -p "$peer" "$jail/files"
chown nobody:nogroup "$jail/files"
ssh-keygen -q -t ed25519 -N '' -f "$peer/host_ed25519"
cp "$client/id.pub" "$peer/authorized_keys"
chmod 644 "$peer/authorized_keys"
cat >"$peer/sshd_config" <<CONF
Port $peer_port
ListenAddress 127.0.0.1
HostKey $peer/host_ed25519
PidFile $peer/sshd.pid
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile $peer/authorized_keys
AllowUsers nobody
Subsystem sftp internal-sftp
ChrootDirectory $jail
ForceCommand internal-sftp -d /files
AllowTcpForwarding no
X11Forwarding no
CONF
# Debian's sshd needs its privilege separation directory.
[[ -d /run/sshd ]] || install -d -m 755 /run/sshd
"$sshd" -t -f "$peer/sshd_config" || die "peer sshd_config: see above"
"$sshd" -D -e -f "$peer/sshd_config" >"$tmp/peer.log" 2>&1 &
peer_pid=$!
for ((i = 0; i < 50; i++)); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $peer_port), 1)" 2>/dev/null && break
  sleep 0.1
done

opts=(-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o LogLevel=ERROR
  -o IdentitiesOnly=yes -o PasswordAuthentication=no -i "$client/id")
[[ -z ${CIPHER:-} ]] || opts+=(-o "Ciphers=$CIPHER")
file="$client/payload.bin"
head -c "$((SIZE_MB * 1024 * 1024))" /dev/zero >"$file"
printf 'bye\n' >"$client/login.batch"

# Seconds for one upload plus one download of the payload; the upload's
# and the download's own seconds go to stderr.
printf 'put %s payload.bin\n' "$file" >"$client/up.batch"
printf 'get payload.bin %s\nrm payload.bin\n' "$client/back.bin" >"$client/down.batch"
transfer() {
  local port=$1 target=$2 start mid end
  start=$(date +%s.%N)
  sftp -P "$port" "${opts[@]}" -b "$client/up.batch" "$target" >/dev/null || return 1
  mid=$(date +%s.%N)
  sftp -P "$port" "${opts[@]}" -b "$client/down.batch" "$target" >/dev/null || return 1
  end=$(date +%s.%N)
  python3 -c "import sys; print(f'  port $port: up {$mid - $start:.2f} s, down {$end - $mid:.2f} s', file=sys.stderr); print($end - $start)"
}
# Sequential logins per second.
logins() {
  local port=$1 target=$2 start end i
  start=$(date +%s.%N)
  for ((i = 0; i < LOGINS; i++)); do
    sftp -P "$port" "${opts[@]}" -b "$client/login.batch" "$target" >/dev/null || return 1
  done
  end=$(date +%s.%N)
  python3 -c "print($LOGINS / ($end - $start))"
}

panel_target=admin_bench@127.0.0.1
peer_target=nobody@127.0.0.1
transfer "$sftp_port" "$panel_target" >/dev/null ||
  die "panel SFTP failed: $(tail -5 "$tmp/panel/ftp/log/proftpd.log")"  # warm-up, and a check
transfer "$peer_port" "$peer_target" >/dev/null || die "OpenSSH peer failed: $(tail -5 "$tmp/peer.log")"
panel_total=0
peer_total=0
for ((r = 0; r < ROUNDS; r++)); do
  # Alternate the order so neither always runs on a warmer cache.
  if ((r % 2 == 0)); then
    p=$(transfer "$sftp_port" "$panel_target"); o=$(transfer "$peer_port" "$peer_target")
  else
    o=$(transfer "$peer_port" "$peer_target"); p=$(transfer "$sftp_port" "$panel_target")
  fi
  panel_total=$(python3 -c "print($panel_total + $p)")
  peer_total=$(python3 -c "print($peer_total + $o)")
done
peer_rate=$(logins "$peer_port" "$peer_target")
panel_rate=$(logins "$sftp_port" "$panel_target")

python3 - "$SIZE_MB" "$ROUNDS" "$panel_total" "$peer_total" "$panel_rate" "$peer_rate" "$LOGINS" <<'PY'
import sys
size, rounds = int(sys.argv[1]), int(sys.argv[2])
p, o, pr, orate = map(float, sys.argv[3:7])
logins = int(sys.argv[7])
mb = 2 * size * rounds
t = o / p
print(f"transfer, panel ProFTPD mod_sftp:   {p:.2f} s ({mb / p:.0f} MB/s, {rounds} x up+down of {size} MB)")
print(f"transfer, OpenSSH internal-sftp:    {o:.2f} s ({mb / o:.0f} MB/s)")
print(f"throughput ratio panel/OpenSSH: {t:.3f} (target >= 0.8){'' if t >= 0.8 else '  MISSED'}")
print(f"logins/s, panel ({logins} sequential): {pr:.1f}")
print(f"logins/s, OpenSSH:                {orate:.1f}")
r = pr / orate
print(f"login ratio panel/OpenSSH: {r:.3f} (target >= 0.8){'' if r >= 0.8 else '  MISSED'}")
PY
bench_end
