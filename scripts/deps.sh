#!/usr/bin/env bash
# The one place that installs what WisPanel's build, run and tests need.
# Idempotent: apt runs only when a package is missing.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang-format clang-tidy ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev libsodium-dev libsqlite3-dev sqlite3
  libmariadb-dev libarchive-dev libcurl4-openssl-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libidn2-dev
  # managed components (sandbox mode runs its own copies)
  mariadb-server mariadb-client proftpd-core proftpd-mod-sqlite
  proftpd-mod-crypto libcrypt-dev  # FTPS (mod_tls); crypt(3) hashes for FTP accounts
  phpmyadmin php-cli php-mysql
  # test peers and tools
  curl lftp python3 python3-yaml python3-aiosmtpd openssl
  openssh-client sshpass  # SFTP tests: OpenSSH sftp -b, ssh-keygen (key checks, host keys), password via sshpass
  # web interface end-to-end tests: playwright-core drives Debian's Chromium (node + npm come with the machine)
  chromium
  zip unzip  # files: archive round trips are checked against the zip/unzip tools
  zlib1g-dev  # files: tar.gz compressed on a thread of its own (src/drivers/fs/gzip_pipe.cpp)
  restic  # backups: the backup engine (src/drivers/restic.cpp, docs/backups.md)
  galera-4 rsync  # database hosts: tests/integration/galera_test.cpp starts a 3-node Galera cluster (rsync SST)
  # benchmarks
  wrk nginx-light
  valgrind  # bench/http_instructions.sh: instructions per request (callgrind), panel and nginx
  busybox-static  # bench/cron.sh: its crond is the cron peer
  openssh-server  # bench/sftp.sh and tests/integration/backups_sftp_test.cpp: a private sshd's internal-sftp is the SFTP peer (the system sshd is never started here)
  libqrencode-dev oathtool  # account security: 2FA QR codes (SVG); TOTP codes checked against oathtool in tests
  sqlmap slowhttptest testssl.sh  # tests/attack/: outside attack tools against a real panel (docs/reliability.md)
  quota  # system mode: setquota/quotaon for packages' disk_quota_mb (docs/system-mode.md)
  prometheus  # integrations: promtool checks GET /metrics in tests/integration/integrations_test.cpp
)

# Sandbox mode run as root gives every account's files to this unprivileged
# user (never root); see docs/architecture.md "Two modes".
ensure_sandbox_user() {
  if [[ $(id -u) -eq 0 ]] && ! getent passwd wispanel >/dev/null; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin wispanel
  fi
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  ensure_sandbox_user
  exit 0
fi

echo "deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)

# Packages such as mariadb-server and nginx start a system service on
# install; WisPanel runs its own private copies, so keep the system ones off.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
  "${sudo_cmd[@]}" chmod 755 "$policy"
  made_policy=1
fi
cleanup() { [[ $made_policy -eq 1 ]] && "${sudo_cmd[@]}" rm -f "$policy"; return 0; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
# phpMyAdmin: no database of its own on a system server and no web-server
# reconfiguration; the panel serves it itself (docs/databases.md).
printf '%s\n' 'phpmyadmin phpmyadmin/dbconfig-install boolean false' \
  'phpmyadmin phpmyadmin/reconfigure-webserver multiselect' |
  "${sudo_cmd[@]}" debconf-set-selections
if ! "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
  "${sudo_cmd[@]}" apt-get update
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
ensure_sandbox_user
